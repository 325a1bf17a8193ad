// A gate's policy digest (runtime/gate_policy.h): what a recorded gate pass
// is keyed on, so a pass stops counting when the gate asks for more.
#include "runtime/gate_policy.h"

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::runtime;

namespace {

ir::PipelineGraph creditRisk() {
  ir::PipelineGraph g;
  auto role = [&](const char* name, std::vector<std::string> members) {
    ir::Role r;
    r.name = name;
    r.members = std::move(members);
    g.roles.push_back(r);
  };
  role("modelers", {"dana@bank.example"});
  role("validators", {"carol@bank.example", "grace@bank.example", "heidi@bank.example"});
  role("risk_owner", {"alice@bank.example"});
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.id = "model:scorer";
  model.name = "scorer";
  model.owner = "modelers";
  ir::Node gate;
  gate.kind = ir::NodeKind::Gate;
  gate.id = "gate:production";
  gate.name = "production";
  gate.model = "model:scorer";
  gate.require = {"test:auc_floor", "test:income_drift"};
  gate.approvals = {{"validators", 2, {}}, {"risk_owner", 1, {}}};
  g.nodes = {model, gate};
  return g;
}

}  // namespace

TEST_CASE("security item 7: the policy digest changes with whatever a gate checks", "[runtime][gates]") {
  ir::PipelineGraph g = creditRisk();
  const std::string passedUnder = gatePolicyDigest(g, g.nodes[1]);
  CHECK(passedUnder.size() == 64);
  CHECK(gatePolicyDigest(creditRisk(), creditRisk().nodes[1]) == passedUnder);

  SECTION("a higher quorum") {
    g.nodes[1].approvals[0].quorum = 3;  // 2 of validators → 3 of validators
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
  }
  SECTION("another risk owner") {
    g.roles[2].members = {"mallory@bank.example"};
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
  }
  SECTION("a validator leaves") {
    g.roles[1].members.pop_back();
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
  }
  SECTION("a validator joins the model's owners (separation of duties)") {
    g.roles[0].members.push_back("carol@bank.example");
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
  }
  SECTION("another approval role or required test") {
    g.nodes[1].approvals.pop_back();
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
    g = creditRisk();
    g.nodes[1].require.push_back("test:no_regression");
    CHECK(gatePolicyDigest(g, g.nodes[1]) != passedUnder);
  }
  SECTION("reordering changes nothing a gate checks") {
    std::reverse(g.roles[1].members.begin(), g.roles[1].members.end());
    std::reverse(g.nodes[1].approvals.begin(), g.nodes[1].approvals.end());
    std::reverse(g.nodes[1].require.begin(), g.nodes[1].require.end());
    CHECK(gatePolicyDigest(g, g.nodes[1]) == passedUnder);
  }
}

TEST_CASE("the policy document names the requirements and members", "[runtime][gates]") {
  ir::PipelineGraph g = creditRisk();
  CHECK(gatePolicyText(g, g.nodes[1]) ==
        R"({"policy":1,"gate":"gate:production","model":"model:scorer","approvals":[)"
        R"({"role":"risk_owner","quorum":1,"members":["alice@bank.example"]},)"
        R"({"role":"validators","quorum":2,"members":["carol@bank.example","grace@bank.example","heidi@bank.example"]}],)"
        R"("owners":[{"role":"modelers","members":["dana@bank.example"]}],)"
        R"("require":["test:auc_floor","test:income_drift"]})");
}

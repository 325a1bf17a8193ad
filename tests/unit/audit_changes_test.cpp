// Section 10 of the audit report (emit/audit_changes.h): what changed
// between a baseline and the current pipeline graph, and which way each
// threshold, severity, quorum and required test moved. Most cases edit the
// credit-risk example (its teams inlined, so roles can be edited too) and
// compile both versions.
#include "driver/compilation.h"
#include "emit/audit_changes.h"
#include "ir/ir_builder.h"
#include "ir/ir_reader.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>

#include <optional>
#include <string>
#include <vector>

using namespace mlops;
using Change = emit::AuditChange;
using Direction = emit::AuditChange::Direction;

namespace {

const char* kExample = MLOPS_SOURCE_DIR "/examples/credit-risk/credit_risk.mlops";

std::string readFile(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  INFO("not in the spec: " << from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// credit_risk.mlops with teams.mlops in place of its import.
std::string example() {
  std::string teams = edited(readFile(MLOPS_SOURCE_DIR "/examples/credit-risk/teams.mlops"), "use std.roles\n", "");
  return edited(readFile(kExample), "import \"teams.mlops\"\n", teams);
}

ir::PipelineGraph compile(const std::string& text) {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText(kExample, text, options);
  REQUIRE(program);
  std::string listing;
  for (const diag::Diagnostic& d : c.diags().diagnostics()) listing += d.message + "\n";
  INFO("diagnostics:\n" << listing);
  REQUIRE(!c.diags().hasErrors());
  return ir::buildPipelineGraph(*program);
}

std::vector<Change> diff(const std::string& before, const std::string& after) {
  return emit::diffGraphs(compile(before), compile(after));
}

// The changes of one edit of the example.
std::vector<Change> diffEdit(const std::string& from, const std::string& to) {
  std::string base = example();
  return diff(base, edited(base, from, to));
}

std::vector<std::string> summaries(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) out.push_back(c.summary);
  return out;
}

std::string listing(const std::vector<Change>& changes) {
  std::string out;
  for (const Change& c : changes) out += c.summary + "\n";
  return out;
}

Change only(const std::vector<Change>& changes) {
  INFO(listing(changes));
  REQUIRE(changes.size() == 1);
  return changes.front();
}

// A graph with one test whose expectation is `tree`.
ir::PipelineGraph withExpectation(const std::string& source, const char* tree) {
  ir::PipelineGraph g;
  g.projectName = "p";
  ir::Node n{};
  n.kind = ir::NodeKind::Test;
  n.id = "test:t";
  n.name = "t";
  n.target = "model:m";
  n.severity = "blocking";
  n.expect = {source, nlohmann::ordered_json::parse(tree)};
  g.nodes.push_back(n);
  return g;
}

Direction expectationDirection(const char* before, const char* after) {
  return only(emit::diffGraphs(withExpectation("before", before), withExpectation("after", after))).direction;
}

}  // namespace

TEST_CASE("identical graphs have no changes", "[audit]") {
  std::string text = example();
  CHECK(listing(diff(text, text)).empty());
  // Layout and comments are not changes.
  CHECK(listing(diffEdit("expect metrics.auc >= 0.75", "expect   metrics.auc>=0.75 // floor")).empty());
}

TEST_CASE("the credit-risk example compared with itself is empty", "[audit]") {
  ir::PipelineGraph compiled = compile(readFile(kExample));
  CHECK(listing(emit::diffGraphs(compiled, compiled)).empty());
  // A baseline read back from pipeline.json holds whole numbers as
  // integers and no source ranges: still no change.
  ir::ReadError error;
  std::optional<ir::PipelineGraph> golden =
      ir::readPipelineJson(readFile(MLOPS_SOURCE_DIR "/tests/golden/ir/credit-risk.pipeline.json"), error);
  INFO(error.pointer << ": " << error.message);
  REQUIRE(golden);
  CHECK(listing(emit::diffGraphs(*golden, compiled)).empty());
  CHECK(listing(emit::diffGraphs(compiled, *golden)).empty());
}

TEST_CASE("an added test tightens, a removed test loosens", "[audit]") {
  Change added = only(diffEdit("/// Warns when the new scorer",
                                "test accuracy_floor on scorer {\n  expect metrics.accuracy >= 0.7\n}\n\n"
                                "/// Warns when the new scorer"));
  CHECK(added.kind == Change::Kind::Added);
  CHECK(added.direction == Direction::Tightened);
  CHECK(added.declaration == "test:accuracy_floor");
  CHECK(added.field.empty());
  CHECK(added.summary == "test `accuracy_floor` added (tightened)");

  std::string base = example();
  std::string after = edited(base, "[auc_floor, income_drift, no_regression]", "[auc_floor, income_drift]");
  after = edited(after, "test no_regression on scorer {\n  expect metrics.auc >= baseline.auc - 0.01\n  severity = warning\n}\n",
                 "");
  std::vector<Change> changes = diff(base, after);
  INFO(listing(changes));
  REQUIRE(changes.size() == 2);
  // Declarations in the order of `after`, removed ones last.
  CHECK(changes[0].declaration == "gate:production");
  CHECK(changes[0].field == "require");
  CHECK(changes[0].direction == Direction::Loosened);
  CHECK(changes[0].before == "[auc_floor, income_drift, no_regression]");
  CHECK(changes[0].after == "[auc_floor, income_drift]");
  CHECK(changes[0].summary == "gate `production`: test `no_regression` no longer required (loosened)");
  CHECK(changes[1].kind == Change::Kind::Removed);
  CHECK(changes[1].declaration == "test:no_regression");
  CHECK(changes[1].direction == Direction::Loosened);
  CHECK(changes[1].summary == "test `no_regression` removed (loosened)");
}

TEST_CASE("a lower floor loosens the threshold, a higher one tightens it", "[audit]") {
  Change lower = only(diffEdit("metrics.auc >= 0.75", "metrics.auc >= 0.7"));
  CHECK(lower.kind == Change::Kind::Changed);
  CHECK(lower.declaration == "test:auc_floor");
  CHECK(lower.field == "expect");
  CHECK(lower.before == "metrics.auc >= 0.75");
  CHECK(lower.after == "metrics.auc >= 0.7");
  CHECK(lower.direction == Direction::Loosened);
  CHECK(lower.summary == "test `auc_floor`: threshold lowered from 0.75 to 0.7 (loosened)");

  Change higher = only(diffEdit("metrics.auc >= 0.75", "metrics.auc >= 0.8"));
  CHECK(higher.direction == Direction::Tightened);
  CHECK(higher.summary == "test `auc_floor`: threshold raised from 0.75 to 0.8 (tightened)");

  // The mirrored comparison: `N <= X` is a floor of X too.
  std::string mirrored = edited(example(), "metrics.auc >= 0.75", "0.75 <= metrics.auc");
  CHECK(only(diff(mirrored, edited(mirrored, "0.75 <=", "0.7 <="))).direction == Direction::Loosened);
  CHECK(only(diff(mirrored, edited(mirrored, "0.75 <=", "0.9 <="))).direction == Direction::Tightened);

  // An arithmetic bound: a larger allowed regression lowers the floor.
  Change regression = only(diffEdit("baseline.auc - 0.01", "baseline.auc - 0.02"));
  CHECK(regression.direction == Direction::Loosened);
  CHECK(regression.summary ==
        "test `no_regression`: floor of `metrics.auc` lowered from `baseline.auc - 0.01` to `baseline.auc - 0.02` "
        "(loosened)");
}

TEST_CASE("a higher ceiling of a monitor loosens it", "[audit]") {
  Change c = only(diffEdit("live.error_rate < 2%", "live.error_rate < 5%"));
  CHECK(c.declaration == "monitor:scorer_live");
  CHECK(c.direction == Direction::Loosened);
  CHECK(c.before == "live.error_rate < 2%");
  CHECK(c.summary == "monitor `scorer_live`: threshold raised from 0.02 to 0.05 (loosened)");
  CHECK(only(diffEdit("live.error_rate < 2%", "live.error_rate <= 1%")).direction == Direction::None);
  CHECK(only(diffEdit("live.error_rate < 2%", "live.error_rate < 1%")).direction == Direction::Tightened);
}

TEST_CASE("thresholds inside larger expectations", "[audit]") {
  const char* both = R"({"op": "and", "args": [
      {"op": ">=", "args": [{"path": ["metrics", "auc"]}, {"number": 0.75}]},
      {"op": "<", "args": [{"path": ["metrics", "brier"]}, {"number": 0.2}]}]})";
  const char* onlyAucLower = R"({"op": "and", "args": [
      {"op": ">=", "args": [{"path": ["metrics", "auc"]}, {"number": 0.7}]},
      {"op": "<", "args": [{"path": ["metrics", "brier"]}, {"number": 0.2}]}]})";
  const char* mixed = R"({"op": "and", "args": [
      {"op": ">=", "args": [{"path": ["metrics", "auc"]}, {"number": 0.8}]},
      {"op": "<", "args": [{"path": ["metrics", "brier"]}, {"number": 0.3}]}]})";
  const char* bothTighter = R"({"op": "and", "args": [
      {"op": ">=", "args": [{"path": ["metrics", "auc"]}, {"number": 0.8}]},
      {"op": "<", "args": [{"path": ["metrics", "brier"]}, {"number": 0.1}]}]})";
  CHECK(expectationDirection(both, onlyAucLower) == Direction::Loosened);
  CHECK(expectationDirection(both, bothTighter) == Direction::Tightened);
  // Mixed: loosened if any part is, and the summary says which moved how.
  Change c = only(emit::diffGraphs(withExpectation("a", both), withExpectation("b", mixed)));
  CHECK(c.direction == Direction::Loosened);
  CHECK(c.summary ==
        "test `t`: threshold of `metrics.auc` raised from 0.75 to 0.8 (tightened), threshold of `metrics.brier` "
        "raised from 0.2 to 0.3 (loosened)");
  // `not` reverses the sense of a bound.
  CHECK(expectationDirection(R"({"op": "not", "args": [{"op": "<", "args": [{"path": ["x"]}, {"number": 1}]}]})",
                             R"({"op": "not", "args": [{"op": "<", "args": [{"path": ["x"]}, {"number": 2}]}]})") ==
        Direction::Tightened);
  // Another operator, another name, an equality: not a threshold.
  CHECK(expectationDirection(R"({"op": ">=", "args": [{"path": ["x"]}, {"number": 1}]})",
                             R"({"op": ">", "args": [{"path": ["x"]}, {"number": 1}]})") == Direction::None);
  CHECK(expectationDirection(R"({"op": ">=", "args": [{"path": ["x"]}, {"number": 1}]})",
                             R"({"op": ">=", "args": [{"path": ["y"]}, {"number": 0}]})") == Direction::None);
  CHECK(expectationDirection(R"({"op": "==", "args": [{"path": ["x"]}, {"number": 1}]})",
                             R"({"op": "==", "args": [{"path": ["x"]}, {"number": 2}]})") == Direction::None);
  // Whole numbers read back from pipeline.json as integers are the same.
  CHECK(emit::diffGraphs(withExpectation("x >= 1", R"({"op": ">=", "args": [{"path": ["x"]}, {"number": 1}]})"),
                         withExpectation("x >= 1", R"({"op": ">=", "args": [{"path": ["x"]}, {"number": 1.0}]})"))
            .empty());
}

TEST_CASE("a blocking test made a warning loosens", "[audit]") {
  Change c = only(diffEdit("  severity = blocking", "  severity = warning"));
  CHECK(c.declaration == "test:auc_floor");
  CHECK(c.field == "severity");
  CHECK(c.before == "blocking");
  CHECK(c.after == "warning");
  CHECK(c.direction == Direction::Loosened);
  CHECK(c.summary == "test `auc_floor`: severity changed from blocking to warning (loosened)");
  CHECK(only(diffEdit("  severity = warning", "  severity = blocking")).direction == Direction::Tightened);
}

TEST_CASE("a lower quorum or a dropped approver loosens the gate", "[audit]") {
  Change lower = only(diffEdit("[2 of validators, risk_owner]", "[validators, risk_owner]"));
  CHECK(lower.declaration == "gate:production");
  CHECK(lower.field == "approvals");
  CHECK(lower.before == "2 of validators, risk_owner");
  CHECK(lower.after == "validators, risk_owner");
  CHECK(lower.direction == Direction::Loosened);
  CHECK(lower.summary == "gate `production`: quorum of `validators` lowered from 2 to 1 (loosened)");

  Change dropped = only(diffEdit("[2 of validators, risk_owner]", "[2 of validators]"));
  CHECK(dropped.direction == Direction::Loosened);
  CHECK(dropped.summary == "gate `production`: approval by `risk_owner` dropped, was quorum 1 (loosened)");

  // Order means nothing: the gate needs every entry.
  CHECK(diffEdit("[2 of validators, risk_owner]", "[risk_owner, 2 of validators]").empty());

  // A larger quorum and a new approver tighten; mixed with a loosening,
  // the change is loosened.
  std::string base = edited(example(), "[2 of validators, risk_owner]", "[validators, risk_owner]");
  CHECK(only(diff(base, edited(base, "[validators, risk_owner]", "[2 of validators, risk_owner]"))).direction ==
        Direction::Tightened);
  Change mixed = only(diff(edited(base, "[validators, risk_owner]", "[2 of validators]"),
                                  edited(base, "[validators, risk_owner]", "[validators, risk_owner]")));
  CHECK(mixed.direction == Direction::Loosened);
  CHECK(mixed.summary ==
        "gate `production`: quorum of `validators` lowered from 2 to 1 (loosened), approval by `risk_owner` added, "
        "quorum 1 (tightened)");
}

TEST_CASE("a changed approver is named, without a direction", "[audit]") {
  // alice: an approver needs a key in the example's allowed_signers (E0509).
  Change c = only(diffEdit("members = [\"carol@bank.example\", \"grace@bank.example\"]",
                                  "members = [\"grace@bank.example\", \"alice@bank.example\"]"));
  CHECK(c.declaration == "role:validators");
  CHECK(c.field == "members");
  CHECK(c.before == "[carol@bank.example, grace@bank.example]");
  CHECK(c.after == "[grace@bank.example, alice@bank.example]");
  CHECK(c.direction == Direction::None);
  CHECK(c.summary == "approvers of `validators` changed: +alice@bank.example, -carol@bank.example");

  // Members of a role that approves nothing.
  Change team = only(diffEdit("members = [\"frank@bank.example\"]", "members = [\"frank@bank.example\", \"ivan@bank.example\"]"));
  CHECK(team.summary == "role `pipeline_eng`: members changed: +ivan@bank.example");
}

TEST_CASE("a raised psi threshold loosens the drift test", "[audit]") {
  Change raised = only(diffEdit("threshold = 0.2", "threshold = 0.3"));
  CHECK(raised.declaration == "test:income_drift");
  CHECK(raised.field == "uses.threshold");
  CHECK(raised.before == "0.2");
  CHECK(raised.after == "0.3");
  CHECK(raised.direction == Direction::Loosened);
  CHECK(raised.summary == "test `income_drift`: argument `threshold` of `psi` raised from 0.2 to 0.3 (loosened)");
  CHECK(only(diffEdit("threshold = 0.2", "threshold = 0.1")).direction == Direction::Tightened);
  // Another column is another test, not a threshold.
  CHECK(only(diffEdit("column    = \"income\"", "column    = \"age\"")).direction == Direction::None);
}

TEST_CASE("arguments of other standard checks", "[audit]") {
  std::string base = edited(example(), "/// Warns when the new scorer",
                            "test volume on applications uses rows { min = 100 }\n"
                            "test complete on applications uses nulls { column = \"income\"  max = 1% }\n"
                            "/// Warns when the new scorer");
  // `min` is a floor; `max` a ceiling that 0 switches off.
  CHECK(only(diff(base, edited(base, "min = 100", "min = 50"))).direction == Direction::Loosened);
  CHECK(only(diff(base, edited(base, "min = 100", "min = 200"))).direction == Direction::Tightened);
  CHECK(only(diff(base, edited(base, "min = 100", "min = 100  max = 5000"))).direction == Direction::Tightened);
  std::string capped = edited(base, "min = 100", "min = 100  max = 5000");
  CHECK(only(diff(capped, edited(capped, "max = 5000", "max = 9000"))).direction == Direction::Loosened);
  CHECK(only(diff(capped, base)).direction == Direction::Loosened);
  // A percentage, compared as the fraction it is.
  Change nulls = only(diff(base, edited(base, "max = 1%", "max = 5%")));
  CHECK(nulls.direction == Direction::Loosened);
  CHECK(nulls.before == "1%");
  CHECK(nulls.summary == "test `complete`: argument `max` of `nulls` raised from 0.01 to 0.05 (loosened)");
}

TEST_CASE("kpi targets, freshness, monitor intervals and the risk tier", "[audit]") {
  Change kpi = only(diffEdit("target >= 30%", "target >= 25%"));
  CHECK(kpi.declaration == "kpi:approval_rate");
  CHECK(kpi.before == ">= 0.3");
  CHECK(kpi.after == ">= 0.25");
  CHECK(kpi.direction == Direction::Loosened);
  CHECK(kpi.summary == "kpi `approval_rate`: target lowered from 0.3 to 0.25 (loosened)");

  Change fresh = only(diffEdit("freshness = 24h", "freshness = 48h"));
  CHECK(fresh.direction == Direction::Loosened);
  CHECK(fresh.summary == "data `applications`: freshness raised from 1d to 2d (loosened)");

  Change every = only(diffEdit("every 1h", "every 30m"));
  CHECK(every.field == "every");
  CHECK(every.direction == Direction::Tightened);

  std::vector<Change> tier = diffEdit("risk_tier = high", "risk_tier = medium");
  INFO(listing(tier));
  REQUIRE(!tier.empty());
  CHECK(tier.front().declaration == "project");
  CHECK(tier.front().summary == "project `credit_risk`: risk tier lowered from high to medium (loosened)");
}

TEST_CASE("other changes are listed field by field, in a fixed order", "[audit]") {
  std::string base = example();
  std::string after = edited(base, "version   = \"2.3.0\"", "version   = \"2.4.0\"");
  after = edited(after, "image     = \"python:3.11-slim\"", "image     = \"python:3.12-slim\"");
  after = edited(after, "params    { c = 0.5  max_iter = 200 }", "params    { c = 1  max_iter = 200  tol = 0.001 }");
  after = edited(after, "memory = 8Gi  timeout = 30m", "memory = 16Gi  timeout = 30m");
  after = edited(after, "where value >= 0\n", "where value >= -1\n");
  after = edited(after, "interval = 1h", "interval = 2h");
  after = edited(after, "alert  = [validators, platform]", "alert  = [platform]");
  std::vector<Change> changes = diff(base, after);
  std::vector<std::string> expected = {
      "project `credit_risk`: version changed from `2.3.0` to `2.4.0`",
      // Reported once: every node without its own image follows it.
      "project `credit_risk`: image changed from `python:3.11-slim` to `python:3.12-slim`",
      "data `applications`: column `income`: threshold lowered from 0 to -1 (loosened)",
      "model `scorer`: param `c` changed from `0.5` to `1`",
      "model `scorer`: param `tol` added: `0.001`",
      "model `scorer`: resource `memory` changed from `8Gi` to `16Gi`",
      "deploy `scorer_prod`: strategy changed from `canary { steps = [0.1, 0.5, 1]  interval = 1h }` to "
      "`canary { steps = [0.1, 0.5, 1]  interval = 2h }` (tightened)",
      "monitor `scorer_live`: alert changed: -validators",
  };
  CHECK(summaries(changes) == expected);
  REQUIRE(changes.size() == expected.size());
  CHECK(changes[0].field == "version");
  CHECK(changes[2].field == "schema.income");
  CHECK(changes[2].before == "income: float where value >= 0");
  CHECK(changes[3].field == "params.c");
  CHECK(changes[5].field == "resources.memory");
  CHECK(changes[5].after == "16Gi");
  // Deterministic: the same graphs give the same list.
  CHECK(summaries(diff(base, after)) == expected);
}

TEST_CASE("change kinds and directions have names", "[audit]") {
  CHECK(std::string(emit::auditChangeKindName(Change::Kind::Added)) == "added");
  CHECK(std::string(emit::auditChangeKindName(Change::Kind::Removed)) == "removed");
  CHECK(std::string(emit::auditChangeKindName(Change::Kind::Changed)) == "changed");
  CHECK(std::string(emit::auditDirectionName(Direction::None)).empty());
  CHECK(std::string(emit::auditDirectionName(Direction::Loosened)) == "loosened");
  CHECK(std::string(emit::auditDirectionName(Direction::Tightened)) == "tightened");
}


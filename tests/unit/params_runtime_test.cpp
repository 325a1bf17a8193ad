// Project params at run time: `${params.a.b}` (runtime/interpolation.h) after
// the node's own params, a group as compact JSON, and `-P` overrides
// (runtime/params.h) checked against types and `where` with clear messages.
#include "ir/project_params.h"
#include "runtime/interpolation.h"
#include "runtime/params.h"

#include <catch2/catch.hpp>

using namespace mlops;
using json = nlohmann::ordered_json;

namespace {

ir::PipelineGraph graph() {
  ir::PipelineGraph g;
  g.projectName = "p";
  ir::Node step;
  step.kind = ir::NodeKind::Step;
  step.id = "step:train";
  step.name = "train";
  step.params = {{"seed", {{"text", "1"}, {"value", {{"number", 1}}}}}};
  step.paramReads = {"train.n_est", "train", "region"};
  g.nodes.push_back(step);
  ir::ProjectParam lr{"lr", json(0.1), "float", {}, {}};
  lr.where = {"value > 0", {{"op", ">"}, {"args", json::array({{{"path", {"value"}}}, {{"number", 0}}})}}};
  g.params.entries = {{"seed", json(7), "", {}, {}},
                      {"train.n_est", json(50), "", {}, {}},
                      {"train.name", json("rf a"), "", {}, {}},
                      {"layers", json::array({64, 32}), "", {}, {}},
                      lr,
                      {"region", std::nullopt, "string", {}, {}}};
  return g;
}

std::string expand(const ir::PipelineGraph& g, const std::string& text) {
  std::string error;
  auto r = runtime::interpolate(g, g.nodes[0], text, error);
  return r ? r->command : "error: " + error;
}

std::string apply(ir::PipelineGraph& g, std::vector<std::string> assignments, const std::string& node = "") {
  std::string error;
  return runtime::applyParamOverrides(g, assignments, node, error) ? "ok" : error;
}

}  // namespace

TEST_CASE("${params.KEY}: the node's own param first, then the project's", "[runtime][params]") {
  ir::PipelineGraph g = graph();
  CHECK(expand(g, "x ${params.seed}") == "x 1");
  CHECK(expand(g, "x ${params.train.n_est}") == "x 50");
  CHECK(expand(g, "x ${params.train.name}") == "x 'rf a'");
  CHECK(expand(g, "x ${params.train}") == "x '{\"n_est\":50,\"name\":\"rf a\"}'");
  CHECK(expand(g, "x ${params.layers}") == "x '[64,32]'");
  CHECK(expand(g, "x ${params.region}") ==
        "error: `${params.region}`: step `train` has no parameter `region`: no `-P region=VALUE` gave it");
  CHECK(ir::paramValue(g, "train")->dump() == R"({"n_est":50,"name":"rf a"})");
  CHECK_FALSE(ir::paramValue(g, "nope"));
}

TEST_CASE("-P overrides keep each param's type and where", "[runtime][params]") {
  ir::PipelineGraph g = graph();
  CHECK(apply(g, {"train.n_est=100", "lr=0.05", "region=eu", "layers=[1,2,3]"}) == "ok");
  CHECK(*ir::paramValue(g, "train.n_est") == json(100));
  CHECK(ir::findParam(g.params, "train.n_est")->overridden);
  CHECK_FALSE(ir::findParam(g.params, "seed")->overridden);
  CHECK(ir::paramValue(g, "layers")->dump() == "[1,2,3]");

  g = graph();
  CHECK(apply(g, {"train.n_est=many", "region=eu"}) ==
        "-P train.n_est=many: expected an integer for `train.n_est` (the type of the value it replaces)");
  CHECK(apply(g, {"lr=fast", "region=eu"}) == "-P lr=fast: expected a number for `lr` (its declared type)");
  CHECK(apply(g, {"lr=-1", "region=eu"}) == "param `lr` = -1.0 (from -P) does not hold `where value > 0`");
  CHECK(apply(g, {"train.n_ets=5"}) == "-P train.n_ets: no param `train.n_ets` in project `p`: did you mean `train.n_est`?");
  CHECK(apply(g, {"train=5"}).find("is a group of params") != std::string::npos);
  CHECK(apply(g, {"seed=1", "seed=2"}) == "-P seed is given twice: give each param once");
  CHECK(apply(g, {"novalue"}) == "-P takes KEY=VALUE, found `novalue`");
  CHECK(apply(g, {"layers=[1", "region=eu"}).find("expected a JSON list") != std::string::npos);
  g = graph();
  CHECK(apply(g, {}) == "param `region` of type `string` has no default: give it with `-P region=VALUE`");
  // With --node, only what that node reads must be given.
  g = graph();
  g.nodes[0].paramReads = {"train"};
  CHECK(apply(g, {}, "step:train") == "ok");
}

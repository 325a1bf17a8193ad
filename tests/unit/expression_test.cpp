// The runtime's evaluation of IR expression trees (runtime/expression.h),
// on trees the compiler itself produced: operators, units as canonical
// numbers, short-circuit, and errors where a value is missing.
#include "driver/compilation.h"
#include "ir/ir_builder.h"
#include "runtime/expression.h"

#include <catch2/catch.hpp>

#include <map>

using namespace mlops;
using runtime::Value;

namespace {

// The `expect` trees of every test of a small spec, by test name.
std::map<std::string, nlohmann::ordered_json> trees() {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText("e.mlops", R"(project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
role ds  : data_scientist { members = ["b@x.example"] }
data d { owner = eng  source = file("d.csv")  schema { region : string } }
model m {
  owner = ds  inputs = [d]
  run = "train ${outputs.model} ${outputs.metrics}"
  outputs { model = "m.json"  metrics = "metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.75 and not (metrics.loss > 2) }
test regression on m { expect metrics.auc >= baseline.auc - 0.01 }
test units on m { expect metrics.latency_seconds * 2 < 0.5 or metrics.size_bytes <= 1073741824 }
test pct on m { expect metrics.approval_rate >= 30% }
test region on d { expect nulls("region") <= 5% }
)",
                                       options);
  REQUIRE(program);
  REQUIRE(!c.diags().hasErrors());
  ir::PipelineGraph g = ir::buildPipelineGraph(*program);
  std::map<std::string, nlohmann::ordered_json> out;
  for (const ir::Node& n : g.nodes)
    if (n.kind == ir::NodeKind::Test) out[n.name] = n.expect.tree;
  return out;
}

runtime::EvaluationContext metrics(std::map<std::string, double> values, std::map<std::string, double> baseline = {}) {
  runtime::EvaluationContext context;
  context.path = [values, baseline](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
    const auto& source = path[0] == "baseline" ? baseline : values;
    if (path.size() == 2 && (path[0] == "metrics" || path[0] == "baseline"))
      if (auto it = source.find(path[1]); it != source.end()) return Value{it->second};
    error = "metric `" + (path.size() > 1 ? path[1] : path[0]) + "` is missing";
    return std::nullopt;
  };
  return context;
}

std::string verdict(const nlohmann::ordered_json& tree, const runtime::EvaluationContext& context) {
  std::string error;
  std::optional<bool> r = runtime::evaluateCondition(tree, context, error);
  return r ? (*r ? "pass" : "fail") : "error: " + error;
}

}  // namespace

TEST_CASE("compiled expectations evaluate as the IR documents", "[runtime][expression]") {
  auto t = trees();
  CHECK(verdict(t["floor"], metrics({{"auc", 0.8}, {"loss", 1}})) == "pass");
  CHECK(verdict(t["floor"], metrics({{"auc", 0.8}, {"loss", 3}})) == "fail");
  CHECK(verdict(t["floor"], metrics({{"auc", 0.7}})) == "fail");  // `and` stops before the missing loss
  CHECK(verdict(t["floor"], metrics({{"auc", 0.8}})) == "error: metric `loss` is missing");
  CHECK(verdict(t["regression"], metrics({{"auc", 0.795}}, {{"auc", 0.8}})) == "pass");
  CHECK(verdict(t["regression"], metrics({{"auc", 0.78}}, {{"auc", 0.8}})) == "fail");
  // Arithmetic, `or`, and percentages as fractions.
  CHECK(verdict(t["units"], metrics({{"latency_seconds", 0.2}, {"size_bytes", 2e9}})) == "pass");
  CHECK(verdict(t["units"], metrics({{"latency_seconds", 0.3}, {"size_bytes", 2e9}})) == "fail");
  CHECK(verdict(t["units"], metrics({{"latency_seconds", 0.3}, {"size_bytes", 1073741824}})) == "pass");
  CHECK(verdict(t["pct"], metrics({{"approval_rate", 0.3}})) == "pass");
  CHECK(verdict(t["pct"], metrics({{"approval_rate", 0.29}})) == "fail");
}

TEST_CASE("data functions come from the context", "[runtime][expression]") {
  auto t = trees();
  runtime::EvaluationContext context;
  context.call = [](const std::vector<std::string>& name, const std::vector<Value>& args,
                    std::string& error) -> std::optional<Value> {
    if (name == std::vector<std::string>{"nulls"} && args.size() == 1 && args[0] == Value{std::string("region")})
      return Value{0.02};
    error = "unexpected call";
    return std::nullopt;
  };
  CHECK(verdict(t["region"], context) == "pass");
  CHECK(verdict(t["region"], runtime::EvaluationContext{}) == "error: `nulls()` cannot be computed here");
}

TEST_CASE("ill-formed trees and bad operands are errors, never passes", "[runtime][expression]") {
  using json = nlohmann::ordered_json;
  runtime::EvaluationContext none;
  CHECK(verdict(json::parse(R"({"op": "/", "args": [{"number": 1}, {"number": 0}]})"), none) ==
        "error: division by zero (1 / 0)");
  CHECK(verdict(json::parse(R"({"op": "in", "args": [{"string": "n"}, {"list": [{"string": "n"}, {"string": "s"}]}]})"),
                none) == "pass");
  CHECK(verdict(json::parse(R"({"op": "<", "args": [{"string": "a"}, {"number": 1}]})"), none) ==
        "error: `<` needs numbers, found \"a\" and 1");
  // Durations and sizes are their canonical numbers (seconds, bytes).
  CHECK(verdict(json::parse(R"({"op": "<", "args": [{"duration_seconds": 300}, {"duration_seconds": 3600}]})"), none) ==
        "pass");
  CHECK(verdict(json::parse(R"({"op": "==", "args": [{"size_bytes": 1073741824}, {"op": "*", "args": [{"size_bytes": 536870912}, {"number": 2}]}]})"),
                none) == "pass");
  CHECK(verdict(json::parse(R"({"number": 1})"), none) == "error: the condition is 1, not true or false");
  CHECK(verdict(json::parse(R"({"frobnicate": 1})"), none).rfind("error: unknown expression node", 0) == 0);
  CHECK(verdict(json::parse(R"({"op": "^", "args": [{"number": 1}, {"number": 2}]})"), none) ==
        "error: unknown operator `^`");
}

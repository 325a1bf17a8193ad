// Evaluates the expression trees of the IR (docs/ir.md section 6): a test's
// or check's `expect`, a monitor's `expect`, a column's `where`. The
// compiler has type-checked them; a tree that does not fit (a hand-edited
// pipeline.json) or a value the context lacks (a metric the model did not
// write) is an evaluation error, and a test with an error fails: it never
// passes by default.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mlops::runtime {

// Numbers, durations (seconds) and sizes (bytes) are all doubles here.
struct Value {
  std::variant<double, bool, std::string, std::vector<Value>> v;
  bool operator==(const Value& other) const { return v == other.v; }
  std::string describe() const;  // `0.75`, `true`, `"north"`, `[1, 2]`
};

// What an expression can read. `path` gets the segments of a path node
// (`["metrics", "auc"]`, `["value"]`, `["threshold"]`); `call` the segments of
// a data function and its evaluated arguments. Each returns nullopt with
// `error` set when the value is not available.
struct EvaluationContext {
  std::function<std::optional<Value>(const std::vector<std::string>& path, std::string& error)> path;
  std::function<std::optional<Value>(const std::vector<std::string>& name, const std::vector<Value>& args,
                                     std::string& error)>
      call;
};

// The value of `tree`, or nullopt with `error` (lowercase, says what failed).
std::optional<Value> evaluate(const nlohmann::ordered_json& tree, const EvaluationContext& context, std::string& error);

// A condition: true/false, or nullopt (with `error`) when it could not be
// evaluated or is not a boolean.
std::optional<bool> evaluateCondition(const nlohmann::ordered_json& tree, const EvaluationContext& context,
                                      std::string& error);

}  // namespace mlops::runtime

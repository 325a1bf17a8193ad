#include "runtime/expression.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mlops::runtime {
namespace {

using json = nlohmann::ordered_json;

std::string joined(const std::vector<std::string>& segments) {
  std::string out;
  for (const std::string& s : segments) out += (out.empty() ? "" : ".") + s;
  return out;
}

std::optional<std::vector<std::string>> segments(const json& j) {
  if (!j.is_array() || j.empty()) return std::nullopt;
  std::vector<std::string> out;
  for (const json& s : j) {
    if (!s.is_string()) return std::nullopt;
    out.push_back(s.get<std::string>());
  }
  return out;
}

const double* number(const Value& v) { return std::get_if<double>(&v.v); }
const bool* boolean(const Value& v) { return std::get_if<bool>(&v.v); }

}  // namespace

std::string Value::describe() const {
  if (const double* d = std::get_if<double>(&v)) {
    std::ostringstream out;
    out.precision(15);
    out << *d;
    return out.str();
  }
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const std::string* s = std::get_if<std::string>(&v)) return "\"" + *s + "\"";
  std::string out = "[";
  for (const Value& item : std::get<std::vector<Value>>(v)) out += (out.size() > 1 ? ", " : "") + item.describe();
  return out + "]";
}

std::optional<Value> evaluate(const json& tree, const EvaluationContext& context, std::string& error) {
  if (!tree.is_object() || tree.empty()) {
    error = "not an expression tree: " + tree.dump();
    return std::nullopt;
  }
  for (const char* numeric : {"number", "duration_seconds", "size_bytes"})
    if (tree.contains(numeric)) {
      if (!tree[numeric].is_number()) break;
      return Value{tree[numeric].get<double>()};
    }
  if (tree.contains("string") && tree["string"].is_string()) return Value{tree["string"].get<std::string>()};
  if (tree.contains("bool") && tree["bool"].is_boolean()) return Value{tree["bool"].get<bool>()};
  if (tree.contains("list") && tree["list"].is_array()) {
    std::vector<Value> items;
    for (const json& item : tree["list"]) {
      std::optional<Value> v = evaluate(item, context, error);
      if (!v) return std::nullopt;
      items.push_back(*v);
    }
    return Value{items};
  }
  if (tree.contains("path")) {
    std::optional<std::vector<std::string>> path = segments(tree["path"]);
    if (!path) {
      error = "malformed path " + tree["path"].dump();
      return std::nullopt;
    }
    if (!context.path) {
      error = "`" + joined(*path) + "` cannot be read here";
      return std::nullopt;
    }
    return context.path(*path, error);
  }
  if (tree.contains("call")) {
    std::optional<std::vector<std::string>> name = segments(tree["call"]);
    if (!name || !tree.contains("args") || !tree["args"].is_array()) {
      error = "malformed call " + tree.dump();
      return std::nullopt;
    }
    std::vector<Value> args;
    for (const json& a : tree["args"]) {
      std::optional<Value> v = evaluate(a, context, error);
      if (!v) return std::nullopt;
      args.push_back(*v);
    }
    if (!context.call) {
      error = "`" + joined(*name) + "()` cannot be computed here";
      return std::nullopt;
    }
    return context.call(*name, args, error);
  }
  if (!tree.contains("op") || !tree["op"].is_string() || !tree.contains("args") || !tree["args"].is_array()) {
    error = "unknown expression node " + tree.dump();
    return std::nullopt;
  }
  const std::string op = tree["op"].get<std::string>();
  const json& args = tree["args"];
  // and / or short-circuit: `a and b` with a false never reads b.
  if ((op == "and" || op == "or") && args.size() == 2) {
    std::optional<Value> left = evaluate(args[0], context, error);
    if (!left) return std::nullopt;
    const bool* l = boolean(*left);
    if (!l) {
      error = "`" + op + "` needs booleans, found " + left->describe();
      return std::nullopt;
    }
    if (op == "and" ? !*l : *l) return Value{*l};
    std::optional<Value> right = evaluate(args[1], context, error);
    if (!right) return std::nullopt;
    const bool* r = boolean(*right);
    if (!r) {
      error = "`" + op + "` needs booleans, found " + right->describe();
      return std::nullopt;
    }
    return Value{*r};
  }
  std::vector<Value> values;
  for (const json& a : args) {
    std::optional<Value> v = evaluate(a, context, error);
    if (!v) return std::nullopt;
    values.push_back(*v);
  }
  if (values.size() == 1) {
    if (op == "not")
      if (const bool* b = boolean(values[0])) return Value{!*b};
    if (op == "-")
      if (const double* d = number(values[0])) return Value{-*d};
    error = "`" + op + "` cannot apply to " + values[0].describe();
    return std::nullopt;
  }
  if (values.size() != 2) {
    error = "`" + op + "` with " + std::to_string(values.size()) + " operands";
    return std::nullopt;
  }
  const Value& a = values[0];
  const Value& b = values[1];
  if (op == "==") return Value{a == b};
  if (op == "!=") return Value{!(a == b)};
  if (op == "in") {
    const auto* list = std::get_if<std::vector<Value>>(&b.v);
    if (!list) {
      error = "`in` needs a list on its right, found " + b.describe();
      return std::nullopt;
    }
    return Value{std::find(list->begin(), list->end(), a) != list->end()};
  }
  const double* x = number(a);
  const double* y = number(b);
  if (!x || !y) {
    error = "`" + op + "` needs numbers, found " + a.describe() + " and " + b.describe();
    return std::nullopt;
  }
  if (op == "<") return Value{*x < *y};
  if (op == "<=") return Value{*x <= *y};
  if (op == ">") return Value{*x > *y};
  if (op == ">=") return Value{*x >= *y};
  if (op == "+") return Value{*x + *y};
  if (op == "-") return Value{*x - *y};
  if (op == "*") return Value{*x * *y};
  if (op == "/") {
    if (*y == 0) {
      error = "division by zero (" + a.describe() + " / " + b.describe() + ")";
      return std::nullopt;
    }
    return Value{*x / *y};
  }
  error = "unknown operator `" + op + "`";
  return std::nullopt;
}

std::optional<bool> evaluateCondition(const json& tree, const EvaluationContext& context, std::string& error) {
  std::optional<Value> v = evaluate(tree, context, error);
  if (!v) return std::nullopt;
  if (const bool* b = boolean(*v)) return *b;
  error = "the condition is " + v->describe() + ", not true or false";
  return std::nullopt;
}

}  // namespace mlops::runtime

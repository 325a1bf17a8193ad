#include "runtime/params.h"

#include "ir/project_params.h"
#include "runtime/expression.h"

#include <llvm/ADT/StringRef.h>

#include <charconv>
#include <cmath>
#include <set>

namespace mlops::runtime {
namespace {

using json = nlohmann::ordered_json;

// The type a value for `param` must have: its declared type, else the type
// of the value it replaces.
std::string expectedType(const ir::ProjectParam& param) {
  if (!param.type.empty()) return param.type;
  if (!param.value) return "string";
  const json& v = *param.value;
  if (v.is_number_integer()) return "int";
  if (v.is_number()) return "float";
  if (v.is_boolean()) return "bool";
  if (v.is_array()) return "list";
  if (v.is_object()) return "map";
  return "string";  // a string, or null: whatever was written
}

std::optional<json> parseAs(const std::string& text, const std::string& type) {
  if (type == "string") return json(text);
  if (type == "bool") {
    if (text == "true") return json(true);
    if (text == "false") return json(false);
    return std::nullopt;
  }
  if (type == "int") {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return json(v);
  }
  if (type == "float") {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return json(v);
  }
  if (type.rfind("list", 0) == 0) {
    json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!v.is_array() || !ir::valueHasType(v, type == "list" ? "" : type)) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

std::string describeType(const std::string& type) {
  if (type == "int") return "an integer";
  if (type == "float") return "a number";
  if (type == "bool") return "`true` or `false`";
  if (type == "list") return "a JSON list such as `[1, 2]`";
  if (type.rfind("list(", 0) == 0) return "a JSON list of " + type.substr(5, type.size() - 6) + " such as `[1, 2]`";
  return "a " + type;
}

Value toValue(const json& v) {
  if (v.is_boolean()) return Value{v.get<bool>()};
  if (v.is_number()) return Value{v.get<double>()};
  if (v.is_array()) {
    std::vector<Value> items;
    for (const json& item : v) items.push_back(toValue(item));
    return Value{std::move(items)};
  }
  return Value{v.is_string() ? v.get<std::string>() : v.dump()};
}

// Whether the param's value holds its `where`; false with `error`.
bool holds(const ir::ProjectParam& param, std::string& error) {
  if (param.where.empty() || !param.value) return true;
  Value value = toValue(*param.value);
  EvaluationContext context;
  context.path = [&value](const std::vector<std::string>& path, std::string& e) -> std::optional<Value> {
    if (path.size() == 1 && path[0] == "value") return value;
    e = "`" + (path.empty() ? std::string() : path[0]) + "` cannot be read in a param's `where`: only `value`";
    return std::nullopt;
  };
  std::string why;
  std::optional<bool> ok = evaluateCondition(param.where.tree, context, why);
  if (ok && *ok) return true;
  error = "param `" + param.key + "` = " + ir::paramText(*param.value) + (param.overridden ? " (from -P)" : "") +
          (ok ? " does not hold `where " + param.where.source + "`" : ": its `where` cannot be evaluated: " + why);
  return false;
}

std::string suggestion(const ir::ProjectParams& params, const std::string& key) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(1, static_cast<unsigned>(key.size()) / 3) + 1;
  for (const ir::ProjectParam& p : params.entries) {
    unsigned d = llvm::StringRef(p.key).edit_distance(key, true, bestDistance);
    if (d < bestDistance) bestDistance = d, best = p.key;
  }
  return best.empty() ? "" : ": did you mean `" + best + "`?";
}

}  // namespace

bool applyParamOverrides(ir::PipelineGraph& graph, const std::vector<std::string>& assignments,
                         const std::string& node, std::string& error) {
  std::set<std::string> given;
  for (const std::string& assignment : assignments) {
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "-P takes KEY=VALUE, found `" + assignment + "`";
      return false;
    }
    std::string key = assignment.substr(0, eq);
    std::string text = assignment.substr(eq + 1);
    ir::ProjectParam* param = nullptr;
    for (ir::ProjectParam& p : graph.params.entries)
      if (p.key == key) param = &p;
    if (!param) {
      if (ir::hasParam(graph.params, key))
        error = "-P " + key + ": `" + key + "` is a group of params: set its keys one by one (`-P " + key + ".NAME=VALUE`)";
      else if (graph.params.entries.empty())
        error = "-P " + key + ": project `" + graph.projectName + "` has no params";
      else
        error = "-P " + key + ": no param `" + key + "` in project `" + graph.projectName + "`" +
                suggestion(graph.params, key);
      return false;
    }
    if (!given.insert(key).second) {
      error = "-P " + key + " is given twice: give each param once";
      return false;
    }
    std::string type = expectedType(*param);
    if (type == "map") {
      error = "-P " + key + ": `" + key + "` is an empty map in the params file and takes no value from -P";
      return false;
    }
    std::optional<json> value = parseAs(text, type);
    if (!value) {
      error = "-P " + key + "=" + text + ": expected " + describeType(type) + " for `" + key + "`" +
              (param->type.empty() ? " (the type of the value it replaces)" : " (its declared type)");
      return false;
    }
    param->value = std::move(*value);
    param->overridden = true;
  }
  auto read = [&](const std::string& key) {
    for (const ir::Node& n : graph.nodes)
      if (node.empty() || n.id == node)
        for (const std::string& r : n.paramReads)
          if (r == key || (key.size() > r.size() && key.compare(0, r.size(), r) == 0 && key[r.size()] == '.'))
            return true;
    return false;
  };
  for (const ir::ProjectParam& p : graph.params.entries) {
    if (!p.value && read(p.key)) {
      error = "param `" + p.key + "` of type `" + p.type + "` has no default: give it with `-P " + p.key + "=VALUE`";
      return false;
    }
    if (!holds(p, error)) return false;
  }
  return true;
}

}  // namespace mlops::runtime

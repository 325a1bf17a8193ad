#include "ir/project_params.h"

#include <algorithm>
#include <cctype>

namespace mlops::ir {
namespace {

using json = nlohmann::ordered_json;

// Whether leaf `key` lies under group `group` (`train.n_est` under `train`).
bool under(std::string_view key, std::string_view group) {
  return key.size() > group.size() && key.compare(0, group.size(), group) == 0 && key[group.size()] == '.';
}

}  // namespace

const ProjectParam* findParam(const ProjectParams& params, std::string_view key) {
  for (const ProjectParam& p : params.entries)
    if (p.key == key) return &p;
  return nullptr;
}

bool hasParam(const ProjectParams& params, std::string_view key) {
  return std::any_of(params.entries.begin(), params.entries.end(),
                     [&](const ProjectParam& p) { return p.key == key || under(p.key, key); });
}

std::vector<std::string> paramNames(const ProjectParams& params) {
  std::vector<std::string> out;
  for (const ProjectParam& p : params.entries) {
    for (size_t dot = p.key.find('.'); dot != std::string::npos; dot = p.key.find('.', dot + 1))
      if (std::find(out.begin(), out.end(), p.key.substr(0, dot)) == out.end()) out.push_back(p.key.substr(0, dot));
    out.push_back(p.key);
  }
  return out;
}

std::optional<json> paramValue(const ProjectParams& params, std::string_view key) {
  if (const ProjectParam* leaf = findParam(params, key)) return leaf->value;
  json group = json::object();
  bool found = false;
  for (const ProjectParam& p : params.entries) {
    if (!under(p.key, key)) continue;
    if (!p.value) return std::nullopt;  // a group is whole or not at all
    found = true;
    json* at = &group;
    std::string_view rest = std::string_view(p.key).substr(key.size() + 1);
    for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      at = &(*at)[std::string(rest.substr(0, dot))];
      rest.remove_prefix(dot + 1);
    }
    (*at)[std::string(rest)] = *p.value;
  }
  if (!found) return std::nullopt;
  return group;
}

std::optional<json> paramValue(const PipelineGraph& graph, std::string_view key) {
  return paramValue(graph.params, key);
}

std::string paramText(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

bool isParamType(std::string_view type) {
  if (type == "string" || type == "int" || type == "float" || type == "bool") return true;
  if (type.size() > 6 && type.substr(0, 5) == "list(" && type.back() == ')')
    return isParamType(type.substr(5, type.size() - 6));
  return false;
}

bool valueHasType(const json& value, std::string_view type) {
  if (type.empty()) return true;
  if (type == "string") return value.is_string();
  if (type == "int") return value.is_number_integer();
  if (type == "float") return value.is_number();
  if (type == "bool") return value.is_boolean();
  if (type.size() > 6 && type.substr(0, 5) == "list(" && type.back() == ')') {
    if (!value.is_array()) return false;
    std::string_view element = type.substr(5, type.size() - 6);
    return std::all_of(value.begin(), value.end(), [&](const json& v) { return valueHasType(v, element); });
  }
  return false;
}

bool isParamKeySegment(std::string_view key) {
  if (key.empty() || key.front() == '-') return false;
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::string describeParamValue(const json& value) {
  if (value.is_string()) return "a string";
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "true or false";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "a map";
  return "null";
}

}  // namespace mlops::ir

#include "runtime/node_result.h"

#include "ir/ir_reader.h"

#include <nlohmann/json.hpp>

namespace mlops::runtime {
namespace {

using json = nlohmann::ordered_json;


// The string member `key` into `out`; false with `error` when it is there
// but not a string, or missing and `required`.
bool stringMember(const json& doc, const char* key, bool required, std::string& out, std::string& error) {
  auto it = doc.find(key);
  if (it == doc.end()) {
    if (required) error = std::string("`") + key + "` is missing, expected a string";
    return !required;
  }
  if (!it->is_string()) {
    error = std::string("`") + key + "` is " + ir::jsonTypeName(*it) + ", expected a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace

std::string writeNodeResult(const NodeResult& result) {
  json doc = {{"version", kNodeResultVersion}, {"node", result.node},       {"status", result.status},
              {"why", result.why},              {"seconds", result.seconds}, {"artifact", result.artifact}};
  // A `why` quoting bytes that are not UTF-8 (a command's output) must not
  // lose the record: they are replaced, never thrown on.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

std::optional<NodeResult> parseNodeResult(std::string_view text, std::string& error) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = "not valid JSON, expected a result object";
    return std::nullopt;
  }
  if (!doc.is_object()) {
    error = std::string("the document is ") + ir::jsonTypeName(doc) + ", expected a result object";
    return std::nullopt;
  }
  auto version = doc.find("version");
  if (version == doc.end()) {
    error = "`version` is missing: a result of an older mlopsc, which names no artifact; expected version " +
            std::to_string(kNodeResultVersion);
    return std::nullopt;
  }
  if (!version->is_number_integer() || *version != kNodeResultVersion) {
    error = "`version` is " + version->dump() + ", expected " + std::to_string(kNodeResultVersion);
    return std::nullopt;
  }
  NodeResult out;
  if (!stringMember(doc, "node", true, out.node, error) || !stringMember(doc, "status", true, out.status, error) ||
      !stringMember(doc, "artifact", true, out.artifact, error) || !stringMember(doc, "why", false, out.why, error))
    return std::nullopt;
  if (out.node.empty()) {
    error = "`node` is empty, expected a node id";
    return std::nullopt;
  }
  if (auto it = doc.find("seconds"); it != doc.end()) {
    if (!it->is_number()) {
      error = std::string("`seconds` is ") + ir::jsonTypeName(*it) + ", expected a number";
      return std::nullopt;
    }
    out.seconds = it->get<double>();
  }
  return out;
}

bool passesGate(const NodeResult& result, bool blocking) {
  return result.status == "passed" || (!blocking && result.status == "warning");
}

}  // namespace mlops::runtime

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
  json doc = {{"node", result.node}, {"status", result.status}, {"why", result.why}, {"seconds", result.seconds}};
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
  NodeResult out;
  if (!stringMember(doc, "status", true, out.status, error) || !stringMember(doc, "node", false, out.node, error) ||
      !stringMember(doc, "why", false, out.why, error))
    return std::nullopt;
  if (auto it = doc.find("seconds"); it != doc.end()) {
    if (!it->is_number()) {
      error = std::string("`seconds` is ") + ir::jsonTypeName(*it) + ", expected a number";
      return std::nullopt;
    }
    out.seconds = it->get<double>();
  }
  return out;
}

bool passesGate(const NodeResult& result) { return result.status == "passed" || result.status == "warning"; }

}  // namespace mlops::runtime

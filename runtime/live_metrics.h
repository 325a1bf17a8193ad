// The live readings a monitor checks: its `file(PATH)` source, a JSON object
// whose numeric members are `live.NAME` in the monitor's `expect`. Whatever
// watches production writes the file, so reading it checks what it uses.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

class LiveMetrics {
 public:
  // Parses the file's text (`path` names it in messages); nullopt with
  // `error` when it is not a JSON object.
  static std::optional<LiveMetrics> parse(std::string_view text, const std::string& path, std::string& error);

  // `live.NAME`, `live.a.b`, `live["p95-ms"]`: the number at those keys
  // (nested objects, one key per level), or nullopt with `error` when it is
  // missing or not a number.
  std::optional<double> value(const std::vector<std::string>& keys, std::string& error) const;
  // The whole object: a KPI reading and an A/B test read nested members.
  const nlohmann::ordered_json& document() const { return doc_; }

 private:
  nlohmann::ordered_json doc_;
  std::string path_;
};

}  // namespace mlops::runtime

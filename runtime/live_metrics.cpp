#include "runtime/live_metrics.h"

namespace mlops::runtime {

std::optional<LiveMetrics> LiveMetrics::parse(std::string_view text, const std::string& path, std::string& error) {
  LiveMetrics out;
  out.doc_ = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!out.doc_.is_object()) {
    error = "`" + path + "` is not a JSON object";
    return std::nullopt;
  }
  out.path_ = path;
  return out;
}

std::optional<double> LiveMetrics::value(const std::string& name, std::string& error) const {
  auto it = doc_.find(name);
  if (it != doc_.end() && it->is_number()) return it->get<double>();
  error = "`live." + name + "` is " + (it == doc_.end() ? "missing from" : "not a number in") + " `" + path_ + "`";
  return std::nullopt;
}

}  // namespace mlops::runtime

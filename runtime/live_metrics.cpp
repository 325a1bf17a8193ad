#include "runtime/live_metrics.h"

#include "ir/metric_path.h"

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

std::optional<double> LiveMetrics::value(const std::vector<std::string>& keys, std::string& error) const {
  const nlohmann::ordered_json* v = ir::valueAtKeys(doc_, keys);
  if (v && v->is_number()) return v->get<double>();
  std::vector<std::string> written{"live"};
  written.insert(written.end(), keys.begin(), keys.end());
  error = "`" + ir::keyPathText(written) + "` is " + (v ? "not a number in" : "missing from") + " `" + path_ + "`";
  return std::nullopt;
}

}  // namespace mlops::runtime

// libFuzzer target: a monitor's live readings, the JSON its `file(PATH)`
// source names (runtime/live_metrics.h), read on every monitor evaluation
// and between canary steps.
//
// Checked besides crashes, leaks and sanitizer reports: no exception escapes;
// a refused document has a message; in an accepted one every member, and a
// name that is not there, gives either a number or a message that names
// the path as written (`live.NAME`, `live["a b"]`).
#include "fuzz_check.h"
#include "ir/metric_path.h"
#include "runtime/live_metrics.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char* const kTarget = "live_metrics_fuzzer";

void lookUp(const mlops::runtime::LiveMetrics& live, const std::string& name) {
  std::string error;
  if (live.value({name}, error)) return;
  if (error.find("`" + mlops::ir::keyPathText(std::vector<std::string>{"live", name}) + "`") == std::string::npos)
    mlops::fuzz::fail(kTarget, "a failed look-up does not name the value", error.c_str());
}

void run(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<mlops::runtime::LiveMetrics> live = mlops::runtime::LiveMetrics::parse(text, "live.json", error);
  if (!live) {
    if (error.empty()) mlops::fuzz::fail(kTarget, "a refused document", "has no error message");
    return;
  }
  // The names, from a second parse: LiveMetrics keeps its document private.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
  std::vector<std::string> names{"error_rate", ""};
  for (const auto& [key, value] : doc.items()) names.push_back(key);
  for (const std::string& name : names) lookUp(*live, name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

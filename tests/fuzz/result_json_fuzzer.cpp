// libFuzzer target: `DIR/<node>/result.json`, the result record a gate's CI
// job reads for each required test from an earlier job's artifacts
// (runtime/node_result.h).
//
// Checked besides crashes, leaks and sanitizer reports: no exception escapes;
// a refused document has a message; an accepted one, written again as the
// runtime writes it, reads back to the same record (what one job writes, the
// next reads).
#include "fuzz_check.h"
#include "runtime/node_result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const char* const kTarget = "result_json_fuzzer";

void run(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<mlops::runtime::NodeResult> result = mlops::runtime::parseNodeResult(text, error);
  if (!result) {
    if (error.empty()) mlops::fuzz::fail(kTarget, "a refused result", "has no error message");
    return;
  }
  std::optional<mlops::runtime::NodeResult> again =
      mlops::runtime::parseNodeResult(mlops::runtime::writeNodeResult(*result), error);
  if (!again) mlops::fuzz::fail(kTarget, "the written result is refused", error.c_str());
  if (again->node != result->node || again->status != result->status || again->why != result->why ||
      again->seconds != result->seconds || again->artifact != result->artifact)
    mlops::fuzz::fail(kTarget, "the written result", "reads back as a different record");
  if (mlops::runtime::passesGate(*again, true) != mlops::runtime::passesGate(*result, true) ||
      mlops::runtime::passesGate(*again, false) != mlops::runtime::passesGate(*result, false))
    mlops::fuzz::fail(kTarget, "the written result", "changes whether the gate passes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

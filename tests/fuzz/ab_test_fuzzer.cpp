// libFuzzer target: an `ab` deploy's arms read from a monitor's live source
// (runtime/rollout/ab_test.h), a JSON document whatever serves the model
// writes, concluded on every check of the test.
//
// Checked besides crashes, leaks and sanitizer reports: no exception escapes;
// a reading that could not be computed is inconclusive with a message and
// never a decision; a computed one has finite figures, lower <= difference <=
// upper, a p-value in [0, 1], a decision that follows the interval, and a
// record that serialises.
#include "fuzz_check.h"
#include "runtime/rollout/ab_test.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char* const kTarget = "ab_test_fuzzer";

void check(const mlops::runtime::AbConclusion& c, bool higherIsBetter) {
  using mlops::runtime::AbDecision;
  std::string line = c.describe();
  if (!c.problem.empty()) {
    if (c.decision != AbDecision::Inconclusive)
      mlops::fuzz::fail(kTarget, "a reading with a problem has a decision", line.c_str());
    for (unsigned char ch : c.problem)
      if (ch < 0x20) mlops::fuzz::fail(kTarget, "a problem holds a control character", line.c_str());
  } else {
    for (double v : {c.difference, c.standardError, c.lower, c.upper, c.statistic, c.pValue})
      if (!std::isfinite(v)) mlops::fuzz::fail(kTarget, "a figure is not finite", line.c_str());
    if (!(c.lower <= c.difference && c.difference <= c.upper))
      mlops::fuzz::fail(kTarget, "the interval does not hold the difference", line.c_str());
    if (!(c.pValue >= 0 && c.pValue <= 1)) mlops::fuzz::fail(kTarget, "the p-value is not a probability", line.c_str());
    bool better = higherIsBetter ? c.lower > 0 : c.upper < 0, worse = higherIsBetter ? c.upper < 0 : c.lower > 0;
    AbDecision expected = better ? AbDecision::Promote : worse ? AbDecision::RollBack : AbDecision::Inconclusive;
    if (c.decision != expected) mlops::fuzz::fail(kTarget, "the decision does not follow the interval", line.c_str());
    if (c.moreControl && !(*c.moreControl >= 0 && *c.moreControl <= *c.neededControl))
      mlops::fuzz::fail(kTarget, "more observations than needed", line.c_str());
  }
  (void)c.toJson().dump();
}

void run(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) return;
  // The metrics the document reports, so the arms are reached, and one it
  // does not.
  std::vector<std::string> metrics{"conversion"};
  if (doc.is_object())
    if (auto ab = doc.find("ab"); ab != doc.end() && ab->is_object())
      for (const auto& [key, value] : ab->items())
        if (metrics.size() < 5) metrics.push_back(key);
  for (const std::string& metric : metrics)
    for (bool higher : {true, false}) {
      mlops::runtime::AbSettings s;
      s.higherIsBetter = higher;
      check(mlops::runtime::concludeAbTest(doc, "live.json", metric, s), higher);
    }
  mlops::runtime::AbSettings uneven;
  uneven.split = 0.1;
  uneven.confidence = 0.99;
  uneven.power = 0.9;
  check(mlops::runtime::concludeAbTest({{"health.json", nullptr}, {"live.json", doc}}, metrics.back(), uneven), true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

// A monitor's live readings (runtime/live_metrics.h): `live.NAME` is a
// number member of the source's JSON object, `live.a.b` and `live["p95-ms"]`
// read nested objects key by key; a missing member, one that is not a
// number, or a source that is not an object is an error that names the value
// and the file, never a pass.
#include "runtime/live_metrics.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

TEST_CASE("live values are the object's numbers", "[runtime][live_metrics]") {
  std::string error;
  auto live = LiveMetrics::parse(R"({"error_rate": 0.01, "requests": 1200, "status": "ok", "nested": {"x": 1}})",
                                 "serving/live.json", error);
  REQUIRE(live);
  CHECK(live->value({"error_rate"}, error) == 0.01);
  CHECK(live->value({"requests"}, error) == 1200);

  std::optional<double> v = live->value({"status"}, error);
  CHECK_FALSE(v);
  CHECK(error == "`live.status` is not a number in `serving/live.json`");
  CHECK_FALSE(live->value({"nested"}, error));
  CHECK(error == "`live.nested` is not a number in `serving/live.json`");
  CHECK_FALSE(live->value({"latency"}, error));
  CHECK(error == "`live.latency` is missing from `serving/live.json`");

  // Nested keys, one level each; a key is matched whole, never split at dots.
  CHECK(live->value({"nested", "x"}, error) == 1);
  CHECK_FALSE(live->value({"nested", "y"}, error));
  CHECK(error == "`live.nested.y` is missing from `serving/live.json`");
  CHECK_FALSE(live->value({"nested.x"}, error));
  CHECK(error == "`live[\"nested.x\"]` is missing from `serving/live.json`");
  CHECK_FALSE(live->value({"error_rate", "x"}, error));
  CHECK(error == "`live.error_rate.x` is missing from `serving/live.json`");
}

TEST_CASE("a live source that is not a JSON object is refused", "[runtime][live_metrics]") {
  for (const char* text : {"", "[0.01]", "0.01", "{\"error_rate\": 0.01", "null"}) {
    std::string error;
    INFO(text);
    CHECK_FALSE(LiveMetrics::parse(text, "live.json", error));
    CHECK(error == "`live.json` is not a JSON object");
  }
}

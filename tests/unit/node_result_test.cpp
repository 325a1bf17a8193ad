// A node's result record (runtime/node_result.h): what one CI job writes in
// DIR/<node>/result.json the next job reads back unchanged; a gate passes
// only on `passed` or `warning`; a document that is not a result (bad JSON,
// not an object, no status, wrong types, an overflowing number) is refused
// with a message that says what was found.
#include "runtime/node_result.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

namespace {

std::string refusal(std::string_view text) {
  std::string error;
  std::optional<NodeResult> r = parseNodeResult(text, error);
  CHECK_FALSE(r);
  return error;
}

}  // namespace

TEST_CASE("a written result reads back as the same record", "[runtime][node_result]") {
  NodeResult written{"test:floor", "passed", "metrics.auc >= 0.7, with metrics.auc = 0.9", 0.25};
  std::string text = writeNodeResult(written);
  CHECK(text == "{\n  \"node\": \"test:floor\",\n  \"status\": \"passed\",\n"
                "  \"why\": \"metrics.auc >= 0.7, with metrics.auc = 0.9\",\n  \"seconds\": 0.25\n}\n");
  std::string error;
  std::optional<NodeResult> read = parseNodeResult(text, error);
  REQUIRE(read);
  CHECK(read->node == written.node);
  CHECK(read->status == written.status);
  CHECK(read->why == written.why);
  CHECK(read->seconds == written.seconds);
}

TEST_CASE("bytes that are not UTF-8 in `why` do not lose the record", "[runtime][node_result]") {
  std::string text = writeNodeResult({"step:s", "failed", "output: \xff\xfe", 1});
  std::string error;
  std::optional<NodeResult> read = parseNodeResult(text, error);
  REQUIRE(read);
  CHECK(read->status == "failed");
  CHECK(read->why == "output: \xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD twice
}

TEST_CASE("only `status` is required", "[runtime][node_result]") {
  std::string error;
  std::optional<NodeResult> read = parseNodeResult(R"({"status": "warning"})", error);
  REQUIRE(read);
  CHECK(read->status == "warning");
  CHECK(read->node.empty());
  CHECK(read->seconds == 0);
}

TEST_CASE("a gate passes on `passed` and `warning` only", "[runtime][node_result]") {
  CHECK(passesGate({"t", "passed", "", 0}));
  CHECK(passesGate({"t", "warning", "", 0}));
  for (const char* status : {"failed", "waiting", "skipped", "ran", "cached", "", "Passed"})
    CHECK_FALSE(passesGate({"t", status, "", 0}));
}

TEST_CASE("a document that is not a result is refused with what was found", "[runtime][node_result]") {
  CHECK(refusal("{\"status\": \"passed\"") == "not valid JSON, expected a result object");
  CHECK(refusal("") == "not valid JSON, expected a result object");
  CHECK(refusal("[\"passed\"]") == "the document is an array, expected a result object");
  CHECK(refusal("\"passed\"") == "the document is a string, expected a result object");
  CHECK(refusal("{}") == "`status` is missing, expected a string");
  CHECK(refusal(R"({"status": true})") == "`status` is a boolean, expected a string");
  CHECK(refusal(R"({"status": "passed", "node": 7})") == "`node` is a number, expected a string");
  CHECK(refusal(R"({"status": "passed", "why": null})") == "`why` is null, expected a string");
  CHECK(refusal(R"({"status": "passed", "seconds": "1"})") == "`seconds` is a string, expected a number");
  // A number no double holds is not JSON to the parser: nothing infinite
  // gets in, to be written back as null.
  CHECK(refusal(R"({"status": "passed", "seconds": 1e999})") == "not valid JSON, expected a result object");
}

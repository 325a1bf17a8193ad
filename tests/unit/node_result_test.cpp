// A node's result record (runtime/node_result.h): what one CI job writes in
// DIR/<node>/result.json the next job reads back unchanged; it names its
// node and the artifact it judged, in format version 2; a gate passes on a
// blocking test's `passed` only (a warning test may have warned); a document
// that is not a result (bad JSON, not an object, an older format, a missing
// field, wrong types, an overflowing number) is refused with a message that
// says what was found.
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

const std::string kDigest(64, 'a');

}  // namespace

TEST_CASE("a written result reads back as the same record", "[runtime][node_result]") {
  NodeResult written{"test:floor", "passed", "metrics.auc >= 0.7, with metrics.auc = 0.9", 0.25, kDigest};
  std::string text = writeNodeResult(written);
  CHECK(text == "{\n  \"version\": 2,\n  \"node\": \"test:floor\",\n  \"status\": \"passed\",\n"
                "  \"why\": \"metrics.auc >= 0.7, with metrics.auc = 0.9\",\n  \"seconds\": 0.25,\n"
                "  \"artifact\": \"" + kDigest + "\"\n}\n");
  std::string error;
  std::optional<NodeResult> read = parseNodeResult(text, error);
  REQUIRE(read);
  CHECK(read->node == written.node);
  CHECK(read->status == written.status);
  CHECK(read->why == written.why);
  CHECK(read->seconds == written.seconds);
  CHECK(read->artifact == written.artifact);
}

TEST_CASE("bytes that are not UTF-8 in `why` do not lose the record", "[runtime][node_result]") {
  std::string text = writeNodeResult({"step:s", "failed", "output: \xff\xfe", 1, ""});
  std::string error;
  std::optional<NodeResult> read = parseNodeResult(text, error);
  REQUIRE(read);
  CHECK(read->status == "failed");
  CHECK(read->why == "output: \xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD twice
}

TEST_CASE("security item 3: a result names its node and artifact, in the current format", "[runtime][node_result]") {
  // What a forged artifact folder held: a bare status, accepted before.
  CHECK(refusal(R"({"status": "warning"})") ==
        "`version` is missing: a result of an older mlopsc, which names no artifact; expected version 2");
  CHECK(refusal(R"({"version": 1, "node": "test:t", "status": "passed", "artifact": ""})") ==
        "`version` is 1, expected 2");
  CHECK(refusal(R"({"version": "2", "node": "test:t", "status": "passed", "artifact": ""})") ==
        "`version` is \"2\", expected 2");
  CHECK(refusal(R"({"version": 2, "status": "passed", "artifact": ""})") == "`node` is missing, expected a string");
  CHECK(refusal(R"({"version": 2, "node": "", "status": "passed", "artifact": ""})") ==
        "`node` is empty, expected a node id");
  CHECK(refusal(R"({"version": 2, "node": "test:t", "status": "passed"})") ==
        "`artifact` is missing, expected a string");
  std::string error;
  std::optional<NodeResult> read =
      parseNodeResult(R"({"version": 2, "node": "test:t", "status": "passed", "artifact": "ab"})", error);
  REQUIRE(read);
  CHECK(read->why.empty());
  CHECK(read->seconds == 0);
}

TEST_CASE("security item 3: a blocking test's `warning` does not pass its gate", "[runtime][node_result]") {
  CHECK(passesGate({"t", "passed", "", 0, ""}, /*blocking=*/true));
  CHECK_FALSE(passesGate({"t", "warning", "", 0, ""}, /*blocking=*/true));
  CHECK(passesGate({"t", "passed", "", 0, ""}, /*blocking=*/false));
  CHECK(passesGate({"t", "warning", "", 0, ""}, /*blocking=*/false));
  for (const char* status : {"failed", "waiting", "skipped", "ran", "cached", "", "Passed"}) {
    CHECK_FALSE(passesGate({"t", status, "", 0, ""}, true));
    CHECK_FALSE(passesGate({"t", status, "", 0, ""}, false));
  }
}

TEST_CASE("a document that is not a result is refused with what was found", "[runtime][node_result]") {
  const std::string head = R"({"version": 2, "node": "test:t", "artifact": "", )";
  CHECK(refusal("{\"status\": \"passed\"") == "not valid JSON, expected a result object");
  CHECK(refusal("") == "not valid JSON, expected a result object");
  CHECK(refusal("[\"passed\"]") == "the document is an array, expected a result object");
  CHECK(refusal("\"passed\"") == "the document is a string, expected a result object");
  CHECK(refusal(R"({"version": 2, "node": "test:t", "artifact": ""})") == "`status` is missing, expected a string");
  CHECK(refusal(head + R"("status": true})") == "`status` is a boolean, expected a string");
  CHECK(refusal(R"({"version": 2, "status": "passed", "node": 7, "artifact": ""})") ==
        "`node` is a number, expected a string");
  CHECK(refusal(R"({"version": 2, "status": "passed", "node": "t", "artifact": null})") ==
        "`artifact` is null, expected a string");
  CHECK(refusal(head + R"("status": "passed", "why": null})") == "`why` is null, expected a string");
  CHECK(refusal(head + R"("status": "passed", "seconds": "1"})") == "`seconds` is a string, expected a number");
  // A number no double holds is not JSON to the parser: nothing infinite
  // gets in, to be written back as null.
  CHECK(refusal(head + R"("status": "passed", "seconds": 1e999})") == "not valid JSON, expected a result object");
}

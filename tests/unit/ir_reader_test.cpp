// pipeline.json read back (ir/ir_reader.h): what the runtime and CI jobs run
// from. Every example's IR reads back to a graph that writes the same bytes,
// and a broken document is refused with the JSON pointer of the problem.
#include "ir/ir_reader.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>

#include <string>

using namespace mlops;

namespace {

std::string golden(const std::string& name) {
  auto buffer = llvm::MemoryBuffer::getFile(MLOPS_SOURCE_DIR "/tests/golden/ir/" + name + ".pipeline.json");
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

// Reads `text` expecting failure; returns "POINTER: MESSAGE".
std::string refusal(const std::string& text) {
  ir::ReadError error;
  std::optional<ir::PipelineGraph> g = ir::readPipelineJson(text, error);
  CHECK(!g);
  return error.pointer + ": " + error.message;
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("every example's pipeline.json reads back to the same bytes", "[ir][reader]") {
  for (const char* name : {"credit-risk", "churn-ab", "recsys-lowrisk"}) {
    INFO(name);
    std::string text = golden(name);
    ir::ReadError error;
    std::optional<ir::PipelineGraph> g = ir::readPipelineJson(text, error);
    INFO(error.pointer << ": " << error.message);
    REQUIRE(g);
    CHECK(ir::writeJson(*g) == text);
    CHECK(!g->nodes.empty());
    CHECK(g->find(g->nodes.front().id) == &g->nodes.front());
  }
}

TEST_CASE("the reader says what is wrong and where", "[ir][reader]") {
  std::string text = golden("credit-risk");
  CHECK(refusal("{\"ir_version\": 3,").rfind(": not valid JSON: ", 0) == 0);
  // A number no double holds (found by ir_reader_fuzzer): refused, not thrown.
  CHECK(refusal("{\"ir_version\": 1e999}") == ": not valid JSON: number overflow parsing '1e999'");
  CHECK(refusal("[]") == ": expected an object, found an array");
  CHECK(refusal(edited(text, "\"ir_version\": 4", "\"ir_version\": 2")) ==
        "/ir_version: unsupported ir_version 2: this mlopsc reads version 4 (rebuild pipeline.json with this mlopsc)");
  CHECK(refusal(edited(text, "\"ir_version\": 4,", "")) == ": missing key `ir_version`");
  // The signers file a gate trusts is never outside the project or hidden.
  for (const char* path : {"/etc/allowed_signers", "../allowed_signers", ".git/allowed_signers", "a/../../x", ""})
    CHECK(refusal(edited(text, "\"path\": \"allowed_signers\"", std::string("\"path\": \"") + path + "\"")) ==
          "/signers/path: expected a path inside the project, not hidden");
  CHECK(refusal(edited(text, "\"signers\": {", "\"signers\": 1, \"x\": {")) ==
        "/signers: expected an object, found a number");
  CHECK(refusal(edited(text, "\"kind\": \"step\"", "\"kind\": \"job\"")) ==
        "/nodes/1/kind: unknown node kind `job`: expected data, step, model, test, gate, deploy or monitor");
  CHECK(refusal(edited(text, "\"run\": \"python3 steps/features.py", "\"run\": 7, \"x\": \"")) ==
        "/nodes/1/run: expected a string, found a number");
  CHECK(refusal(edited(text, "\"from\": \"data:applications\"", "\"from\": \"data:missing\"")) ==
        "/edges/0/from: no node `data:missing` in `nodes`");
  CHECK(refusal(edited(text, "\"quorum\": 2", "\"quorum\": -2")) ==
        "/nodes/6/approvals/0/quorum: expected a whole number, found -2");
  CHECK(refusal(edited(text, "\"severity\": \"blocking\"", "\"severity\": \"fatal\"")) ==
        "/nodes/3/severity: unknown severity `fatal`: expected blocking or warning");
}

TEST_CASE("the reader refuses sources, effects and `after` the runtime must not act on", "[ir][reader]") {
  std::string text = golden("credit-risk");
  const std::string file = "\"kind\": \"file\",\n        \"arguments\": {\n          \"path\": \"data/applications.csv\"\n        }";
  auto withSource = [&](const std::string& kind, const std::string& args) {
    return edited(text, file, "\"kind\": \"" + kind + "\", \"arguments\": {" + args + "}");
  };
  CHECK(refusal(withSource("ftp", "\"path\": \"x\"")) ==
        "/nodes/0/source: unknown source kind `ftp`: expected one of file, postgres, s3, bigquery, http, git");
  CHECK(refusal(withSource("http", "\"url\": \"https://x.example/a.csv\", \"sha256\": \"abc\"")) ==
        "/nodes/0/source: `sha256` is not a SHA-256 digest: expected 64 hex digits, found 3");
  CHECK(refusal(withSource("http", "\"url\": \"https://x.example/a.csv\"")) ==
        "/nodes/0/source: source `http` needs `sha256`");
  CHECK(refusal(withSource("git", "\"url\": \"ext::sh -c id\", \"rev\": \"main\", \"path\": \"a\""))
            .rfind("/nodes/0/source: `url` is not a git URL", 0) == 0);
  CHECK(refusal(withSource("git", "\"url\": \"file:///r\", \"rev\": \"1a58a0714f5b0e6c1d7d4c0c8e9f8b3a2d1c0b9a\", "
                                  "\"path\": \"../../etc/passwd\""))
            .rfind("/nodes/0/source: `path` is not a path inside the repository", 0) == 0);
  CHECK(refusal(edited(text, "\"effects\": []", "\"effects\": [\"nope\"]")) ==
        "/nodes/1/effects/0: `nope` is not a URI: expected `scheme://what`, like \"bigquery://project.dataset.table\"");
  CHECK(refusal(edited(text, "\"after\": []", "\"after\": [\"deploy:scorer_prod\"]")) ==
        "/nodes/1/after/0: a step or model waits for data, steps, models, tests and gates, not a deploy");
  CHECK(refusal(edited(text, "\"after\": []", "\"after\": [\"step:missing\"]")) ==
        "/nodes/1/after/0: no node `step:missing` in `nodes`");
}

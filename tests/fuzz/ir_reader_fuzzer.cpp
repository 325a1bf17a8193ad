// libFuzzer target: pipeline.json through the IR reader, the document
// `mlopsc run pipeline.json` and every CI job read (a CI artifact, so
// untrusted: hand-edited, truncated, written by another version).
//
// Checked besides crashes, leaks and sanitizer reports:
//  - no exception escapes: a bad document is a ReadError, with a message;
//  - a document the reader accepts writes (writeJson) a document that it
//    accepts again and that writes the same bytes: what the runtime records
//    as the graph of a run is stable.
#include "fuzz_check.h"
#include "ir/ir_reader.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const char* const kTarget = "ir_reader_fuzzer";

void run(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  mlops::ir::ReadError error;
  std::optional<mlops::ir::PipelineGraph> graph = mlops::ir::readPipelineJson(text, error);
  if (!graph) {
    if (error.message.empty()) mlops::fuzz::fail(kTarget, "a refused document", "has no error message");
    return;
  }
  std::string written = mlops::ir::writeJson(*graph);
  std::optional<mlops::ir::PipelineGraph> again = mlops::ir::readPipelineJson(written, error);
  if (!again)
    mlops::fuzz::fail(kTarget, "the written document is refused", (error.pointer + ": " + error.message).c_str());
  if (mlops::ir::writeJson(*again) != written)
    mlops::fuzz::fail(kTarget, "the written document", "writes different bytes when read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

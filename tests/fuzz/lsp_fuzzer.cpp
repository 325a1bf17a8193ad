// libFuzzer target: the language server on an arbitrary byte stream from its
// client (LSP base-protocol framing, then JSON-RPC messages in any order:
// initialize, document edits with any ranges, every request with any
// parameters, cancellations, shutdown, exit). It runs on the calling thread
// (lsp::runServerOnThisThread): every message is handled and the documents
// it changed re-checked before the next is read, and nothing is left running
// when an input ends. Replies go to /dev/null: what is checked is that no
// message crashes, leaks, trips a sanitizer or lets an exception escape
// (the dispatcher turns each into an error response).
#include "fuzz_check.h"
#include "lsp/server.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace {

const char* const kTarget = "lsp_fuzzer";
std::FILE* devNull = nullptr;

void run(const uint8_t* data, size_t size) {
  if (size == 0) return;  // fmemopen needs at least one byte; an empty stream is just the end
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::FILE* in = fmemopen(bytes.data(), bytes.size(), "r");
  if (!in) mlops::fuzz::fail(kTarget, "fmemopen", "cannot open the input as a stream");
  mlops::lsp::ServerOptions options;
  options.stdlibDir = MLOPS_STDLIB_DIR;
  options.docsUrl = "https://example.invalid/diagnostics.md";
  options.version = "fuzz";
  mlops::lsp::runServerOnThisThread(in, devNull, options);
  std::fclose(in);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  devNull = std::fopen("/dev/null", "w");
  if (!devNull) mlops::fuzz::fail(kTarget, "/dev/null", "cannot be opened for writing");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

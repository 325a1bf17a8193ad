// The language server: LSP 3.17 over a pair of streams (stdio for
// `mlopsc lsp`). One thread reads and frames messages (and notes
// `$/cancelRequest` at once); the main thread applies edits, answers
// requests, and re-checks changed documents when no message is waiting, so
// a burst of keystrokes costs one analysis.
#pragma once

#include <cstdio>
#include <string>

namespace mlops::lsp {

struct ServerOptions {
  std::string stdlibDir;     // where std/roles.mlops is ("" : `use std.*` is an error, as in check)
  std::string docsUrl;       // diagnostics catalogue; codeDescription = docsUrl + "#e0101" ("" : none)
  std::string version;       // serverInfo.version
};

// Serves until `exit` or the end of input; returns the process exit code
// (0 after `shutdown`, 1 otherwise, as the protocol asks).
int runServer(std::FILE* in, std::FILE* out, const ServerOptions& options);

// The same server without the reader thread: each message is read on the
// calling thread once the one before has been handled and the documents it
// changed re-checked (so a `$/cancelRequest` only cancels requests after
// it). For the fuzzer (tests/fuzz/lsp_fuzzer.cpp) and tests, which need
// every message handled and nothing left running when it returns.
int runServerOnThisThread(std::FILE* in, std::FILE* out, const ServerOptions& options);

}  // namespace mlops::lsp

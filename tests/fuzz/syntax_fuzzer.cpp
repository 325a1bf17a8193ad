// libFuzzer target: the syntax layer alone (UTF-8 validation, the hand
// lexer, declaration chunking, the ANTLR parse with SLL then LL recovery,
// AST building) on arbitrary bytes. No stdlib and no semantic pass, so it
// runs several times as many inputs a second as frontend_fuzzer, which
// covers the rest. `tests/fuzz/run-fuzz SECONDS syntax` runs it.
//
// Checked besides crashes, leaks and sanitizer reports: no exception escapes
// (ANTLR throws; the syntax layer must catch at its boundary).
#include "fuzz_check.h"
#include "syntax/parser.h"
#include "syntax/source_loader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes("syntax_fuzzer", [&] {
    llvm::StringRef text(reinterpret_cast<const char*>(data), size);
    llvm::SourceMgr sources;
    mlops::diag::DiagnosticEngine diags(sources);
    mlops::ast::ASTContext ast;
    mlops::syntax::LoadResult loaded = mlops::syntax::addSourceText(sources, diags, "fuzz.mlops", text);
    if (loaded.bufferId == 0) return;  // not valid UTF-8: reported as E0105
    // Deterministic per input: odd sizes get a shallow nesting limit, so the
    // E0101 "nested too deeply" path is reachable with short inputs.
    mlops::syntax::ParseOptions options;
    if (size % 2 == 1) options.maxNesting = 8;
    mlops::syntax::parseBuffer(ast, sources, loaded.bufferId, diags, options);
  });
  return 0;
}

// libFuzzer target: the whole front end (UTF-8 validation, hand lexer,
// chunked ANTLR parse, AST building, every semantic pass with the real
// stdlib) on arbitrary bytes, then every
// diagnostic renderer (text with and without colour, JSON, SARIF, GitHub) on
// whatever diagnostics came out. Built only with -DMLOPS_FUZZ=ON (clang);
// run it with tests/fuzz/run-fuzz.
//
// Besides crashes, leaks and sanitizer reports, two properties are checked
// and abort() when broken:
//  - the front end never lets an exception escape (ANTLR throws; the syntax
//    layer must catch at its boundary);
//  - the JSON and SARIF documents serialise with nlohmann's *strict* UTF-8
//    check, i.e. no diagnostic message, note or fix-it carries invalid UTF-8
//    (the CLI dumps with error_handler_t::replace, which would hide it).
#include "diag/github_renderer.h"
#include "diag/json_renderer.h"
#include "diag/sarif_renderer.h"
#include "diag/text_renderer.h"
#include "driver/compilation.h"
#include "driver/version.h"

#include <llvm/Support/raw_ostream.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, const char* detail) {
  std::fprintf(stderr, "parse_fuzzer: %s: %s\n", what, detail);
  std::fflush(stderr);
  std::abort();
}

void dumpStrict(const nlohmann::json& doc, const char* format) {
  try {
    std::string out = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::strict);
    if (out.empty()) fail(format, "empty document");
  } catch (const nlohmann::json::exception& e) {
    fail(format, e.what());  // a diagnostic string that is not valid UTF-8
  }
}

void run(const uint8_t* data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char*>(data), size);
  mlops::driver::Compilation compilation;
  // Deterministic per input: even sizes get the CLI default limit (50 errors,
  // the early-stop path); odd sizes are unlimited, like an editor buffer.
  compilation.diags().setMaxErrors(size % 2 == 0 ? 50 : 0);
  mlops::sema::SemaOptions options;
  options.stdlibDir = MLOPS_STDLIB_DIR;
  compilation.checkText("fuzz.mlops", text, options);

  std::vector<mlops::diag::Diagnostic> sorted = compilation.diags().sorted();
  const llvm::SourceMgr& sources = compilation.sources();

  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlops::diag::TextOptions plain;
  mlops::diag::renderText(os, sources, sorted, plain);
  mlops::diag::renderGithub(os, sources, sorted);
  os.flush();

  std::string colouredSink;
  llvm::raw_string_ostream colouredOs(colouredSink);
  colouredOs.enable_colors(true);  // string streams ignore colour requests otherwise
  mlops::diag::TextOptions coloured;
  coloured.color = true;
  coloured.summary = false;
  mlops::diag::renderText(colouredOs, sources, sorted, coloured);
  colouredOs.flush();

  dumpStrict(mlops::diag::renderJson(sources, sorted), "json");
  dumpStrict(mlops::diag::renderSarif(sources, sorted, mlops::driver::kVersion), "sarif");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    run(data, size);
  } catch (const std::exception& e) {
    fail("exception escaped the front end", e.what());
  } catch (...) {
    fail("exception escaped the front end", "(not a std::exception)");
  }
  return 0;
}

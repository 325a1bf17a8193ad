// libFuzzer target: the whole front end (UTF-8 validation, hand lexer,
// chunked ANTLR parse, AST building, every semantic pass with the real
// stdlib), then the diagnostic renderers on whatever diagnostics came out
// (text and GitHub for every input; coloured text, JSON and SARIF, which
// cost more than the checking itself, for one input in four, chosen by its
// size), and, for an input without errors, the lowering to the pipeline
// graph and pipeline.json.
// Run it with `tests/fuzz/run-fuzz SECONDS frontend` (clang, -DMLOPS_FUZZ=ON);
// other builds replay its seeds through fuzz_replay.
//
// The stdlib is parsed once per process (LLVMFuzzerInitialize); every input
// copies its declarations (SemaOptions::stdlibReuse) instead of parsing the
// files again, which would cost more than most inputs.
//
// Besides crashes, leaks and sanitizer reports, these properties are checked
// and abort() when broken:
//  - the front end never lets an exception escape (ANTLR throws; the syntax
//    layer must catch at its boundary);
//  - no diagnostic message, note or fix-it carries invalid UTF-8 (checked on
//    every input; the JSON, SARIF and Code Quality documents, when
//    rendered, serialise with nlohmann's *strict* UTF-8 check, while the
//    CLI dumps with error_handler_t::replace, which would hide it);
//  - pipeline.json of a program without errors reads back (ir_reader) and
//    writes the same bytes again, as `mlopsc run pipeline.json` relies on;
//  - the governance diff (`mlopsc diff`) of that graph against its
//    pipeline.json read back is "no governance change", and against nothing
//    (a new spec) renders as Markdown within its bound and as JSON.
#include "diag/codequality_renderer.h"
#include "diag/github_renderer.h"
#include "diag/json_renderer.h"
#include "diag/sarif_renderer.h"
#include "diag/text_renderer.h"
#include "fuzz_check.h"
#include "emit/diff_json.h"
#include "emit/diff_markdown.h"
#include "emit/governance_diff.h"
#include "ir/ir_builder.h"
#include "ir/ir_reader.h"
#include "sema/pass_pipeline.h"
#include "syntax/parser.h"
#include "syntax/source_loader.h"

#include <llvm/Support/raw_ostream.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

const char* const kTarget = "frontend_fuzzer";

// One compilation (what driver::Compilation::checkText does, without the
// driver library, so that the fuzz build needs only the front end).
struct Compilation {
  llvm::SourceMgr sources;
  mlops::diag::DiagnosticEngine diags{sources};
  mlops::ast::ASTContext ast;
  std::unique_ptr<mlops::sema::Program> program;

  void check(llvm::StringRef text, const mlops::sema::SemaOptions& options) {
    mlops::syntax::LoadResult loaded = mlops::syntax::addSourceText(sources, diags, "fuzz.mlops", text);
    if (loaded.bufferId == 0) return;  // not valid UTF-8: reported as E0105
    program = std::make_unique<mlops::sema::Program>(ast, sources, diags);
    auto root = std::make_unique<mlops::sema::Module>();
    root->name = "fuzz.mlops";
    root->file = mlops::syntax::parseBuffer(ast, sources, loaded.bufferId, diags);
    program->modules.push_back(std::move(root));
    mlops::sema::runSemaPipeline(*program, options);
  }
};

// The first compilation parses the stdlib; it stays alive so that its
// declarations can be copied into every later one.
struct Stdlib {
  Compilation first;
  mlops::syntax::ParseReuse reuse;
};
Stdlib* stdlib = nullptr;

mlops::sema::SemaOptions semaOptions() {
  mlops::sema::SemaOptions options;
  options.stdlibDir = MLOPS_STDLIB_DIR;
  options.stdlibReuse = stdlib ? &stdlib->reuse : nullptr;
  return options;
}

template <typename Json>
void dumpStrict(const Json& doc, const char* format) {
  try {
    std::string out = doc.dump(2, ' ', false, Json::error_handler_t::strict);
    if (out.empty()) mlops::fuzz::fail(kTarget, format, "empty document");
  } catch (const nlohmann::json::exception& e) {
    mlops::fuzz::fail(kTarget, format, e.what());  // a diagnostic string that is not valid UTF-8
  }
}

void checkUtf8(const std::string& text, const char* what) {
  if (mlops::syntax::findInvalidUtf8(text) != llvm::StringRef::npos) mlops::fuzz::fail(kTarget, what, "not valid UTF-8");
}

void render(Compilation& compilation, bool everyFormat) {
  std::vector<mlops::diag::Diagnostic> sorted = compilation.diags.sorted();
  for (const mlops::diag::Diagnostic& d : sorted) {
    checkUtf8(d.message, "a diagnostic message");
    for (const mlops::diag::Note& n : d.notes) checkUtf8(n.message, "a note");
    for (const mlops::diag::FixIt& f : d.fixits) checkUtf8(f.replacement, "a fix-it");
  }
  const llvm::SourceMgr& sources = compilation.sources;

  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlops::diag::TextOptions plain;
  mlops::diag::renderText(os, sources, sorted, plain);
  mlops::diag::renderGithub(os, sources, sorted);
  os.flush();
  if (!everyFormat) return;

  std::string colouredSink;
  llvm::raw_string_ostream colouredOs(colouredSink);
  colouredOs.enable_colors(true);  // string streams ignore colour requests otherwise
  mlops::diag::TextOptions coloured;
  coloured.color = true;
  coloured.summary = false;
  mlops::diag::renderText(colouredOs, sources, sorted, coloured);
  colouredOs.flush();

  dumpStrict(mlops::diag::renderJson(sources, sorted), "json");
  dumpStrict(mlops::diag::renderSarif(sources, sorted, "fuzz"), "sarif");
  dumpStrict(mlops::diag::renderCodeQuality(sources, sorted), "gitlab-codequality");
}

void roundTrip(const mlops::sema::Program& program) {
  mlops::ir::PipelineGraph graph = mlops::ir::buildPipelineGraph(program);
  std::string written = mlops::ir::writeJson(graph);
  mlops::ir::ReadError error;
  std::optional<mlops::ir::PipelineGraph> read = mlops::ir::readPipelineJson(written, error);
  if (!read) mlops::fuzz::fail(kTarget, "pipeline.json does not read back", (error.pointer + ": " + error.message).c_str());
  if (mlops::ir::writeJson(*read) != written)
    mlops::fuzz::fail(kTarget, "pipeline.json read back", "writes different bytes");

  using mlops::emit::DiffSide;
  mlops::emit::GovernanceDiff same = mlops::emit::computeGovernanceDiff({&*read, DiffSide::Ir, "pipeline.json", ""},
                                                                        {&graph, DiffSide::Spec, "fuzz.mlops", ""});
  if (same.hasChanges()) mlops::fuzz::fail(kTarget, "governance diff", "a graph differs from its pipeline.json");
  mlops::emit::GovernanceDiff fresh = mlops::emit::computeGovernanceDiff({nullptr, DiffSide::Absent, "/dev/null", ""},
                                                                         {&graph, DiffSide::Spec, "fuzz.mlops", ""});
  if (mlops::emit::renderDiffMarkdown(fresh).size() > mlops::emit::kCommentLimit)
    mlops::fuzz::fail(kTarget, "governance diff", "the Markdown exceeds its bound");
  dumpStrict(mlops::emit::diffJson(fresh), "diff json");
}

void run(const uint8_t* data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char*>(data), size);
  Compilation compilation;
  // Deterministic per input: even sizes get the CLI default limit (50 errors,
  // the early-stop path); odd sizes are unlimited, like an editor buffer.
  compilation.diags.setMaxErrors(size % 2 == 0 ? 50 : 0);
  compilation.check(text, semaOptions());
  render(compilation, (size / 2) % 4 == 0);  // independent of the parity above
  if (compilation.program && !compilation.diags.hasErrors()) roundTrip(*compilation.program);
  // The copies in `next` point into this compilation, which goes away now.
  if (stdlib) stdlib->reuse.next.clear();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mlops::fuzz::noExceptionEscapes(kTarget, [] {
    auto once = std::make_unique<Stdlib>();
    mlops::sema::SemaOptions options;
    options.stdlibDir = MLOPS_STDLIB_DIR;
    options.stdlibReuse = &once->reuse;
    once->first.check("", options);  // no project (E0306), but the stdlib loads all the same
    if (once->reuse.next.empty()) mlops::fuzz::fail(kTarget, "no stdlib declaration parsed cleanly", MLOPS_STDLIB_DIR);
    once->reuse.previous = std::move(once->reuse.next);
    once->reuse.next.clear();
    stdlib = once.release();  // for the whole process: inputs copy from it
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}

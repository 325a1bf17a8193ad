// mlopsc diff BASE NEW [--format md|json] [-o FILE] [--exit-code]
// [--stdlib DIR]: the governance diff of a spec change for a pull-request
// comment (emit/governance_diff.h, docs/diff.md). BASE is a spec, a
// pipeline.json or /dev/null (a new spec); NEW a spec, a pipeline.json or
// /dev/null (a deleted spec). A BASE that does not compile or read is said
// so and compared as absent; NEW is checked as `check` would.
#include "driver/commands.h"
#include "driver/keep_until_exit.h"
#include "driver/stdlib_locator.h"
#include "diag/source_location.h"
#include "emit/diff_json.h"
#include "emit/diff_markdown.h"
#include "emit/governance_diff.h"
#include "ir/ir_builder.h"
#include "ir/ir_reader.h"
#include "support/display_text.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

namespace {

llvm::cl::list<std::string> diffInputs(llvm::cl::Positional, llvm::cl::desc("<base> <new>"), llvm::cl::OneOrMore,
                                       llvm::cl::sub(diffCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> diffFormat("format", llvm::cl::desc("md (default: a pull-request comment) or json"),
                                      llvm::cl::value_desc("md|json"), llvm::cl::init("md"),
                                      llvm::cl::sub(diffCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> diffOutput("o", llvm::cl::desc("Write to this file, atomically (default: stdout)"),
                                      llvm::cl::value_desc("file"), llvm::cl::sub(diffCommand),
                                      llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> diffExitCode("exit-code",
                                 llvm::cl::desc("Exit 1 when there is any governance change (as git diff --exit-code)"),
                                 llvm::cl::sub(diffCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> diffStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                      llvm::cl::sub(diffCommand), llvm::cl::cat(commandCategory));

// A pipeline.json larger than this is refused (the reader holds it whole).
constexpr uint64_t kMaxIrBytes = 512ull << 20;

bool isNull(const std::string& path) { return path == "/dev/null"; }

bool isIr(const std::string& path) { return llvm::StringRef(path).endswith(".json"); }

std::string shown(const std::string& path) { return support::escapeControls(path, support::Lines::Single); }

// Refuses a path that is missing or not a regular file (exit 2), naming it.
bool readable(const std::string& path, const char* which) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status)) {
    llvm::errs() << "mlopsc: error: cannot read the " << which << " `" << shown(path) << "`: " << ec.message() << '\n';
    return false;
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    llvm::errs() << "mlopsc: error: the " << which << " `" << shown(path) << "` is not a file\n";
    return false;
  }
  return true;
}

// A pipeline.json; nullopt with `problem` set when it cannot be read as one
// (another ir_version, not JSON, the wrong shape).
std::optional<ir::PipelineGraph> readIr(const std::string& path, std::string& problem, bool& io) {
  io = false;
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(path, size) && size > kMaxIrBytes) {
    problem = "it is larger than " + std::to_string(kMaxIrBytes >> 20) + " MiB";
    return std::nullopt;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    io = true;
    problem = buffer.getError().message();
    return std::nullopt;
  }
  ir::ReadError error;
  std::optional<ir::PipelineGraph> graph = ir::readPipelineJson((*buffer)->getBuffer(), error);
  if (!graph) problem = (error.pointer.empty() ? "" : "at " + error.pointer + ": ") + error.message;
  return graph;
}

// The base spec, compiled without printing its diagnostics: a base with
// errors is reported in the diff, not as this command's failure.
std::unique_ptr<ir::PipelineGraph> compileBase(const std::string& path, const std::string& stdlib,
                                               std::string& problem, bool& io) {
  io = false;
  auto owner = std::make_unique<Compilation>();
  Compilation& compilation = *owner;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  sema::SemaOptions options;
  options.stdlibDir = stdlib;
  if (!compilation.checkFiles({path}, options, parseOptionsFromFlags())) {
    io = true;
    return nullptr;
  }
  if (!compilation.diags().hasErrors() && !compilation.programs().empty()) {
    auto graph = std::make_unique<ir::PipelineGraph>(ir::buildPipelineGraph(*compilation.programs().front()));
    keepUntilExit(std::move(owner));
    return graph;
  }
  unsigned errors = compilation.diags().errorCount();
  problem = "the base version could not be compiled: " + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  for (const diag::Diagnostic& d : compilation.diags().diagnostics()) {
    if (d.severity != diag::Severity::Error) continue;
    diag::ResolvedRange r = diag::resolveRange(compilation.sources(), d.range, d.file);
    problem += " (first: ";
    if (!r.file.empty()) problem += r.file + (r.valid ? ":" + std::to_string(r.start.line) : "") + ": ";
    problem += std::string(diag::codeInfo(d.code).name) + " " + d.message + ")";
    break;
  }
  problem += "; showing the head only";
  return nullptr;
}

}  // namespace

int runDiff() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  if (diffInputs.size() != 2) {
    llvm::errs() << "mlopsc: error: diff takes two inputs, BASE and NEW (a spec, a pipeline.json or /dev/null); got "
                 << diffInputs.size() << "\n";
    return static_cast<int>(ExitCode::Usage);
  }
  bool json = diffFormat == "json";
  if (!json && diffFormat != "md" && diffFormat != "markdown") {
    llvm::errs() << "mlopsc: error: unknown --format `" << shown(diffFormat) << "`: expected md or json\n";
    return static_cast<int>(ExitCode::Usage);
  }
  bool toStdout = diffOutput.empty() || diffOutput == "-";
  if (toStdout && diagnosticsGoToStdout()) {
    llvm::errs() << "mlopsc: error: the diff and the diagnostics would both go to stdout: write the diff with "
                    "-o FILE, or use --diagnostics-format=text\n";
    return static_cast<int>(ExitCode::Usage);
  }
  const std::string basePath = diffInputs[0], headPath = diffInputs[1];
  if (isNull(basePath) && isNull(headPath)) {
    llvm::errs() << "mlopsc: error: BASE and NEW are both /dev/null: nothing to compare\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (!isNull(basePath) && !readable(basePath, "base")) return static_cast<int>(ExitCode::Usage);
  if (!isNull(headPath) && !readable(headPath, "new version")) return static_cast<int>(ExitCode::Usage);
  std::string stdlibError;
  std::optional<std::string> stdlib = findStdlib(diffStdlib, stdlibError);
  if (!stdlib) {
    llvm::errs() << "mlopsc: error: " << stdlibError << '\n';
    return static_cast<int>(ExitCode::Usage);
  }

  // NEW first: its errors are this command's failure.
  emit::DiffInput head{nullptr, emit::DiffSide::Absent, headPath, ""};
  std::unique_ptr<ir::PipelineGraph> headGraph;
  if (!isNull(headPath)) {
    if (isIr(headPath)) {
      std::string problem;
      bool io = false;
      std::optional<ir::PipelineGraph> read = readIr(headPath, problem, io);
      if (!read) {
        llvm::errs() << "mlopsc: error: cannot read the new version `" << shown(headPath) << "`: " << problem << '\n';
        return static_cast<int>(ExitCode::Usage);
      }
      headGraph = std::make_unique<ir::PipelineGraph>(std::move(*read));
      head.side = emit::DiffSide::Ir;
    } else {
      ExitCode failure = ExitCode::Success;
      headGraph = compileSpec(headPath, *stdlib, failure);
      if (!headGraph) return static_cast<int>(failure);
      head.side = emit::DiffSide::Spec;
    }
    head.graph = headGraph.get();
  }

  emit::DiffInput base{nullptr, emit::DiffSide::Absent, basePath, ""};
  std::unique_ptr<ir::PipelineGraph> baseGraph;
  if (!isNull(basePath)) {
    std::string problem;
    bool io = false;
    if (isIr(basePath)) {
      std::optional<ir::PipelineGraph> read = readIr(basePath, problem, io);
      if (read) baseGraph = std::make_unique<ir::PipelineGraph>(std::move(*read));
      else problem = "the base version could not be read as a pipeline.json: " + problem + "; showing the head only";
    } else {
      baseGraph = compileBase(basePath, *stdlib, problem, io);
    }
    if (io) {
      llvm::errs() << "mlopsc: error: cannot read the base `" << shown(basePath) << "`"
                   << (problem.empty() ? "" : ": " + problem) << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    if (baseGraph) {
      base.graph = baseGraph.get();
      base.side = isIr(basePath) ? emit::DiffSide::Ir : emit::DiffSide::Spec;
    } else {
      base.side = emit::DiffSide::Unusable;
      base.problem = problem;
      llvm::errs() << "mlopsc: warning: " << shown(problem) << '\n';
    }
  }

  emit::GovernanceDiff diff = emit::computeGovernanceDiff(base, head);
  std::string text = json ? emit::renderDiffJson(diff) : emit::renderDiffMarkdown(diff);
  if (toStdout) {
    llvm::outs() << text;
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      llvm::errs() << "mlopsc: error: cannot write to stdout: " << llvm::outs().error().message() << '\n';
      llvm::outs().clear_error();
      return static_cast<int>(ExitCode::Usage);
    }
  } else {
    std::string error;
    if (!writeAtomically(diffOutput, text, error)) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
  }
  keepUntilExit(std::move(headGraph));
  keepUntilExit(std::move(baseGraph));
  return diffExitCode && diff.hasChanges() ? static_cast<int>(ExitCode::SpecErrors) : 0;
}

}  // namespace mlops::driver

// mlopsc run SPEC|pipeline.json [TARGET...] [-j N] [--dry-run] [--explain]
// [--fail-fast]: runs the selected nodes on this machine (runtime/runner.h).
// A spec is checked first (its diagnostics printed; errors stop the run); a
// compiled pipeline.json runs without the sources.
#include "driver/commands.h"
#include "driver/version.h"
#include "ir/ir_reader.h"
#include "runtime/content_hash.h"
#include "runtime/runner.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <thread>

namespace mlops::driver {
namespace {

llvm::cl::opt<std::string> runInput(llvm::cl::Positional, llvm::cl::desc("<spec.mlops|pipeline.json>"),
                                    llvm::cl::Required, llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> runTargets(llvm::cl::Positional, llvm::cl::desc("[TARGET...]"), llvm::cl::ZeroOrMore,
                                       llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<unsigned> runJobs("j", llvm::cl::desc("Run up to N nodes at once (default: the number of cores)"),
                                llvm::cl::value_desc("N"), llvm::cl::Prefix, llvm::cl::init(0),
                                llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runDry("dry-run", llvm::cl::desc("Say what would run and why; run nothing, write nothing"),
                           llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runExplainFlag("explain", llvm::cl::desc("Say why each node runs or is up to date"),
                               llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runFailFast("fail-fast", llvm::cl::desc("Start nothing new after a node fails"),
                                llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runKeepGoing("keep-going",
                                 llvm::cl::desc("After a failure, go on with what does not depend on it (default)"),
                                 llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                     llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));

bool endsWith(const std::string& s, const char* suffix) {
  std::string_view sv(s), suf(suffix);
  return sv.size() >= suf.size() && sv.substr(sv.size() - suf.size()) == suf;
}

}  // namespace

int runRun() {
  if (runFailFast && runKeepGoing) {
    llvm::errs() << "mlopsc: error: --fail-fast and --keep-going contradict each other: give one\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::unique_ptr<ir::PipelineGraph> graph;
  std::string irDigest;
  if (endsWith(runInput, ".json")) {
    auto buffer = llvm::MemoryBuffer::getFile(runInput, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "mlopsc: error: cannot read `" << runInput << "`: " << buffer.getError().message() << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    ir::ReadError error;
    std::optional<ir::PipelineGraph> read = ir::readPipelineJson((*buffer)->getBuffer(), error);
    if (!read) {
      llvm::errs() << runInput << (error.pointer.empty() ? "" : " at " + error.pointer)
                   << ": error: not a pipeline.json mlopsc can run: " << error.message << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    graph = std::make_unique<ir::PipelineGraph>(std::move(*read));
    irDigest = runtime::hashBytes((*buffer)->getBuffer()).hex();
  } else {
    if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
    ExitCode failure = ExitCode::Success;
    graph = compileSpec(runInput, runStdlib, failure);
    if (!graph) return static_cast<int>(failure);
    irDigest = runtime::hashBytes(ir::writeJson(*graph)).hex();
  }
  runtime::RunOptions options;
  options.targets.assign(runTargets.begin(), runTargets.end());
  options.jobs = runJobs ? runJobs : std::max(1u, std::thread::hardware_concurrency());
  options.failFast = runFailFast;
  options.dryRun = runDry;
  options.explain = runExplainFlag;
  options.runtimeVersion = kVersion;
  runtime::RunStatus status = runtime::runPipeline(*graph, options, irDigest);
  return static_cast<int>(status);
}

}  // namespace mlops::driver

// mlopsc status [SPEC|pipeline.json] [--project DIR]: what is not up to
// date and why (like `dvc status`), without running or writing anything: a
// dry run that lists only the nodes that would run or wait. Without an
// input, the graph of the project's latest run. It also kills what a run
// killed with `kill -9` left running (runtime/exec/process_registry.h).
#include "driver/commands.h"
#include "driver/kpi_status.h"
#include "driver/pipeline_input.h"
#include "driver/project_state.h"
#include "driver/version.h"
#include "runtime/exec/process_registry.h"
#include "runtime/runner.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

namespace {

llvm::cl::opt<std::string> statusInput(llvm::cl::Positional, llvm::cl::desc("[spec.mlops|pipeline.json]"),
                                       llvm::cl::sub(statusCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> statusStdlib("stdlib", llvm::cl::desc("Standard library folder"),
                                        llvm::cl::value_desc("dir"), llvm::cl::sub(statusCommand),
                                        llvm::cl::cat(commandCategory));

}  // namespace

int runStatus() {
  std::unique_ptr<ir::PipelineGraph> graph;
  std::string irJson;
  if (!statusInput.empty()) {
    int exitCode = 0;
    graph = loadPipeline(statusInput, statusStdlib, irJson, exitCode);
    if (!graph) return exitCode;
  } else {
    std::optional<ProjectState> project = openProjectWithGraph(projectOption, selectedState());
    if (!project) return static_cast<int>(ExitCode::Usage);
    graph = std::make_unique<ir::PipelineGraph>(std::move(*project->graph));
  }
  runtime::killOrphanGroups((graph->root.empty() ? std::string(".") : graph->root) + "/.mlops/process-groups", stderr);
  runtime::RunOptions options;
  options.dryRun = true;
  options.statusOnly = true;
  options.state = selectedState();
  options.runtimeVersion = kVersion;
  runtime::RunStatus status = runtime::runPipeline(*graph, options, irJson);
  if (status == runtime::RunStatus::Usage) return static_cast<int>(ExitCode::Usage);
  // KPIs and A/B tests, from the record (none yet: nothing to say).
  std::string root = projectOption.empty() ? (graph->root.empty() ? std::string(".") : graph->root) : projectOption;
  if (selectedState().backend == runtime::StateBackend::Sqlite && selectedState().location.empty() &&
      !llvm::sys::fs::exists(root + "/.mlops/state.db"))
    return 0;
  std::optional<ProjectState> project = openProjectState(root, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  printKpiAndAbStatus(*graph, *project->store, llvm::outs());
  return 0;
}

}  // namespace mlops::driver

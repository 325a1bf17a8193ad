// `mlopsc run`: runs the selected nodes of a pipeline graph on this machine,
// in dependency order, up to `jobs` at once, skipping what is up to date.
//
// This slice runs data (its file must exist), steps, models and tests (over
// a model's metrics, or a CSV data file). Gates, deploys and monitors are
// refused as targets with a message: they need the approvals log and
// rollouts, which come next (docs/cli.md).
//
// Layout under the project root (the folder of the root spec):
//   .mlops/state.db            runs, node results, last successes, hash memo
//   .mlops/logs/RUN/NODE.log   each node's stdout and stderr
//   .mlops/lock                held while a run writes state
#pragma once

#include "ir/pipeline_graph.h"

#include <cstdio>
#include <string>
#include <vector>

namespace mlops::runtime {

struct RunOptions {
  std::vector<std::string> targets;  // node names or ids; empty: every data, step and model
  unsigned jobs = 1;
  bool failFast = false;
  bool dryRun = false;   // say what would run and why; run nothing, write nothing
  bool explain = false;  // say why each node runs or is up to date
  std::string runtimeVersion;
  double killGraceSeconds = 5;
  double backoffBaseSeconds = 1;
  std::FILE* out = stdout;  // progress and the summary
  std::FILE* err = stderr;  // errors
};

enum class RunStatus : int { Success = 0, Usage = 2, NodeFailed = 3, BlockingTestFailed = 4 };

// `irDigest` identifies the graph in the state store's run records.
RunStatus runPipeline(const ir::PipelineGraph& graph, const RunOptions& options, const std::string& irDigest);

}  // namespace mlops::runtime

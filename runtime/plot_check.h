// After a run, the plot files (docs/language.md 5.5.3) of the steps and
// models it ran or found up to date: a plot whose file is missing is a
// warning line before the run's summary, never a failure (a plot is for
// people; the node's outputs are what the pipeline depends on). The report
// and the dashboard read the files themselves (driver/plot_files.h).
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/progress.h"

#include <string>
#include <vector>

namespace mlops::runtime {

// "plot `build/roc.json` of model `scorer` was not written", one per
// missing file of a node whose line says it succeeded.
std::vector<std::string> missingPlots(const ir::PipelineGraph& graph, const std::vector<ProgressLine>& lines,
                                      const std::string& root);

}  // namespace mlops::runtime

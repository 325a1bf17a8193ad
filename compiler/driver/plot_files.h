// The plot files of a graph (docs/language.md 5.5.3) as they are in the
// project folder now, read for the audit report and the dashboard: each at
// most emit::kMaxPlotBytes, a regular file reached without following a
// symbolic link, parsed by emit/plot_data.h. A file that is missing or
// cannot be read gives a PlotData whose problem says so; nothing here fails.
#pragma once

#include "emit/plot_data.h"
#include "ir/pipeline_graph.h"

#include <map>
#include <string>
#include <vector>

namespace mlops::driver {

// Node id → one PlotData per entry of the node's `plots`, for every node
// that declares plots.
std::map<std::string, std::vector<emit::PlotData>> readPlotFiles(const ir::PipelineGraph& graph,
                                                                 const std::string& root);

}  // namespace mlops::driver

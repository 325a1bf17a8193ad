#include "driver/plot_files.h"

#include "runtime/bounded_file.h"

#include <cerrno>

namespace mlops::driver {

std::map<std::string, std::vector<emit::PlotData>> readPlotFiles(const ir::PipelineGraph& graph,
                                                                 const std::string& root) {
  std::map<std::string, std::vector<emit::PlotData>> out;
  for (const ir::Node& n : graph.nodes) {
    if (n.plots.empty()) continue;
    std::vector<emit::PlotData>& plots = out[n.id];
    for (const ir::Plot& p : n.plots) {
      runtime::BoundedRead read =
          runtime::readBoundedFile((root.empty() ? "." : root) + "/" + p.path, emit::kMaxPlotBytes, /*followLinks=*/false);
      if (read.bytes) {
        plots.push_back(emit::parsePlotData(*read.bytes, p.path, p.x, p.y));
        continue;
      }
      emit::PlotData missing;
      missing.problem = read.failure == runtime::BoundedRead::Failure::Open && read.error == ENOENT
                            ? "the file is not written yet (run the " + std::string(ir::nodeKindName(n.kind)) + ")"
                            : read.describe("the file", emit::kMaxPlotBytes);
      plots.push_back(std::move(missing));
    }
  }
  return out;
}

}  // namespace mlops::driver

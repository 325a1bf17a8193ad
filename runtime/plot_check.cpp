#include "runtime/plot_check.h"

#include <sys/stat.h>

namespace mlops::runtime {

std::vector<std::string> missingPlots(const ir::PipelineGraph& graph, const std::vector<ProgressLine>& lines,
                                      const std::string& root) {
  std::vector<std::string> out;
  for (const ProgressLine& line : lines) {
    if (line.status != "ran" && !upToDateStatus(line.status)) continue;
    const ir::Node* n = graph.find(line.node);
    if (!n) continue;
    for (const ir::Plot& p : n->plots) {
      struct stat st {};
      if (::stat(((root.empty() ? "." : root) + "/" + p.path).c_str(), &st) == 0 && S_ISREG(st.st_mode)) continue;
      out.push_back("plot `" + p.path + "` of " + ir::nodeKindName(n->kind) + " `" + n->name +
                    "` was not written: its chart stays empty");
    }
  }
  return out;
}

}  // namespace mlops::runtime

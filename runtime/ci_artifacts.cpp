#include "runtime/ci_artifacts.h"

#include "runtime/artifacts.h"
#include "runtime/ci_evidence.h"
#include "runtime/node_result.h"
#include "runtime/runner_support.h"

#include <optional>

namespace mlops::runtime {

using namespace runner_support;

bool restoreArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const RunOptions& o, const std::string& root,
                      std::string& skippedBecause, std::string& error) {
  ByteBudget budget{o.maxArtifactBytes, 0};
  for (const std::string& up : upstream(n)) {
    const ir::Node* producer = g.find(up);
    if (!producer) continue;
    // A producer its condition skipped wrote nothing: this node is skipped too.
    std::string ignored;
    if (std::optional<NodeResult> r = readNodeResult(o.artifactsDir, up, ignored);
        r && r->status == "skipped" && r->why.find("condition false") != std::string::npos) {
      skippedBecause = "`" + up + "` was skipped (condition false)";
      return true;
    }
    for (const auto& [name, path] : producer->outputs) {
      if (!safeRelative(path)) {
        error = "output `" + path + "` of `" + up + "` is not a relative path inside the project: it cannot be an artifact";
        return false;
      }
      if (!copyArtifact(o.artifactsDir, artifactName(up) + "/outputs/" + path, root, path, &budget, error)) {
        error = "cannot restore output `" + name + "` of `" + up + "`: " + error;
        return false;
      }
    }
  }
  return true;
}

bool exportArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const ProgressLine& line, const std::string& dir,
                     const std::string& root, std::string& error) {
  std::string folder = artifactName(n.id);
  bool ok = line.status != "failed" && line.status != "waiting" && line.status != "skipped";
  if (ok)
    for (const auto& [name, path] : n.outputs) {
      if (!safeRelative(path)) {
        error = "output `" + path + "` of `" + n.id + "` is not a relative path inside the project: it cannot be an artifact";
        return false;
      }
      if (!copyArtifact(root, path, dir, folder + "/outputs/" + path, nullptr, error)) return false;
    }
  std::string artifact = judgedArtifact(g, n, root);
  return writeArtifactFile(dir, folder + "/result.json",
                           writeNodeResult({n.id, line.status, line.why, line.seconds, artifact}), error);
}

}  // namespace mlops::runtime

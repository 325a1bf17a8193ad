// A CI job's handoff (`mlopsc run --node ID --artifacts DIR`): the outputs
// of earlier jobs restored before the node, its result (and outputs) left
// for the later ones after it.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/progress.h"
#include "runtime/runner.h"

#include <string>

namespace mlops::runtime {

// --node --artifacts: the outputs of the node's producers, from
// DIR/<producer>/outputs/<declared path> back to their declared paths. Each
// must be there (a copy in the checkout is never taken for it), reached and
// written without following a link (runtime/artifacts.h).
bool restoreArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const RunOptions& o, const std::string& root,
                      std::string& skippedBecause, std::string& error);

// After the node: DIR/<node>/result.json (naming the artifact the node
// judged), and its declared outputs under DIR/<node>/outputs/ when it
// succeeded; nothing is written through a link.
bool exportArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const ProgressLine& line, const std::string& dir,
                     const std::string& root, std::string& error);

}  // namespace mlops::runtime

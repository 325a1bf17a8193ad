// What the files of `mlopsc run` share (runner.cpp, node_runner*.cpp,
// ci_artifacts.cpp, noop_run.cpp): internal, not part of runner.h's API.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/runner.h"

#include <optional>
#include <string>
#include <vector>

// In a namespace of their own: generic names (join, label, readFile) that
// must not clash with the rest of the runtime library. The files above
// say `using namespace runner_support;`.
namespace mlops::runtime::runner_support {

// The nodes a node waits for (the graph's edges into it, `after` included).
std::vector<std::string> upstream(const ir::Node& n);

// A CI job: the node's upstream ran in earlier jobs (runtime/ci_evidence.h).
bool ciJob(const RunOptions& o);

// "step train": a node as progress lines name it.
std::string label(const ir::Node& n);

// A fraction as a percentage's number: 0.25 → "25".
std::string percentText(double fraction);

// Reads a whole file; nullopt with `error`.
std::optional<std::string> readFile(const std::string& path, std::string& error);

// A path of the project (runtime/interpolation.h projectPath).
std::string join(const std::string& root, const std::string& path);

}  // namespace mlops::runtime::runner_support

// The project a state command (`approve`, `history`, `log`, `status`)
// works on: the folder holding `.mlops/state.db`, given with --project or
// found from the current folder upwards (as git finds `.git`), and the
// pipeline graph its latest run ran.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/state_store.h"

#include <memory>
#include <optional>
#include <string>

namespace mlops::driver {

struct ProjectState {
  std::string root;  // the folder holding .mlops
  std::unique_ptr<runtime::StateStore> store;
  std::optional<ir::PipelineGraph> graph;  // of the latest run (nullopt: no run yet)
};

// Nullopt after printing why (no project found, unreadable state).
std::optional<ProjectState> openProjectState(const std::string& projectOption);

// The node `name` (a name or a `kind:name` id) of `graph`; prints why not.
const ir::Node* findNodeOrReport(const ir::PipelineGraph& graph, const std::string& name, const char* kindWanted);

}  // namespace mlops::driver

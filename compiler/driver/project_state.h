// The project a state command (`approve`, `history`, `log`, `status`)
// works on: the folder holding `.mlops/state.db`, given with --project or
// found from the current folder upwards (as git finds `.git`), its record
// (that file, or the one --state / MLOPS_STATE selects:
// runtime/state/state_selection.h) and the pipeline graph the record's
// latest run ran. With a selected record no local `.mlops/state.db` is
// needed: the folder is then --project or the current one.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/state/state_selection.h"

#include <memory>
#include <optional>
#include <string>

namespace mlops::driver {

struct ProjectState {
  std::string root;  // the folder holding .mlops
  std::unique_ptr<runtime::Record> store;
  std::optional<ir::PipelineGraph> graph;  // of the latest run (nullopt: no run yet)
};

// The project (a PostgreSQL schema) of the checkout at `root`, when its
// runs left a graph in its local `.mlops/state.db`; "" otherwise.
std::string projectNameOfCheckout(const std::string& root);

// Nullopt after printing why (no project found, unreadable state).
std::optional<ProjectState> openProjectState(const std::string& projectOption,
                                             const runtime::StateSelection& selection);

// The same, for a command given no spec: the project must have a run, whose
// graph comes back with its root set to the project's; nullopt after
// printing why ("no run recorded in `DIR`: give the spec").
std::optional<ProjectState> openProjectWithGraph(const std::string& projectOption,
                                                 const runtime::StateSelection& selection);

// The node `name` (a name or a `kind:name` id) of `graph`; prints why not.
const ir::Node* findNodeOrReport(const ir::PipelineGraph& graph, const std::string& name, const char* kindWanted);

}  // namespace mlops::driver

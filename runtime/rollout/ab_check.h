// An `ab` deploy's test at one check (docs/language.md 5.9.1): the live
// sources of the deploy's monitors read, the test concluded on the
// strategy's metric, and the row the record keeps of it. The rollout acts
// on the final check only (runtime/node_runner_rollout.cpp); a monitor
// checked on its own records a `check`.
#pragma once

#include "compiler/ir/pipeline_graph.h"
#include "runtime/rollout/ab_test.h"
#include "runtime/state/records.h"

#include <string>
#include <vector>

namespace mlops::runtime {

// The deploy's monitors' sources in declaration order, each read (bounded,
// regular files only; through a symbolic link only with `followLinks`, as
// the monitor itself reads it) and parsed; a source that cannot be read or
// parsed keeps a null document, so the conclusion names it.
std::vector<AbSource> abSources(const ir::PipelineGraph& graph, const ir::Node& deploy, bool followLinks = true);

// The settings the deploy asks for: its split, the metric's direction.
AbSettings abSettings(const ir::PipelineGraph& graph, const ir::Node& deploy);

struct AbCheck {
  AbConclusion conclusion;
  AbRecord record;  // stage set; action left to the caller
};

// Concludes the deploy's test now. `stage` is "check" or "final".
AbCheck checkAbTest(const ir::PipelineGraph& graph, const ir::Node& deploy, const std::string& stage,
                    const std::string& artifact, int64_t run);

}  // namespace mlops::runtime

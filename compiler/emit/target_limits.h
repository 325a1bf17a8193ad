// What a CI backend cannot express, as W07xx warnings with the compensating
// measure in a note. Backends never drop a construct silently: each lossy
// mapping they make (docs/ci.md) is reported here, by `mlopsc build` for the
// targets it writes.
#pragma once

#include "diag/diagnostic_engine.h"
#include "emit/ci_plan.h"
#include "ir/pipeline_graph.h"

namespace mlops::emit {

enum class CiTarget { GitHub, GitLab, Argo };
const char* ciTargetName(CiTarget target);   // `github`: --emit names, file folders
const char* ciTargetTitle(CiTarget target);  // `GitHub Actions`: in messages

// Reports every construct of `graph` that `target` cannot express. Uses the
// source ranges kept in the IR (an IR read from JSON has none: the warnings
// then carry no location).
void reportTargetLimits(const ir::PipelineGraph& graph, CiTarget target, diag::DiagnosticEngine& diags);

// `5400` → `1h30m`, `90` → `1m30s`: a duration in the spec's units.
std::string formatDuration(double seconds);

}  // namespace mlops::emit

// Who must review a change to a spec: the people whose sign-off the spec's
// controls stand for. A change to the spec can loosen a gate they approve
// (a lower threshold, a smaller quorum, a test turned into a warning), so
// they own the spec's files (emit/codeowners.h) and the governance diff
// names them (`mlopsc diff`, docs/diff.md). The rules, in docs/ci.md
// section 3.2:
//   - every role that approves a gate (in a `high` risk project that is every
//     gate: the high-risk gates the issue of record names), in declaration
//     order of the gates, then of their approval entries;
//   - the roles that descend from `std.roles.ml_architect`, when any role
//     declares a `quota` (resource allocation is the ML architects' call).
// A role is listed once, with the first reason that named it.
#pragma once

#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

struct SpecReviewer {
  std::string role;                  // as in the IR (a stdlib role qualified: std.roles.sme)
  std::string standardRole;          // the std.roles role it descends from, short (`model_risk_manager`); "" if none
  std::vector<std::string> members;  // as written in the spec
  std::string reason;                // "approves gate `production`", "allocates quotas (ML architect)"
};

std::vector<SpecReviewer> specReviewers(const ir::PipelineGraph& graph);

// The std.roles role `role` descends from (following `base`), short; "".
std::string standardRoleOf(const ir::PipelineGraph& graph, const std::string& role);

}  // namespace mlops::emit

// GitHub Actions backend: one workflow per `pipeline` (OUT/github/NAME.yml),
// a scheduled workflow for monitors (OUT/github/monitors.yml), and
// OUT/github/environments.json, the environments (with their required
// reviewers) the repository settings must hold. Layout and security rules
// are in docs/ci.md; YAML is written with yaml-cpp.
#pragma once

#include "emit/ci_plan.h"

namespace mlops::emit {

// GitHub lets at most this many required reviewers guard an environment.
inline constexpr size_t kGitHubMaxReviewers = 6;
// GitHub-hosted runners stop a job after six hours.
inline constexpr double kGitHubHostedJobMinutes = 360;
// GitHub runs scheduled workflows at most every five minutes.
inline constexpr double kGitHubMinimumScheduleSeconds = 300;

std::vector<GeneratedFile> emitGitHub(const ir::PipelineGraph& graph, const CiOptions& options);

// The environment whose reviewers stand for one approval entry of a gate:
// `<environment or gate name>-<role>`.
std::string gitHubApprovalEnvironment(const ir::Node& gate, const ir::Approval& approval);

}  // namespace mlops::emit

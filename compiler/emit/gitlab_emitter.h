// GitLab CI backend: OUT/gitlab/.gitlab-ci.yml (every pipeline and the
// scheduled monitors in one file, as GitLab wants), plus the settings a
// .gitlab-ci.yml cannot hold: OUT/gitlab/protected-environments.json (the
// approval rules of each gate's environment) and OUT/gitlab/schedules.json
// (the pipeline schedules to create). Layout in docs/ci.md. Without a
// pipeline or a scheduled monitor there are no jobs, and no .gitlab-ci.yml.
#pragma once

#include "emit/ci_plan.h"

namespace mlops::emit {

// GitLab retries a job at most twice.
inline constexpr unsigned kGitLabMaxRetry = 2;

std::vector<GeneratedFile> emitGitLab(const ir::PipelineGraph& graph, const CiOptions& options);

}  // namespace mlops::emit

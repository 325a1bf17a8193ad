// Argo Workflows backend, for teams that outgrow one machine: one
// `kind: Workflow` per pipeline (OUT/argo/NAME.yaml) with a DAG template and
// one container template per node, and one `kind: CronWorkflow` per scheduled
// monitor (OUT/argo/monitor-NAME.yaml). Layout in docs/ci.md.
#pragma once

#include "emit/ci_plan.h"

namespace mlops::emit {

std::vector<GeneratedFile> emitArgo(const ir::PipelineGraph& graph, const CiOptions& options);

// The Kubernetes Secret the workflow reads every spec secret from (one key
// per secret name): `<project>-secrets`.
std::string argoSecretName(const ir::PipelineGraph& graph);

}  // namespace mlops::emit

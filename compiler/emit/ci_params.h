// The project params a pipeline's CI run takes as inputs (docs/ci.md
// section 9): the typed params (`lr : float = 0.1`) that its nodes read.
// Untyped params (the params file's, the block's plain values) are not
// inputs: they are versioned with the code, and changing one is a commit.
//
// Each input reaches a job as an environment variable (MLOPS_PARAM_…),
// never inside the script text: a value typed into a form cannot inject a
// command (GitHub's security hardening guide, "script injection"). The
// job's command passes it on with `-P`, which checks it against the
// param's type and `where` (runtime/params.h).
#pragma once

#include "diag/diagnostic_engine.h"
#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

struct CiParam {
  const ir::ProjectParam* param = nullptr;
  std::string input;                 // the platform's input name: `train_n_est`, unique in the pipeline
  std::string variable;              // MLOPS_PARAM_TRAIN_N_EST
  std::vector<std::string> choices;  // `where value in [...]`, as text
};

// The typed params the pipeline's nodes read, in declaration order.
std::vector<CiParam> ciParams(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline);

// The job's command: the CI contract's `mlopsc run` (ci_plan.h), then for
// each input that is set, `-P "KEY=$MLOPS_PARAM_…"` (an input left empty
// leaves the param's default).
std::string runCommandWithParams(const std::vector<CiParam>& params);

// A param's default as an input's default text ("" when none).
std::string defaultText(const ir::ProjectParam& param);

// W0710: a param a platform cannot offer as a typed input (a list on
// GitHub, whose inputs are strings, numbers, booleans or choices): the
// input is a string the job's `-P` checks instead.
void reportParamInputs(const ir::PipelineGraph& graph, const char* platform, diag::DiagnosticEngine& diags);

}  // namespace mlops::emit

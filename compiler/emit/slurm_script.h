// `mlopsc build --emit slurm`: per pipeline, OUT/slurm/PIPELINE.sh, a POSIX
// sh script that queues the pipeline's graph on SLURM (docs/slurm.md,
// "Submit script"), for sites where `mlopsc run --executor slurm` cannot
// stay up for the whole run.
//
// One `sbatch --parsable` per job, in topological order, each job running
//   MLOPSC run ./SPEC --node NODE_ID
// in the project root once its upstream jobs succeeded (`afterok`). A job is
// a node that runs something: a step, a model, a deploy, a monitor, and a
// data node fetched from an http or git source (a job outside CI fetches no
// source for its inputs). Tests and gates are evaluated by `mlopsc run
// --node` in the job of the node that needs them (runtime/runner.h,
// RunOptions::node); one that no job evaluates gets its own job.
//
// Quoting is a security boundary: the spec file's name, node ids, job names
// and log names reach the script only as words of support::shellQuote, and
// a comment line only through support::escapeControls (no newline). The
// environment reaches the jobs by name (`--export=NAMES`), never a value.
#pragma once

#include "emit/ci_plan.h"
#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

struct SlurmScriptOptions {
  // The root spec's file name (no folder: the project root is its folder),
  // as each job gives it to `mlopsc run`.
  std::string specFile;
};

struct SlurmJob {
  const ir::Node* node = nullptr;
  std::vector<size_t> after;           // indices of the jobs this one waits for (afterok), ascending
  std::vector<std::string> evaluates;  // tests and gates its `mlopsc run --node` evaluates, in pipeline order
  std::vector<std::string> exports;    // environment variable names handed to the job
};

// The environment variables every job gets from the submitting shell: those
// a command starts with (runtime::Runner's base environment) and the
// standard library's location.
const std::vector<std::string>& slurmBaseExports();

// The jobs of one pipeline, in the pipeline's topological order.
std::vector<SlurmJob> planSlurmJobs(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline);

// slurm/PIPELINE.sh for each pipeline, in declaration order.
std::vector<GeneratedFile> emitSlurm(const ir::PipelineGraph& graph, const SlurmScriptOptions& options);

}  // namespace mlops::emit

// `mlopsc run`: runs the selected nodes of a pipeline graph on this machine,
// in dependency order, up to `jobs` at once, skipping what is up to date.
//
// Every kind of node runs: data (its file must exist), steps and models
// (their commands), tests (over a model's metrics or a CSV data file),
// gates (required tests passed and approvals meet each quorum for the
// model's current artifact; otherwise the run waits, exit 5), deploys
// (their strategy: canary steps with monitors between them, rollback when
// one fails) and monitors (their expectation over the live metrics).
//
// Layout under the project root (the folder of the root spec):
//   .mlops/state.db            last successes, hash memo, no-op manifest; and,
//                              unless --state / MLOPS_STATE selects another,
//                              the record: runs, node results, approvals, gate passes
//   .mlops/logs/RUN/NODE.log   each node's stdout and stderr (0600, secrets masked)
//   .mlops/lock                held while a run writes state
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/artifacts.h"
#include "runtime/exec/slurm_settings.h"
#include "runtime/state/state_selection.h"

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct RunOptions {
  std::vector<std::string> targets;  // node names or ids; empty: every data, step and model
  unsigned jobs = 1;
  bool failFast = false;
  bool dryRun = false;   // say what would run and why; run nothing, write nothing
  bool explain = false;  // say why each node runs or is up to date
  bool statusOnly = false;
  // `--node ID`: run this node. In a CI job (`ci` and `artifactsDir`) only
  // it: what is upstream ran in earlier jobs, whose results prove what the
  // node needs (runtime/ci_evidence.h); approvals, baselines and drift
  // references come from the team's record, which such a job must be given
  // (ir::needsRecord). Elsewhere the tests and gates upstream are evaluated
  // with it.
  std::string node;
  // `--artifacts DIR`: restore upstream outputs from DIR/<producer>/outputs/
  // before the node, and leave DIR/<node>/result.json (and outputs) after.
  std::string artifactsDir;
  bool ci = false;  // `CI` is set (runningInCi)
  uint64_t maxArtifactBytes = kDefaultMaxArtifactBytes;  // --max-artifact-size: what a restore may copy
  bool noopChecked = false;  // the caller already tried runNoop  // with dryRun (`mlopsc status`): only the table of what is not up to date
  std::string runtimeVersion;
  double intervalScale = 1;  // multiplies canary intervals and shadow/ab durations
  // Secrets from --secrets-file. A run takes the secrets its nodes declare
  // out of the environment (which wins over the file) before anything runs
  // (runtime/secret_environment.h); every value here is masked in every log.
  std::map<std::string, std::string> secrets;
  std::string secretsFile;
  // The record to use (runtime/state/state_selection.h) and, from
  // MLOPS_RUN_ID, the CI run whose jobs all join one run in it.
  StateSelection state;
  std::string externalRunId;
  // MLOPS_STATE and PGPASSWORD as the run took them out of its environment
  // (takeStateCredentials): masked in every log, handed to no node.
  std::vector<std::string> stateCredentials;
  double killGraceSeconds = 5;
  double backoffBaseSeconds = 1;
  // Where commands run (runtime/exec/command_executor.h): process groups on
  // this machine, or batch jobs on a SLURM cluster (`--executor slurm`,
  // docs/slurm.md). Data checks, tests and gates are evaluated here either way.
  enum class Executor { Local, Slurm };
  Executor executor = Executor::Local;
  SlurmSettings slurm;
  std::FILE* out = stdout;  // progress and the summary
  std::FILE* err = stderr;  // errors
};

enum class RunStatus : int {
  Success = 0,
  Usage = 2,
  NodeFailed = 3,
  BlockingTestFailed = 4,
  WaitingForApproval = 5,
  // SIGHUP, SIGINT or SIGTERM stopped the run (runtime/interruption.h):
  // 128 + the signal, as a shell reports a command a signal ended.
  InterruptedByHangup = 129,
  InterruptedByInterrupt = 130,
  InterruptedByTermination = 143,
};

// `irJson` is the graph as pipeline.json; the state store keeps it by its
// digest so `approve` and `history` work from the project alone.
RunStatus runPipeline(const ir::PipelineGraph& graph, const RunOptions& options, const std::string& irJson);

// The no-op fast path (runtime/noop_manifest.h): the run's result when the
// project's last run of this very graph left everything up to date and no
// file it read or wrote changed since; nullopt when a full run is needed.
std::optional<RunStatus> runNoop(const std::string& root, const std::string& irJson, const RunOptions& options);

// Reads a secrets file: `NAME=value` lines, `#` comments, blank lines, an
// optional `export ` prefix and optional single or double quotes around the
// value. Nullopt with `error` ("FILE:LINE: ...") when it cannot be read.
std::optional<std::map<std::string, std::string>> readSecretsFile(const std::string& path, std::string& error);

}  // namespace mlops::runtime

// The scheduler's commands as SLURM batch jobs (docs/slurm.md): each
// command the runner starts (steps, models, deploy steps, rollbacks) is
// submitted with `sbatch --parsable` when its turn comes, and followed with
// `squeue` (and `scontrol show job` once squeue has let it go) until it
// ends. The job runs `mlopsc exec-node` (runtime/exec/node_exec.h), which
// runs the command exactly as the local executor would and leaves its
// result beside the node's log; the project folder is on a file system
// the cluster's nodes share.
//
// - Resources, time limit and the job name come from ir/slurm_options.h;
//   `--partition`, `--account` and `--slurm-opt` from SlurmSettings.
// - The job's environment is the node's, passed by name (`--export=A,B`):
//   values, secrets included, travel in sbatch's environment, never in
//   its argv or in the batch script (a fixed text).
// - Retries resubmit after the local executor's backoff.
// - Every submitted job is in `.mlops/slurm-jobs` until it ends
//   (runtime/exec/slurm_job_registry.h). When the run is interrupted every
//   job it submitted is cancelled (`scancel`) and waited for; the jobs of a
//   killed run are adopted by the next run when they do the very work it
//   wants, and cancelled otherwise.
// - Every controller command has a timeout, and a controller that fails
//   every poll for `controllerTimeoutSeconds` fails the jobs it holds with
//   that said: a run never hangs on a dead controller.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/exec/command_executor.h"
#include "runtime/exec/slurm_job_registry.h"
#include "runtime/exec/slurm_job_state.h"
#include "runtime/exec/rename_watch.h"
#include "runtime/exec/slurm_settings.h"

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

class SlurmExecutor : public CommandExecutor {
 public:
  // `registryPath`: `.mlops/slurm-jobs`; "" keeps no registry (a dry run).
  // Notes (adopted and cancelled jobs of a killed run) go to `err`.
  SlurmExecutor(const ir::PipelineGraph& graph, SlurmSettings settings, Prepare prepare, int64_t run,
                const std::string& registryPath, std::FILE* err);
  ~SlurmExecutor() override;

  void start(size_t index) override;
  std::optional<std::pair<size_t, bool>> waitUntil(std::optional<double> deadline) override;
  size_t running() const override { return running_.size(); }
  void finish() override;

  double backoffBaseSeconds = 1;

 private:
  struct Running {
    size_t index;
    Job job;
    std::string jobId;       // "" while waiting for a retry, or when it could not be submitted
    std::string resultPath;  // where exec-node leaves the result
    double retryAt = -1;
    double submittedAt = 0;  // monotonic seconds
    bool ended = false;  // SLURM says it is over: `endState`
    SlurmJobState endState;
    std::optional<ProcessResult> result;  // read by lookForResults, for conclude
  };

  bool submit(Running& r);
  // Reads the queue for every job that has not ended; false when the
  // controller did not answer (`error`).
  bool poll(std::string& error);
  // Looks for the result files of the running jobs (an open each, no
  // controller command), or only those among `only` (the watch's renamed
  // files): a command that exited ends its node without waiting for the
  // next queue read. True when one did.
  bool lookForResults(const std::vector<std::string>* only);
  // A job ended: its report; true when it is final (no retry left).
  bool conclude(Running& r, bool& ok);
  void cancel(const std::vector<std::string>& ids, const std::string& why);
  // Waits (bounded) until none of `ids` is pending or running any more.
  // `what` for the warning when they do not: "were cancelled".
  void waitGone(const std::vector<std::string>& ids, const char* what);
  void stopAll();
  void failAll(const std::string& why);
  // The states of `ids` in the queue (one squeue per 400 ids); nullopt with
  // `error` when the controller did not answer. `whileStopping`: it runs
  // even once the run is being interrupted (cancelling waits on it).
  std::optional<std::map<std::string, SlurmJobState>> readQueue(const std::vector<std::string>& ids, bool whileStopping,
                                                                double timeout, std::string& error);
  // What the client commands get of mlopsc's environment (read once).
  static std::vector<std::string> clientEnvironment();

  const ir::PipelineGraph& graph_;
  SlurmSettings settings_;
  Prepare prepare_;
  int64_t run_;
  std::FILE* err_;
  std::unique_ptr<SlurmJobRegistry> registry_;
  std::vector<Running> running_;
  // Jobs of killed runs still in the queue, by node id, until adopted or cancelled.
  std::multimap<std::string, SlurmJobEntry> orphans_;
  double nextPollAt_ = 0;
  double nextLookAt_ = 0;
  double pollInterval_ = 0;
  double controllerFailingSince_ = -1;
  bool stopped_ = false;  // the run was interrupted and its jobs cancelled
  std::string registryError_;
  std::vector<std::string> toolEnvironment_;
  std::optional<std::string> sbatch_, squeue_, scontrol_, scancel_;  // the clients on PATH
  RenameWatch watch_;  // the folders of the result files
  std::vector<std::string> endedByResult_;  // jobs concluded from their result file, not (yet) a final state
};

}  // namespace mlops::runtime

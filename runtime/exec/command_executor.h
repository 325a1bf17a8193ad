// Where a node's command runs. The runner (runtime/runner.h) decides what
// runs and when, hashes inputs, judges the cache, evaluates tests and
// gates, and records results; a CommandExecutor only runs the commands it
// is handed and says how each ended. Two implementations:
//
//   ProcessExecutor  (exec/process_executor.h)  process groups on this machine
//   SlurmExecutor    (exec/slurm_executor.h)    batch jobs on a SLURM cluster
//
// Neither the cache, the gates, the tests nor the record know which one ran
// a node: a node's result is a JobReport either way (the SLURM job id, when
// there is one, is in it for the record and the summary).
#pragma once

#include "runtime/exec/process.h"
#include "runtime/scheduler.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace mlops::runtime {

struct Job {
  ProcessSpec spec;
  std::optional<double> timeoutSeconds;
  unsigned retries = 0;
  // The node it runs and the digest of what went into it (runtime/cache.h):
  // a SLURM job of a killed run is adopted only for the very same work.
  std::string nodeId;
  std::string cacheKey;
};

struct JobReport {
  ProcessResult result;   // of the last attempt
  unsigned attempts = 0;
  std::string error;      // when it could not start, or was stopped by an interruption
  // Where the last attempt ran, as the record keeps it: "" on this machine,
  // "slurm:JOBID" on a cluster.
  std::string jobId;
  // Why the last attempt failed, as the summary says it: the error when it
  // could not run ("`sbatch` failed: …"), else how the command ended.
  std::string failure() const { return error.empty() ? result.describe() : error; }
};

class CommandExecutor : public Executor {
 public:
  // `prepare(index)` builds a job when the scheduler starts it (so commands
  // are interpolated and logs opened only for what runs). `finished(index,
  // report, final)` is told of every attempt's end, for progress output.
  using Prepare = std::function<Job(size_t)>;
  using Finished = std::function<void(size_t, const JobReport&, bool final)>;

  TaskEvent wait() override {  // only Finished: a command never pauses
    auto [index, ok] = *waitUntil(std::nullopt);
    return {TaskEvent::Finished, index, ok};
  }
  // As wait(), but gives up at `deadline` (monotonicSeconds()) and returns
  // nullopt: the runner pauses rollouts between canary steps meanwhile.
  // Once the run is interrupted (runtime/interruption.h) it stops every
  // command, reports each as failed, and returns nullopt when none is left.
  virtual std::optional<std::pair<size_t, bool>> waitUntil(std::optional<double> deadline) = 0;
  virtual size_t running() const = 0;
  const std::map<size_t, JobReport>& reports() const { return reports_; }
  // Called once when the run is over, whatever its end: what the executor
  // still holds outside this process (SLURM jobs of a killed run that were
  // not adopted) is cleaned up.
  virtual void finish() {}

 protected:
  std::map<size_t, JobReport> reports_;
};

// The backoff before retry `attempt` (1-based) of a failed command: 1 s,
// 2 s, 4 s, … (times `base`), capped at 30 s.
inline double retryBackoffSeconds(double base, unsigned attempt) {
  double factor = static_cast<double>(1u << std::min(attempt == 0 ? 0u : attempt - 1, 5u));
  return std::min(30.0, base * factor);
}

}  // namespace mlops::runtime

// The scheduler's Executor for real processes: starts a node's command
// (runtime/process.h), watches it, enforces its timeout (SIGTERM to the
// group, SIGKILL after a grace period), retries a failed attempt after a
// backoff (1 s, 2 s, 4 s, … capped at 30 s), and reports each node once it
// succeeded or ran out of attempts. When the run is interrupted it stops
// every group (runtime/interruption.h).
#pragma once

#include "runtime/process.h"
#include "runtime/scheduler.h"

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace mlops::runtime {

class ProcessRegistry;

struct Job {
  ProcessSpec spec;
  std::optional<double> timeoutSeconds;
  unsigned retries = 0;
};

struct JobReport {
  ProcessResult result;   // of the last attempt
  unsigned attempts = 0;
  std::string error;      // when it could not start, or was stopped by an interruption
};

class ProcessExecutor : public Executor {
 public:
  // `prepare(index)` builds a job when the scheduler starts it (so commands
  // are interpolated and logs opened only for what runs). `finished(index,
  // report)` is told of every attempt's end, for progress output.
  ProcessExecutor(std::function<Job(size_t)> prepare,
                  std::function<void(size_t, const JobReport&, bool final)> finished = nullptr)
      : prepare_(std::move(prepare)), finished_(std::move(finished)) {}

  void start(size_t index) override;
  TaskEvent wait() override;  // only Finished: a process never pauses
  // As wait(), but gives up at `deadline` (monotonicSeconds()) and returns
  // nullopt: the runner pauses rollouts between canary steps meanwhile.
  // Once the run is interrupted (runtime/interruption.h) it stops every
  // command, reports each as failed, and returns nullopt when none is left.
  std::optional<std::pair<size_t, bool>> waitUntil(std::optional<double> deadline);
  size_t running() const { return running_.size(); }

  double killGraceSeconds = 5;
  double backoffBaseSeconds = 1;  // tests shorten it
  // Told of every group started and reaped, so a killed run's are found
  // (runtime/process_registry.h); none in unit tests.
  ProcessRegistry* registry = nullptr;
  const std::map<size_t, JobReport>& reports() const { return reports_; }

 private:
  struct Running {
    size_t index;
    Job job;
    std::optional<Process> process;
    double termSentAt = -1;
    double stopSentAt = -1;  // the run was interrupted
    double retryAt = -1;  // waiting for a retry
  };
  bool launch(Running& r);
  void stopAll(double now);
  static std::string stoppedWhy();

  std::function<Job(size_t)> prepare_;
  std::function<void(size_t, const JobReport&, bool)> finished_;
  std::vector<Running> running_;
  std::map<size_t, JobReport> reports_;
};

}  // namespace mlops::runtime

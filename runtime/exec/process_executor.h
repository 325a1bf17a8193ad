// The scheduler's Executor for real processes: starts a node's command
// (runtime/exec/process.h), watches it, enforces its timeout (SIGTERM to the
// group, SIGKILL after a grace period), retries a failed attempt after a
// backoff (1 s, 2 s, 4 s, … capped at 30 s), and reports each node once it
// succeeded or ran out of attempts. When the run is interrupted it stops
// every group (runtime/interruption.h).
#pragma once

#include "runtime/exec/command_executor.h"
#include "runtime/exec/process.h"

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace mlops::runtime {

class ProcessRegistry;

class ProcessExecutor : public CommandExecutor {
 public:
  explicit ProcessExecutor(Prepare prepare, Finished finished = nullptr)
      : prepare_(std::move(prepare)), finished_(std::move(finished)) {}

  void start(size_t index) override;
  std::optional<std::pair<size_t, bool>> waitUntil(std::optional<double> deadline) override;
  size_t running() const override { return running_.size(); }

  double killGraceSeconds = 5;
  double backoffBaseSeconds = 1;  // tests shorten it
  // Told of every group started and reaped, so a killed run's are found
  // (runtime/exec/process_registry.h); none in unit tests.
  ProcessRegistry* registry = nullptr;

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

  Prepare prepare_;
  Finished finished_;
  std::vector<Running> running_;
};

}  // namespace mlops::runtime

#include "runtime/process_executor.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

namespace mlops::runtime {

bool ProcessExecutor::launch(Running& r) {
  JobReport& report = reports_[r.index];
  ++report.attempts;
  std::string error;
  r.process = Process::start(r.job.spec, error);
  r.termSentAt = -1;
  r.retryAt = -1;
  if (!r.process) {
    report.error = error;
    report.result = ProcessResult{};
    return false;
  }
  return true;
}

void ProcessExecutor::start(size_t index) {
  Running r{index, prepare_(index), std::nullopt};
  reports_[index] = {};
  launch(r);
  running_.push_back(std::move(r));
}

std::pair<size_t, bool> ProcessExecutor::wait() {
  for (;;) {
    double now = monotonicSeconds();
    for (size_t i = 0; i < running_.size(); ++i) {
      Running& r = running_[i];
      JobReport& report = reports_[r.index];
      if (!r.process) {
        if (r.retryAt >= 0 && now >= r.retryAt) {
          launch(r);
          continue;
        }
        if (r.retryAt < 0) {  // could not start: final
          size_t index = r.index;
          running_.erase(running_.begin() + static_cast<long>(i));
          if (finished_) finished_(index, report, true);
          return {index, false};
        }
        continue;
      }
      // Timeout: TERM to the group, then KILL after the grace period.
      double elapsed = r.process->elapsedSeconds();
      if (r.job.timeoutSeconds && elapsed >= *r.job.timeoutSeconds) {
        if (r.termSentAt < 0) {
          r.process->markTimedOut();
          r.process->signalGroup(SIGTERM);
          r.termSentAt = now;
        } else if (now - r.termSentAt >= killGraceSeconds) {
          r.process->signalGroup(SIGKILL);
        }
      }
      std::optional<ProcessResult> done = r.process->poll();
      if (!done) continue;
      report.result = *done;
      bool ok = done->succeeded();
      bool final = ok || report.attempts > r.job.retries;
      if (finished_) finished_(r.index, report, final);
      if (!final) {
        r.process.reset();
        double backoff = std::min(30.0, backoffBaseSeconds * static_cast<double>(1u << std::min(report.attempts - 1, 5u)));
        r.retryAt = now + backoff;
        continue;
      }
      size_t index = r.index;
      running_.erase(running_.begin() + static_cast<long>(i));
      return {index, ok};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace mlops::runtime

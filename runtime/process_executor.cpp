#include "runtime/process_executor.h"

#include "runtime/process_registry.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <pthread.h>
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
  if (registry) registry->started(r.process->pid(), r.job.spec);
  return true;
}

void ProcessExecutor::start(size_t index) {
  Running r{index, prepare_(index), std::nullopt};
  reports_[index] = {};
  launch(r);
  running_.push_back(std::move(r));
}

TaskEvent ProcessExecutor::wait() {
  auto [index, ok] = *waitUntil(std::nullopt);
  return {TaskEvent::Finished, index, ok};
}

std::optional<std::pair<size_t, bool>> ProcessExecutor::waitUntil(std::optional<double> deadline) {
  // Children's exits wake the loop at once (SIGCHLD, kept pending while
  // blocked here; children start with an empty mask); timeouts and retries
  // are checked at least every few milliseconds.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &chld, nullptr);
  for (;;) {
    double now = monotonicSeconds();
    if (deadline && now >= *deadline) return std::nullopt;
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
          return std::make_pair(index, false);
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
      if (registry) registry->reaped(r.process->pid());
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
      return std::make_pair(index, ok);
    }
    double wait = 0.005;
    if (deadline) wait = std::max(0.0, std::min(wait, *deadline - now));
    timespec ts{0, static_cast<long>(wait * 1e9)};
    sigtimedwait(&chld, nullptr, &ts);
  }
}

}  // namespace mlops::runtime

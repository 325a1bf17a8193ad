#include "runtime/exec/process_executor.h"

#include "runtime/interruption.h"
#include "runtime/exec/process_registry.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <poll.h>
#include <pthread.h>
#include <thread>

namespace mlops::runtime {

bool ProcessExecutor::launch(Running& r) {
  JobReport& report = reports_[r.index];
  r.termSentAt = -1;
  r.retryAt = -1;
  if (runStopping()) {  // nothing starts once the run is stopping
    report.error = stoppedWhy();
    report.result = ProcessResult{};
    return false;
  }
  ++report.attempts;
  std::string error;
  r.process = Process::start(r.job.spec, error);
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
    if (runStopping()) stopAll(now);
    else if (deadline && now >= *deadline) return std::nullopt;
    for (size_t i = 0; i < running_.size(); ++i) {
      Running& r = running_[i];
      JobReport& report = reports_[r.index];
      if (!r.process) {
        if (r.retryAt >= 0 && (now >= r.retryAt || runStopping())) {
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
      if (!ok && runStopping()) report.error = stoppedWhy();
      bool final = ok || report.attempts > r.job.retries || runStopping();
      if (finished_) finished_(r.index, report, final);
      if (!final) {
        r.process.reset();
        r.retryAt = now + retryBackoffSeconds(backoffBaseSeconds, report.attempts);
        continue;
      }
      size_t index = r.index;
      running_.erase(running_.begin() + static_cast<long>(i));
      return std::make_pair(index, ok);
    }
    if (runStopping() && running_.empty()) return std::nullopt;
    double wait = 0.005;
    if (deadline && !runStopping()) wait = std::max(0.0, std::min(wait, *deadline - now));
    timespec ts{0, static_cast<long>(wait * 1e9)};
    // Output waiting in a pipe wakes the loop too: it is relayed to the log
    // (and the command goes on writing) at once.
    std::vector<pollfd> outputs;
    for (const Running& r : running_)
      if (r.process && r.process->outputFd() >= 0) outputs.push_back({r.process->outputFd(), POLLIN, 0});
    if (outputs.empty()) sigtimedwait(&chld, nullptr, &ts);
    else ::ppoll(outputs.data(), outputs.size(), &ts, nullptr);
  }
}

// SIGTERM to every running group, SIGKILL after the grace period or at a
// second signal; a command waiting for its retry is done.
void ProcessExecutor::stopAll(double now) {
  for (Running& r : running_) {
    if (!r.process) continue;
    if (r.stopSentAt < 0) {
      r.process->markStopping();
      r.process->signalGroup(SIGTERM);
      r.stopSentAt = now;
    } else if (now - r.stopSentAt >= killGraceSeconds || interruptCount() > 1) {
      r.process->signalGroup(SIGKILL);
    }
  }
}

std::string ProcessExecutor::stoppedWhy() {
  return "stopped: " + stopWhy();
}

}  // namespace mlops::runtime

// SIGINT (Ctrl-C), SIGTERM (what CI runners and Kubernetes send to cancel a
// job) and SIGHUP (a closed terminal) during a run. Left to their default,
// each killed mlopsc at once: the commands' shells died with it
// (PR_SET_PDEATHSIG), but what they started ran on, orphaned, until the
// next run, and the run stayed "running" in the state store.
//
// While a RunInterruptions object lives, these signals only set a flag the
// run polls (runtime/exec/process_executor.h, runtime/runner.h): it starts
// nothing more, sends SIGTERM to every running command's process group
// (SIGKILL after the kill grace, or at once on a second signal), relays and
// masks their last output into the logs, records the running nodes as
// failed and the run as `interrupted`, and exits 128 + the signal (130 for
// SIGINT, 143 for SIGTERM, 129 for SIGHUP).
#pragma once

#include <string>

namespace mlops::runtime {

class RunInterruptions {
 public:
  // Installs the handlers (without SA_RESTART: a wait for the run lock
  // returns to see the flag), clearing any earlier interruption. A signal
  // ignored when mlopsc started (`nohup`) stays ignored.
  RunInterruptions();
  // Puts back the handlers found and forgets the interruption: read
  // interruptSignal() before.
  ~RunInterruptions();
  RunInterruptions(const RunInterruptions&) = delete;
  RunInterruptions& operator=(const RunInterruptions&) = delete;
};

// The first of those signals received while the handlers are installed;
// 0 when none was.
int interruptSignal();
// The run stopping itself without a signal (its record lost mid-run,
// runtime/state/record.h): handled as an interruption (nothing new starts,
// the running groups are stopped), `why` saying what happened ("the run
// lost its record"). Cleared with the handlers.
void stopRun(const std::string& why);
// A signal received or stopRun called: the run is stopping.
bool runStopping();
// Why it is stopping: "the run was interrupted by SIGINT", or stopRun's `why`.
std::string stopWhy();
// How many were received: a second one means "now" (SIGKILL, no grace).
unsigned interruptCount();
// "SIGTERM" for interruptSignal() (an empty string when none).
const char* interruptName();

}  // namespace mlops::runtime

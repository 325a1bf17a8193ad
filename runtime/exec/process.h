// One node's command as a child process: `/bin/sh -c COMMAND` in the project
// root, in a process group of its own (so a timeout stops everything the
// command started), with exactly the environment the runtime builds for the
// node (so a secret reaches that node alone), its stdout and stderr appended
// to the node's log file. When the run has secrets, the output reaches the
// log through a pipe and mlopsc, which masks every secret value on the way
// (runtime/secret_masker.h): no value is ever written to disk, not even for
// a moment, and a run killed mid-step leaves no unmasked log. Without
// secrets the command writes its log itself (one process fewer in the
// path). The shell dies with mlopsc (PR_SET_PDEATHSIG);
// what it started in turn is found later by the group's registry entry
// (runtime/exec/process_registry.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace mlops::runtime {

struct ProcessSpec {
  std::string command;           // run by /bin/sh -c
  std::string workingDirectory;  // the project root
  std::vector<std::pair<std::string, std::string>> environment;  // the whole environment of the child
  std::string logPath;           // stdout and stderr, appended (created 0600)
  // Secret values masked in the log: every secret of the run, not only the
  // node's own (a command may find another's value some other way).
  std::vector<std::string> maskedValues;
};

struct ProcessResult {
  int exitCode = -1;    // when it exited
  int signal = 0;       // when a signal ended it
  bool timedOut = false;
  double seconds = 0;   // wall time
  // What the command used (wait4's rusage of /bin/sh, which includes every
  // descendant it waited for): user + system CPU seconds, and the largest
  // resident set of it or any of them, in bytes. 0 when not known.
  double cpuSeconds = 0;
  int64_t maxRssBytes = 0;
  bool succeeded() const { return signal == 0 && exitCode == 0 && !timedOut; }
  std::string describe() const;  // "exit code 3", "killed by SIGKILL after the timeout of 2s", ...
};

class Process {
 public:
  // Starts the command; nullopt (and `error`) when it could not start at all
  // (log file not writable, working directory missing, ...).
  static std::optional<Process> start(const ProcessSpec& spec, std::string& error);
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  // The pipe the command's output arrives on (-1 when it writes its log
  // itself): a caller waiting on several processes polls it, since output
  // left unread stops the command once the pipe is full.
  int outputFd() const;
  // The result once the child has exited; nullopt while it runs. Never blocks.
  std::optional<ProcessResult> poll();
  // Sends `signal` to the child's whole process group.
  void signalGroup(int signal) const;
  double elapsedSeconds() const;
  // From now on the result says the command timed out, and whatever is left
  // of its group is killed when it exits.
  void markTimedOut() { timedOut_ = killLeftovers_ = true; }
  // The run is stopping: whatever is left of the group is killed when the
  // command exits.
  void markStopping() { killLeftovers_ = true; }

 private:
  struct OutputRelay;
  Process(pid_t pid, double started, std::unique_ptr<OutputRelay> relay);
  // Copies what arrived on the pipe to the log, masked; with `toEnd`, also
  // what is held back, and closes both. Never blocks.
  void relayOutput(bool toEnd);
  pid_t pid_;
  double started_;
  bool timedOut_ = false;
  bool killLeftovers_ = false;
  std::unique_ptr<OutputRelay> relay_;
  friend ProcessResult runProcess(const ProcessSpec&, std::optional<double>, double, std::string&);
};

// Runs to completion. After `timeoutSeconds` the group gets SIGTERM, and
// SIGKILL `killGraceSeconds` later if anything is left. Returns a result
// with exitCode -1 and `error` set when the process could not start.
ProcessResult runProcess(const ProcessSpec& spec, std::optional<double> timeoutSeconds, double killGraceSeconds,
                         std::string& error);

// Monotonic seconds (steady clock).
double monotonicSeconds();

}  // namespace mlops::runtime

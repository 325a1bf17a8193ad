#include "runtime/process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace mlops::runtime {
namespace {

}  // namespace

double monotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ProcessResult::describe() const {
  std::string out;
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    out = std::string("killed by SIG") + (name ? name : std::to_string(signal).c_str());
  } else {
    out = "exit code " + std::to_string(exitCode);
  }
  if (timedOut) out += " after the timeout";
  return out;
}

std::optional<Process> Process::start(const ProcessSpec& spec, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  // Its own process group (pgid = pid), default signal handling.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  if (!spec.workingDirectory.empty())
    posix_spawn_file_actions_addchdir_np(&actions, spec.workingDirectory.c_str());

  std::vector<std::string> envStrings;
  for (const auto& [k, v] : spec.environment) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", spec.command.c_str(), nullptr};

  // Fail early with a clear message where posix_spawn would only say ENOENT.
  if (int fd = ::open(spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600); fd < 0) {
    error = "cannot write the log `" + spec.logPath + "`: " + std::strerror(errno);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return std::nullopt;
  } else {
    ::close(fd);
  }
  pid_t pid = 0;
  double started = monotonicSeconds();
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    error = "cannot start /bin/sh" +
            (spec.workingDirectory.empty() ? std::string() : " in `" + spec.workingDirectory + "`") + ": " +
            std::strerror(rc);
    return std::nullopt;
  }
  return Process(pid, started);
}

std::optional<ProcessResult> Process::poll() {
  // Look without reaping first: while the leader is a zombie its pid (the
  // group id) cannot be reused, so the group can still be killed safely.
  siginfo_t info{};
  if (::waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0) return std::nullopt;
  if (timedOut_) signalGroup(SIGKILL);  // what the command left running goes with it
  int status = 0;
  pid_t r;
  do r = ::waitpid(pid_, &status, 0);
  while (r < 0 && errno == EINTR);
  ProcessResult result;
  result.seconds = elapsedSeconds();
  result.timedOut = timedOut_;
  if (r < 0) {
    result.exitCode = -1;
    return result;
  }
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

void Process::signalGroup(int signal) const { ::killpg(pid_, signal); }

double Process::elapsedSeconds() const { return monotonicSeconds() - started_; }

ProcessResult runProcess(const ProcessSpec& spec, std::optional<double> timeoutSeconds, double killGraceSeconds,
                         std::string& error) {
  std::optional<Process> process = Process::start(spec, error);
  if (!process) return {};
  double termAt = -1;
  for (;;) {
    if (std::optional<ProcessResult> done = process->poll()) return *done;
    double elapsed = process->elapsedSeconds();
    if (timeoutSeconds && !process->timedOut_ && elapsed >= *timeoutSeconds) {
      process->timedOut_ = true;
      process->signalGroup(SIGTERM);
      termAt = elapsed;
    } else if (process->timedOut_ && termAt >= 0 && elapsed - termAt >= killGraceSeconds) {
      process->signalGroup(SIGKILL);
      termAt = -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(elapsed < 0.05 ? 1 : 5));
  }
}

}  // namespace mlops::runtime

#include "runtime/process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace mlops::runtime {

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

namespace {

// What the child does between vfork() and execve(), prepared by the parent:
// the child shares the parent's memory and may only make system calls.
struct ChildSetup {
  const char* logPath;
  const char* workingDirectory;  // nullptr: stay
  char* const* argv;
  char* const* envp;
  pid_t parent;
  volatile int* failure;  // errno of the step that failed, seen by the parent
};

[[noreturn]] void execChild(const ChildSetup& c) {
  // Default handling for every signal (the handlers are the parent's code),
  // then its own process group, and death with the parent: a killed mlopsc
  // takes the command's shell with it (what the shell started is found by
  // the registry of process groups, runtime/process_registry.h).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != c.parent) ::_exit(127);  // the parent died before prctl
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(c.logPath, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (in < 0 || out < 0 || ::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
      ::dup2(out, STDERR_FILENO) < 0 || (c.workingDirectory && ::chdir(c.workingDirectory) != 0)) {
    *c.failure = errno;
    ::_exit(127);
  }
  if (in > STDERR_FILENO) ::close(in);
  if (out > STDERR_FILENO) ::close(out);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve("/bin/sh", c.argv, c.envp);
  *c.failure = errno;
  ::_exit(127);
}

}  // namespace

std::optional<Process> Process::start(const ProcessSpec& spec, std::string& error) {
  std::vector<std::string> envStrings;
  for (const auto& [k, v] : spec.environment) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", spec.command.c_str(), nullptr};

  // Fail early with a clear message where the child could only report errno.
  if (int fd = ::open(spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600); fd < 0) {
    error = "cannot write the log `" + spec.logPath + "`: " + std::strerror(errno);
    return std::nullopt;
  } else {
    ::close(fd);
  }
  // vfork rather than posix_spawn, which cannot set PR_SET_PDEATHSIG: as
  // cheap (no page tables copied), the parent waits until the child has
  // exec'd. Every signal stays blocked meanwhile, so no handler of ours runs
  // in the child.
  volatile int failure = 0;
  ChildSetup setup{spec.logPath.c_str(), spec.workingDirectory.empty() ? nullptr : spec.workingDirectory.c_str(),
                   const_cast<char* const*>(argv), envp.data(), ::getpid(), &failure};
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  double started = monotonicSeconds();
  pid_t pid = ::vfork();
  if (pid == 0) execChild(setup);
  int forkErrno = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) {
    error = std::string("cannot start /bin/sh: ") + std::strerror(forkErrno);
    return std::nullopt;
  }
  if (failure != 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    error = "cannot start /bin/sh" +
            (spec.workingDirectory.empty() ? std::string() : " in `" + spec.workingDirectory + "`") + ": " +
            std::strerror(failure);
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

#include "runtime/exec/process.h"

#include "runtime/secret_masker.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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
  int output;  // the pipe's write end, or -1: open logPath
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
  // the registry of process groups, runtime/exec/process_registry.h).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != c.parent) ::_exit(127);  // the parent died before prctl
  int in = ::open("/dev/null", O_RDONLY);
  int out = c.output >= 0 ? c.output : ::open(c.logPath, O_WRONLY | O_CREAT | O_APPEND, 0600);
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

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk: the log is cut, the command goes on
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

// The read end of the command's output pipe, the log it is copied to and
// the masker between them.
struct Process::OutputRelay {
  int pipe = -1;
  int log = -1;
  SecretMasker masker;
  explicit OutputRelay(const std::vector<std::string>& values) : masker(values) {}
  ~OutputRelay() {
    closeFd(pipe);
    closeFd(log);
  }
};

Process::Process(pid_t pid, double started, std::unique_ptr<OutputRelay> relay)
    : pid_(pid), started_(started), relay_(std::move(relay)) {}
Process::Process(Process&&) noexcept = default;
Process& Process::operator=(Process&&) noexcept = default;
Process::~Process() = default;

int Process::outputFd() const { return relay_ ? relay_->pipe : -1; }

void Process::relayOutput(bool toEnd) {
  if (!relay_ || relay_->pipe < 0) return;
  char buffer[65536];
  bool ended = false;
  for (;;) {
    ssize_t n = ::read(relay_->pipe, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ended = n == 0 || errno != EAGAIN;  // else nothing more for now
      break;
    }
    writeAll(relay_->log, relay_->masker.feed(std::string_view(buffer, static_cast<size_t>(n))));
  }
  if (!ended && !toEnd) return;
  // The output ended (the pipe is not polled again), or the command has
  // exited: what it left running in the background and still writes gets
  // EPIPE from now on, so nothing reaches the log unmasked.
  writeAll(relay_->log, relay_->masker.finish());
  closeFd(relay_->pipe);
  closeFd(relay_->log);
}

std::optional<Process> Process::start(const ProcessSpec& spec, std::string& error) {
  std::vector<std::string> envStrings;
  for (const auto& [k, v] : spec.environment) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", spec.command.c_str(), nullptr};

  // Fail early with a clear message where the child could only report errno.
  int log = ::open(spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    error = "cannot write the log `" + spec.logPath + "`: " + std::strerror(errno);
    return std::nullopt;
  }
  std::unique_ptr<OutputRelay> relay;
  int pipeEnds[2] = {-1, -1};
  if (SecretMasker(spec.maskedValues).active()) {
    if (::pipe2(pipeEnds, O_CLOEXEC) != 0) {
      error = std::string("cannot create a pipe for the output: ") + std::strerror(errno);
      ::close(log);
      return std::nullopt;
    }
    ::fcntl(pipeEnds[0], F_SETFL, O_NONBLOCK);
    relay = std::make_unique<OutputRelay>(spec.maskedValues);
    relay->pipe = pipeEnds[0];
    relay->log = log;
  } else {
    ::close(log);
  }
  // vfork rather than posix_spawn, which cannot set PR_SET_PDEATHSIG: as
  // cheap (no page tables copied), the parent waits until the child has
  // exec'd. Every signal stays blocked meanwhile, so no handler of ours runs
  // in the child.
  volatile int failure = 0;
  ChildSetup setup{spec.logPath.c_str(), pipeEnds[1], spec.workingDirectory.empty() ? nullptr : spec.workingDirectory.c_str(),
                   const_cast<char* const*>(argv), envp.data(), ::getpid(), &failure};
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  double started = monotonicSeconds();
  pid_t pid = ::vfork();
  if (pid == 0) execChild(setup);
  int forkErrno = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  closeFd(pipeEnds[1]);  // the child's end: the pipe ends when the command's output does
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
  return Process(pid, started, std::move(relay));
}

std::optional<ProcessResult> Process::poll() {
  // Look without reaping first: while the leader is a zombie its pid (the
  // group id) cannot be reused, so the group can still be killed safely.
  relayOutput(false);
  siginfo_t info{};
  if (::waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0) return std::nullopt;
  if (killLeftovers_) signalGroup(SIGKILL);  // what the command left running goes with it
  int status = 0;
  struct rusage usage {};
  pid_t r;
  do r = ::wait4(pid_, &status, 0, &usage);
  while (r < 0 && errno == EINTR);
  relayOutput(true);
  ProcessResult result;
  result.seconds = elapsedSeconds();
  if (r > 0) {
    result.cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    result.maxRssBytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
  }
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
      process->markTimedOut();
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

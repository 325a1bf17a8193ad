#include "runtime/tool_process.h"

#include "runtime/interruption.h"
#include "runtime/exec/process.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mlops::runtime {
namespace {

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// One running child and its pipes (parent ends, non-blocking).
struct Child {
  pid_t pid = -1;
  ToolMode mode = ToolMode::Detached;
  int in = -1, out = -1, err = -1;
  std::string_view pending;  // stdin not written yet
  double deadline = -1;      // monotonic; < 0: none
  bool killed = false;
  bool finishesWhenStopping = false;  // ToolJob::finishesWhenStopping
  ToolResult result;

  ~Child() {
    closeFd(in);
    closeFd(out);
    closeFd(err);
  }
  void kill() {
    // A Verify child leads its own group (what it started goes with it);
    // a Sign child shares mlopsc's group, so only it is killed.
    if (mode == ToolMode::Detached) ::killpg(pid, SIGKILL);
    else ::kill(pid, SIGKILL);
    killed = true;
  }
  // Finished: its output ended, or it was killed and has exited (a Sign
  // child's helper, an askpass, may still hold the pipes).
  bool finished() const {
    if (out < 0 && err < 0) return true;
    siginfo_t info{};
    return killed && ::waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
  }
};

// Starts `program args…`; on failure result.spawnErrno is set and pid < 0.
void spawnChild(const ToolJob& job, ToolMode mode, const std::vector<std::string>& environment, Child& c) {
  const std::string& program = job.program;
  const std::vector<std::string>& args = job.args;
  std::string_view stdinBytes = mode == ToolMode::Foreground ? std::string_view() : std::string_view(job.stdinBytes);
  c.mode = mode;
  c.finishesWhenStopping = job.finishesWhenStopping;
  int inPipe[2] = {-1, -1}, outPipe[2] = {-1, -1}, errPipe[2] = {-1, -1};
  auto fail = [&](int e) {
    c.result.spawnErrno = e;
    for (int* p : {inPipe, outPipe, errPipe}) {
      closeFd(p[0]);
      closeFd(p[1]);
    }
  };
  if ((mode == ToolMode::Detached && ::pipe2(inPipe, O_CLOEXEC) != 0) ||
      (job.stdoutFd < 0 && ::pipe2(outPipe, O_CLOEXEC) != 0) || ::pipe2(errPipe, O_CLOEXEC) != 0)
    return fail(errno);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (mode == ToolMode::Detached) posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO);
  else posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, job.stdoutFd >= 0 ? job.stdoutFd : outPipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  // Default dispositions for everything (an ignored SIGPIPE or SIGINT of
  // mlopsc's would otherwise be inherited).
  posix_spawnattr_setsigdefault(&attr, &all);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (mode == ToolMode::Detached) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);

  std::vector<std::string> envStrings = environment;
  std::vector<char*> envp;
  for (std::string& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return fail(rc);
  c.pid = pid;
  closeFd(inPipe[0]);
  closeFd(outPipe[1]);
  closeFd(errPipe[1]);
  c.in = inPipe[1];
  c.out = outPipe[0];
  c.err = errPipe[0];
  for (int fd : {c.in, c.out, c.err})
    if (fd >= 0) ::fcntl(fd, F_SETFL, O_NONBLOCK);
  c.pending = stdinBytes;
  if (c.pending.empty()) closeFd(c.in);
}

// write(2) to a pipe whose reader may be gone: EPIPE, without the SIGPIPE
// that would end mlopsc.
ssize_t writeNoSigpipe(int fd, std::string_view bytes) {
  sigset_t pipeSignal, previous;
  sigemptyset(&pipeSignal);
  sigaddset(&pipeSignal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
  ssize_t n = ::write(fd, bytes.data(), bytes.size());
  int error = errno;
  if (n < 0 && error == EPIPE) {
    const timespec now{0, 0};
    ::sigtimedwait(&pipeSignal, nullptr, &now);
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = error;
  return n;
}

// Moves what is ready between the child and its buffers. Never blocks.
void pump(Child& c, short inEvents, short outEvents, short errEvents) {
  if (c.in >= 0 && inEvents) {
    ssize_t n = writeNoSigpipe(c.in, c.pending);
    if (n > 0) c.pending.remove_prefix(static_cast<size_t>(n));
    // EPIPE (it exited without reading everything) or all written: done.
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || c.pending.empty()) closeFd(c.in);
  }
  auto drain = [](int& fd, short events, std::string& into) {
    if (fd < 0 || !events) return;
    char buffer[16384];
    for (;;) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) return closeFd(fd);
      size_t room = kToolOutputCap - std::min(kToolOutputCap, into.size());
      into.append(buffer, std::min(room, static_cast<size_t>(n)));
    }
  };
  drain(c.out, outEvents, c.result.out);
  drain(c.err, errEvents, c.result.err);
}

// Reaps the child once its pipes are closed (it exited, or was killed).
void reap(Child& c) {
  closeFd(c.in);
  int status = 0;
  pid_t r;
  do r = ::waitpid(c.pid, &status, 0);
  while (r < 0 && errno == EINTR);
  if (r == c.pid) {
    if (WIFEXITED(status)) c.result.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) c.result.signal = WTERMSIG(status);
  }
  c.pid = -1;
}

// Polls the children until one of them is finished or `maxWaitMs` passed;
// kills those past their deadline (or all, when the run is stopping).
// Returns the indices of the children whose pipes all closed.
std::vector<size_t> step(std::vector<Child*>& running, int maxWaitMs) {
  std::vector<pollfd> fds;
  std::vector<std::pair<size_t, int>> owner;  // (child, stream: 0 in, 1 out, 2 err)
  for (size_t i = 0; i < running.size(); ++i) {
    Child& c = *running[i];
    if (c.in >= 0) fds.push_back({c.in, POLLOUT, 0}), owner.emplace_back(i, 0);
    if (c.out >= 0) fds.push_back({c.out, POLLIN, 0}), owner.emplace_back(i, 1);
    if (c.err >= 0) fds.push_back({c.err, POLLIN, 0}), owner.emplace_back(i, 2);
  }
  double now = monotonicSeconds();
  int wait = maxWaitMs;
  for (Child* c : running)
    if (c->deadline >= 0) wait = std::min(wait, std::max(0, static_cast<int>((c->deadline - now) * 1000) + 1));
  int n = ::poll(fds.data(), fds.size(), wait);
  if (n > 0) {
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      auto [i, stream] = owner[k];
      pump(*running[i], stream == 0 ? 1 : 0, stream == 1 ? 1 : 0, stream == 2 ? 1 : 0);
    }
  }
  now = monotonicSeconds();
  bool stopping = runStopping();
  for (Child* c : running) {
    if (!c->result.timedOut && c->deadline >= 0 && now >= c->deadline) {
      c->result.timedOut = true;
      c->kill();
    } else if (stopping && !c->killed && !c->finishesWhenStopping) {
      c->kill();
    }
  }
  std::vector<size_t> done;
  for (size_t i = 0; i < running.size(); ++i) {
    if (running[i]->finished()) done.push_back(i);
  }
  return done;
}

}  // namespace

bool isExecutableFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> findExecutable(std::string_view name, const char* pathVariable) {
  std::string_view rest = pathVariable ? pathVariable : "";
  while (true) {
    size_t colon = rest.find(':');
    std::string_view entry = rest.substr(0, colon);
    if (!entry.empty() && entry[0] == '/') {
      std::string candidate = std::string(entry) + (entry.back() == '/' ? "" : "/") + std::string(name);
      if (isExecutableFile(candidate)) return candidate;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

std::vector<std::string> passEnvironment(const std::vector<const char*>& names) {
  std::vector<std::string> env;
  for (const char* name : names)
    if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
  return env;
}

ToolResult runTool(const ToolJob& job, ToolMode mode, const std::vector<std::string>& environment,
                   std::optional<double> timeoutSeconds) {
  Child c;
  spawnChild(job, mode, environment, c);
  if (c.pid < 0) return c.result;
  if (timeoutSeconds) c.deadline = monotonicSeconds() + *timeoutSeconds;
  std::vector<Child*> running{&c};
  while (step(running, 1000).empty()) {
  }
  closeFd(c.out);
  closeFd(c.err);
  reap(c);
  return std::move(c.result);
}

std::vector<ToolResult> runTools(const std::vector<ToolJob>& jobs, const std::vector<std::string>& environment,
                                 unsigned parallel, double timeoutSeconds) {
  std::vector<ToolResult> results(jobs.size());
  std::vector<Child> children(jobs.size());
  std::vector<Child*> running;
  size_t next = 0;
  parallel = std::max(1u, parallel);
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < parallel) {
      Child& c = children[next];
      if (runStopping()) {
        c.result.spawnErrno = EINTR;
      } else {
        spawnChild(jobs[next], ToolMode::Detached, environment, c);
        if (c.pid >= 0) {
          c.deadline = monotonicSeconds() + timeoutSeconds;
          running.push_back(&c);
        }
      }
      if (c.pid < 0) results[next] = std::move(c.result);
      ++next;
    }
    if (running.empty()) continue;
    std::vector<size_t> done = step(running, 1000);
    std::sort(done.rbegin(), done.rend());
    for (size_t i : done) {
      Child& c = *running[i];
      closeFd(c.out);
      closeFd(c.err);
      reap(c);
      results[static_cast<size_t>(&c - children.data())] = std::move(c.result);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return results;
}

}  // namespace mlops::runtime

// A helper program mlopsc consults (ssh-keygen, git config, git's
// gpg.ssh.defaultKeyCommand) run without a shell and without mlopsc's
// environment: posix_spawn with an argument vector and an environment the
// caller lists, stdin written from memory and stdout/stderr read into
// memory (each capped at kToolOutputCap; the rest is read and dropped),
// all three polled together so no output size can deadlock. Unlike a
// node's command (runtime/exec/process.h) nothing is logged and nothing is a
// shell.
//
// ToolMode::Detached children run in a session of their own: no
// controlling terminal (nothing can prompt), their own process group,
// which a timeout or an interrupted run (runtime/interruption.h) kills
// whole. Nothing kills one when mlopsc itself is killed: its stdin closes
// and ssh-keygen's checks end in milliseconds. ToolMode::Foreground
// children stay in mlopsc's process group (a background group reading
// /dev/tty gets SIGTTIN) so they may prompt on the terminal; their stdin
// is /dev/null and a timeout kills the child.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

inline constexpr size_t kToolOutputCap = 64 * 1024;

struct ToolResult {
  int exitCode = -1;
  int signal = 0;
  bool timedOut = false;
  int spawnErrno = 0;  // non-zero: it did not start (ENOENT: no such program)
  std::string out, err;
  bool succeeded() const { return spawnErrno == 0 && !timedOut && signal == 0 && exitCode == 0; }
};

enum class ToolMode { Detached, Foreground };

struct ToolJob {
  std::string program;             // an absolute path
  std::vector<std::string> args;   // after the program name
  std::string stdinBytes;          // Detached only; Foreground reads /dev/null
  int stdoutFd = -1;               // >= 0: stdout goes to this open file, uncapped, not to `out`
  // Not killed when the run is stopping (runtime/interruption.h): what
  // cleans up after an interrupted run (`scancel`) must get to finish. Its
  // timeout still holds.
  bool finishesWhenStopping = false;
};

// Runs one child to completion; `timeoutSeconds` nullopt waits for ever.
// `environment` is the child's whole environment (NAME=value).
ToolResult runTool(const ToolJob& job, ToolMode mode, const std::vector<std::string>& environment,
                   std::optional<double> timeoutSeconds);

// Detached children, up to `parallel` at once, each with `timeoutSeconds`;
// results in the order of `jobs`. Once the run is stopping (an interruption)
// the running groups are killed and the jobs not started yet report
// spawnErrno EINTR.
std::vector<ToolResult> runTools(const std::vector<ToolJob>& jobs, const std::vector<std::string>& environment,
                                 unsigned parallel, double timeoutSeconds);

// The first executable regular file `name` in an absolute entry of
// `pathVariable` (PATH's syntax; relative and empty entries, which mean a
// folder of the checkout, are skipped). Nullopt when there is none.
std::optional<std::string> findExecutable(std::string_view name, const char* pathVariable);

// Whether `path` is an executable regular file.
bool isExecutableFile(const std::string& path);

// NAME=value for each of `names` set in mlopsc's environment, in that order.
std::vector<std::string> passEnvironment(const std::vector<const char*>& names);

}  // namespace mlops::runtime

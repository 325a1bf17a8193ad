// OpenSSH's ssh-keygen as the one signer and verifier of approvals (as git
// uses it for SSH-signed commits): mlopsc never checks an SSH signature
// itself, so what counts is exactly what `ssh-keygen -Y verify` accepts.
//
// Calling it safely (runtime/tool_process.h runs it):
// - posix_spawn with an argument vector, never a shell; the program is
//   found once (MLOPS_SSH_KEYGEN, an absolute path, else PATH, whose
//   relative and empty entries are skipped: a checkout from an untrusted
//   pull request must not supply the verifier).
// - An environment built from scratch: PATH, HOME, SSH_AUTH_SOCK,
//   LC_ALL=C (its messages are parsed), TZ=UTC; signing adds what a
//   passphrase or FIDO prompt needs (DISPLAY, WAYLAND_DISPLAY, SSH_ASKPASS,
//   SSH_ASKPASS_REQUIRE). No secret of the run and no MLOPS_* reaches it.
// - Mode::Verify children run in a session of their own (no controlling
//   terminal, their own process group), so a timeout or an interrupted run
//   kills the group. Mode::Sign children stay in mlopsc's foreground group
//   (a background group reading /dev/tty would get SIGTTIN) with /dev/null
//   on stdin: without a terminal ssh-keygen reads a passphrase from stdin,
//   which must therefore never hold the payload when signing.
// - Output captured up to 64 KiB per stream (the rest is read and dropped);
//   stdin is written as the child reads it, polled with its output.
#pragma once

#include "runtime/tool_process.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

// The sentence of `mlopsc: error: …` (exit 2) when there is no ssh-keygen.
inline constexpr const char* kMissingKeygen =
    "ssh-keygen not found on PATH: signed approvals need OpenSSH 8.8 or later (Debian/Ubuntu: apt install "
    "openssh-client), or set MLOPS_SSH_KEYGEN";

// How many ssh-keygen verify at once: one more than the cores, since each
// spends part of its few milliseconds starting up (exec, dynamic linking)
// rather than on a CPU (measured in docs/benchmarks.md, bench/signing).
unsigned verifyParallelism();

// Timeouts: a verification, find-principals or `-l` answers in milliseconds;
// a signature waits for a person only when a terminal can prompt them.
inline constexpr double kKeygenTimeoutSeconds = 10;
inline constexpr double kSignTimeoutSeconds = 120;

using KeygenResult = ToolResult;

class SshKeygen {
 public:
  enum class Mode {
    Verify,  // a session of its own: no terminal, killed as a group
    Sign,    // mlopsc's foreground group, stdin /dev/null: a terminal prompt works
  };
  struct Job {
    std::vector<std::string> args;  // after the program name
    std::string stdinBytes;
  };
  // The whole environment a child gets in `mode`.
  static std::vector<std::string> environment(Mode mode);

  // MLOPS_SSH_KEYGEN (absolute, executable) or the first executable
  // `ssh-keygen` in an absolute PATH entry. Nullopt with `why` (kMissingKeygen,
  // or what is wrong with MLOPS_SSH_KEYGEN).
  static std::optional<SshKeygen> locate(std::string& why);
  // The same with the two variables given (nullptr: unset), for tests.
  static std::optional<SshKeygen> locate(const char* override, const char* pathVariable, std::string& why);

  const std::string& program() const { return program_; }

  // Runs one child to completion; `timeoutSeconds` nullopt waits for ever
  // (a person at a terminal). In Sign mode `stdinBytes` must be empty.
  KeygenResult run(const std::vector<std::string>& args, std::string_view stdinBytes, Mode mode,
                   std::optional<double> timeoutSeconds) const;
  // Mode::Verify jobs, up to `parallel` children at once, each with the
  // verification timeout; results in the order of `jobs`. When the run is
  // being interrupted (runtime/interruption.h) the running groups are killed
  // and the jobs not started report spawnErrno EINTR.
  std::vector<KeygenResult> runMany(const std::vector<Job>& jobs, unsigned parallel) const;

 private:
  explicit SshKeygen(std::string program) : program_(std::move(program)) {}
  std::string program_;
};

// The timeout of a signature: none when /dev/tty opens (a person types a
// passphrase or touches a FIDO key), else kSignTimeoutSeconds.
std::optional<double> signTimeout();

// What to tell the user (exit 2) when ssh-keygen failed on the key `key`
// (the path given): ssh-keygen missing, too old, a passphrase with no
// terminal, a key readable by others, an unreadable key, no agent. Its
// stderr is quoted escaped (support::escapeControls), one line.
std::string describeKeygenFailure(const KeygenResult& result, std::string_view key);

}  // namespace mlops::runtime

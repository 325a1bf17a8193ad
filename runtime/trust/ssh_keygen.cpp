#include "runtime/trust/ssh_keygen.h"

#include "support/display_text.h"

#include <cerrno>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace mlops::runtime {

std::vector<std::string> SshKeygen::environment(Mode mode) {
  std::vector<std::string> env{"LC_ALL=C", "TZ=UTC"};
  std::vector<const char*> names{"PATH", "HOME", "SSH_AUTH_SOCK"};
  if (mode == Mode::Sign)
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE"}) names.push_back(name);
  for (std::string& v : passEnvironment(names)) env.push_back(std::move(v));
  return env;
}

std::optional<SshKeygen> SshKeygen::locate(std::string& why) {
  return locate(std::getenv("MLOPS_SSH_KEYGEN"), std::getenv("PATH"), why);
}

std::optional<SshKeygen> SshKeygen::locate(const char* override, const char* pathVariable, std::string& why) {
  if (override && *override) {
    std::string path = override;
    if (path[0] != '/') {
      why = "MLOPS_SSH_KEYGEN must be an absolute path, found `" + support::escapeControls(path) + "`";
      return std::nullopt;
    }
    if (!isExecutableFile(path)) {
      why = "MLOPS_SSH_KEYGEN names `" + support::escapeControls(path) + "`, which is not an executable file";
      return std::nullopt;
    }
    return SshKeygen(path);
  }
  // Relative and empty entries (the current folder) are skipped: the
  // project's own folder is not where the verifier comes from.
  if (std::optional<std::string> found = findExecutable("ssh-keygen", pathVariable)) return SshKeygen(*found);
  why = kMissingKeygen;
  return std::nullopt;
}

KeygenResult SshKeygen::run(const std::vector<std::string>& args, std::string_view stdinBytes, Mode mode,
                            std::optional<double> timeoutSeconds) const {
  ToolJob job{program_, args, mode == Mode::Sign ? std::string() : std::string(stdinBytes)};
  // Signing may prompt for a passphrase, but only on a terminal whose
  // foreground is ours; otherwise ssh-keygen runs detached and fails at
  // once instead of being stopped reading a terminal it may not read.
  bool prompt = mode == Mode::Sign && !signTimeout().has_value();
  return runTool(job, prompt ? ToolMode::Foreground : ToolMode::Detached, environment(mode), timeoutSeconds);
}

std::vector<KeygenResult> SshKeygen::runMany(const std::vector<Job>& jobs, unsigned parallel) const {
  std::vector<ToolJob> tools;
  tools.reserve(jobs.size());
  for (const Job& j : jobs) tools.push_back({program_, j.args, j.stdinBytes});
  return runTools(tools, environment(Mode::Verify), parallel, kKeygenTimeoutSeconds);
}

unsigned verifyParallelism() {
  unsigned cores = std::thread::hardware_concurrency();
  return (cores == 0 ? 2 : cores) + 1;
}

std::optional<double> signTimeout() {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return kSignTimeoutSeconds;
  // A terminal that is not ours to read (mlopsc in a background job, under
  // `timeout`): a prompt there would stop ssh-keygen (SIGTTIN) for good.
  bool foreground = ::tcgetpgrp(fd) == ::getpgrp();
  ::close(fd);
  if (!foreground) return kSignTimeoutSeconds;
  return std::nullopt;
}

std::string describeKeygenFailure(const KeygenResult& r, std::string_view key) {
  std::string k(key);
  if (r.spawnErrno == ENOENT) return kMissingKeygen;
  if (r.spawnErrno != 0) return std::string("cannot start ssh-keygen: ") + std::strerror(r.spawnErrno);
  if (r.timedOut) return "ssh-keygen did not answer in time and was stopped";
  const std::string& e = r.err;
  auto has = [&](const char* s) { return e.find(s) != std::string::npos; };
  // The first line that says something (the passphrase prompt and the
  // warning banner say nothing about the cause).
  std::string first;
  for (size_t at = 0; at < e.size();) {
    size_t end = e.find('\n', at);
    std::string line = e.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();  // its log lines end in CR LF
    if (line.rfind("Enter passphrase", 0) == 0) line = line.substr(line.find(':') + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '@')) line.erase(0, 1);
    if (!line.empty()) {
      first = line;
      break;
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  while (!first.empty() && (first.back() == '.' || first.back() == ' ')) first.pop_back();  // our messages end bare
  std::string quoted = support::escapeControls(first);
  if (has("unknown option") || has("usage:") || has("unknown key option") || has("Unknown signature option"))
    return "this ssh-keygen is older than OpenSSH 8.8 (no valid-after): " + quoted;
  if (has("incorrect passphrase"))
    return "the key `" + support::escapeControls(k) +
           "` is protected by a passphrase and there is no terminal: load it into ssh-agent and pass the public "
           "key (`--key " + support::escapeControls(k) + ".pub`)";
  if (has("UNPROTECTED PRIVATE KEY FILE")) {
    struct stat st;
    std::string mode;
    if (::stat(k.c_str(), &st) == 0) {
      char text[8];
      std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      mode = std::string(" (mode ") + text + ")";
    }
    return "`" + support::escapeControls(k) + "` is readable by others" + mode + ": chmod 600 " +
           support::escapeControls(k);
  }
  if (has("Couldn't get agent socket"))
    return "`" + support::escapeControls(k) +
           "` is a public key, which signs through ssh-agent, but no agent is running (SSH_AUTH_SOCK)";
  if (has("Couldn't find key in agent"))
    return "the key `" + support::escapeControls(k) + "` is not loaded in ssh-agent: ssh-add it";
  if (has("Couldn't load") || has("invalid format") || has("Load key") || has("No private key found") ||
      has("is not a public key file"))
    return "cannot read the key `" + support::escapeControls(k) + "`: " + quoted;
  if (r.signal != 0) return "ssh-keygen was killed by signal " + std::to_string(r.signal);
  return "ssh-keygen failed (exit code " + std::to_string(r.exitCode) + ")" + (quoted.empty() ? "" : ": " + quoted);
}

}  // namespace mlops::runtime

#include "runtime/trust/signing_key.h"

#include "support/display_text.h"

#include <cstdlib>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::runtime {
namespace {

constexpr const char* kNoKey =
    "no signing key: give --key FILE, set MLOPS_SIGNING_KEY, or configure git (gpg.format=ssh, "
    "user.signingkey) — docs/cli.md#signing";

// git's is_literal_ssh_key: `key::…`, or the deprecated `ssh-…`.
std::optional<std::string> literalKey(const std::string& value) {
  if (value.rfind("key::", 0) == 0) return value.substr(5);
  if (value.rfind("ssh-", 0) == 0) return value;
  return std::nullopt;
}

// `~` and `~/…` (HOME), `~user/…` (the password database), as git's
// interpolate_path; nullopt when the user is unknown.
std::optional<std::string> expandHome(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  size_t slash = path.find('/');
  std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string rest = slash == std::string::npos ? "" : path.substr(slash);
  if (user.empty()) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return std::nullopt;
    return home + rest;
  }
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return std::nullopt;
  return found->pw_dir + rest;
}

// A literal's text shortened for messages: its type and the start of the key.
std::string shortLiteral(const std::string& key) {
  size_t space = key.find(' ');
  if (space == std::string::npos) return support::escapeControls(key.substr(0, 24));
  return support::escapeControls(key.substr(0, std::min(key.size(), space + 13))) + "…";
}

// The environment of git and of defaultKeyCommand: what finds their
// configuration and the agent, nothing else (no secret, no GIT_DIR pointing
// elsewhere than the project).
std::vector<std::string> gitEnvironment() {
  std::vector<std::string> env{"LC_ALL=C"};
  for (std::string& v : passEnvironment({"PATH", "HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
                                         "GIT_CONFIG_NOSYSTEM", "SSH_AUTH_SOCK"}))
    env.push_back(std::move(v));
  return env;
}

// `git -C ROOT config --get NAME`: the value, or nullopt when unset (or git
// is not there: then git names no key).
std::optional<std::string> gitConfig(const std::string& git, const std::string& root, const std::string& name) {
  ToolResult r = runTool({git, {"-C", root, "config", "--get", name}, ""}, ToolMode::Detached, gitEnvironment(),
                         kKeygenTimeoutSeconds);
  if (!r.succeeded()) return std::nullopt;
  std::string value = r.out;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return std::nullopt;
  return value;
}

std::vector<std::string> splitBlanks(const std::string& text) {
  std::vector<std::string> words;
  size_t at = 0;
  while (at < text.size()) {
    size_t start = text.find_first_not_of(" \t", at);
    if (start == std::string::npos) break;
    size_t end = text.find_first_of(" \t", start);
    words.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    at = end == std::string::npos ? text.size() : end;
  }
  return words;
}

// The key gpg.ssh.defaultKeyCommand prints first (git's
// get_default_ssh_signing_key).
std::optional<SigningKey> keyFromCommand(const std::string& command, const PrivateTempDir& tmp, std::string& error) {
  const std::string source = "gpg.ssh.defaultKeyCommand";
  std::vector<std::string> words = splitBlanks(command);
  if (words.empty()) {
    error = "git config gpg.ssh.defaultKeyCommand is empty";
    return std::nullopt;
  }
  std::optional<std::string> program =
      words[0].find('/') != std::string::npos
          ? (words[0][0] == '/' && isExecutableFile(words[0]) ? std::optional<std::string>(words[0]) : std::nullopt)
          : findExecutable(words[0], std::getenv("PATH"));
  if (!program) {
    error = "git config gpg.ssh.defaultKeyCommand runs `" + support::escapeControls(words[0]) +
            "`, which is not an executable on PATH (or an absolute path)";
    return std::nullopt;
  }
  ToolResult r = runTool({*program, std::vector<std::string>(words.begin() + 1, words.end()), ""}, ToolMode::Detached,
                         gitEnvironment(), kKeygenTimeoutSeconds);
  if (!r.succeeded()) {
    error = "git config gpg.ssh.defaultKeyCommand `" + support::escapeControls(command) + "` failed" +
            (r.timedOut ? " (no answer in time)" : "") +
            (r.err.empty() ? std::string() : ": " + support::escapeControls(r.err.substr(0, r.err.find('\n'))));
    return std::nullopt;
  }
  std::string first = r.out.substr(0, r.out.find('\n'));
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (!literalKey(first)) {
    error = "git config gpg.ssh.defaultKeyCommand printed no key: its first line must be `key::<public key>` or "
            "start with `ssh-`";
    return std::nullopt;
  }
  return signingKeyFrom(first, source, tmp, error);
}

}  // namespace

std::optional<SigningKey> signingKeyFrom(const std::string& value, const std::string& source,
                                         const PrivateTempDir& tmp, std::string& error) {
  SigningKey key;
  key.source = source;
  if (std::optional<std::string> literal = literalKey(value)) {
    key.given = shortLiteral(*literal);
    key.literal = true;
    // One line `TYPE BASE64 [COMMENT]`: ssh-keygen checks the key itself.
    std::vector<std::string> words = splitBlanks(*literal);
    bool printable = literal->find_first_of(std::string("\n\r\0", 3)) == std::string::npos;
    if (words.size() < 2 || !printable) {
      error = "the public key `" + key.given + "` (" + source + ") is not `TYPE BASE64 [COMMENT]` on one line";
      return std::nullopt;
    }
    std::optional<std::string> file = tmp.write(tmp.newName(".pub"), *literal + "\n", error);
    if (!file) return std::nullopt;
    key.file = *file;
    return key;
  }
  key.given = value;
  std::optional<std::string> path = expandHome(value);
  if (!path) {
    error = "cannot expand `" + support::escapeControls(value) + "` (" + source + "): no such home folder";
    return std::nullopt;
  }
  struct stat st;
  if (::stat(path->c_str(), &st) != 0) {
    error = "the key `" + support::escapeControls(value) + "` (" + source + ") does not exist";
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "the key `" + support::escapeControls(value) + "` (" + source + ") is not a file";
    return std::nullopt;
  }
  key.file = *path;
  return key;
}

std::optional<SigningKey> findSigningKey(const KeySources& sources, const PrivateTempDir& tmp, std::string& error) {
  if (sources.flag) return signingKeyFrom(*sources.flag, "--key", tmp, error);
  if (sources.environment && !sources.environment->empty())
    return signingKeyFrom(*sources.environment, "MLOPS_SIGNING_KEY", tmp, error);
  if (!sources.gitRoot.empty()) {
    std::optional<std::string> git =
        sources.gitProgram.empty() ? findExecutable("git", std::getenv("PATH")) : std::optional(sources.gitProgram);
    if (git && gitConfig(*git, sources.gitRoot, "gpg.format") == "ssh") {
      if (std::optional<std::string> value = gitConfig(*git, sources.gitRoot, "user.signingkey"))
        return signingKeyFrom(*value, "git config user.signingkey", tmp, error);
      if (std::optional<std::string> command = gitConfig(*git, sources.gitRoot, "gpg.ssh.defaultKeyCommand"))
        return keyFromCommand(*command, tmp, error);
    }
  }
  error = kNoKey;
  return std::nullopt;
}

std::optional<std::string> keyFingerprint(const SshKeygen& keygen, const SigningKey& key, std::string& error) {
  KeygenResult r = keygen.run({"-l", "-E", "sha256", "-f", key.file}, "", SshKeygen::Mode::Verify,
                              kKeygenTimeoutSeconds);
  // `256 SHA256:Owtb… comment (ED25519)`
  std::vector<std::string> words = splitBlanks(r.out.substr(0, r.out.find('\n')));
  if (!r.succeeded() || words.size() < 2 || words[1].rfind("SHA256:", 0) != 0) {
    error = describeKeygenFailure(r, key.literal ? key.given : key.file);
    return std::nullopt;
  }
  return words[1];
}

}  // namespace mlops::runtime

// Shared by the signing tests: a private scratch folder, real ed25519 keys
// made there by the real ssh-keygen, and shell one-liners for the reference
// values (sha256sum, python3) the tests compare with.
#pragma once

#include "runtime/private_temp_dir.h"
#include "runtime/trust/ssh_keygen.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>

namespace mlops::testing {

// What `command` (run by /bin/sh) prints on stdout.
inline std::string shellOutput(const std::string& command) {
  std::string out;
  if (std::FILE* p = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
    ::pclose(p);
  }
  return out;
}

// Environment variables set (a nullptr value: unset) for one test and put
// back when it ends.
struct ScopedEnv {
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  ScopedEnv& set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
    return *this;
  }
  ~ScopedEnv() {
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }
};

// A scratch folder for trees of files (removed whole).
struct ScratchTree {
  llvm::SmallString<128> dir;
  explicit ScratchTree(const char* prefix) { REQUIRE(!llvm::sys::fs::createUniqueDirectory(prefix, dir)); }
  ~ScratchTree() { llvm::sys::fs::remove_directories(dir); }
  std::string root() const { return dir.str().str(); }
  std::string path(const std::string& name) const { return root() + "/" + name; }
};

struct KeyScratch {
  runtime::PrivateTempDir dir = make();
  runtime::SshKeygen keygen = locate();

  static runtime::PrivateTempDir make() {
    std::string error;
    std::optional<runtime::PrivateTempDir> d = runtime::PrivateTempDir::create(error);
    REQUIRE(d);
    return std::move(*d);
  }
  static runtime::SshKeygen locate() {
    std::string why;
    std::optional<runtime::SshKeygen> k = runtime::SshKeygen::locate(nullptr, "/usr/bin:/bin", why);
    REQUIRE(k);  // the signing tests need OpenSSH's ssh-keygen (openssh-client)
    return *k;
  }
  std::string path(const std::string& name) const { return dir.file(name); }
  // A new ed25519 key `name` (private) and `name`.pub, comment `comment`.
  std::string key(const std::string& name, const std::string& passphrase = "", const std::string& comment = "test") {
    runtime::KeygenResult r = keygen.run({"-q", "-t", "ed25519", "-N", passphrase, "-C", comment, "-f", path(name)}, "",
                                         runtime::SshKeygen::Mode::Verify, 30);
    REQUIRE(r.succeeded());
    return path(name);
  }
  // The public key line of `name` (TYPE BASE64 COMMENT).
  std::string publicKey(const std::string& name) const {
    std::string text = shellOutput("cat '" + path(name) + ".pub'");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    std::string error;
    std::optional<std::string> p = dir.write(name, text, error);
    REQUIRE(p);
    ::chmod(p->c_str(), mode);
    return *p;
  }
};

}  // namespace mlops::testing

// Shared by the signing tests: a private scratch folder, real ed25519 keys
// made there by the real ssh-keygen, and shell one-liners for the reference
// values (sha256sum, python3) the tests compare with.
#pragma once

#include "runtime/private_temp_dir.h"
#include "runtime/ssh_keygen.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <sys/stat.h>

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

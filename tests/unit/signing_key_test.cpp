// Which key signs an approval (runtime/trust/signing_key.h), found as git finds
// the key of an SSH-signed commit: --key, MLOPS_SIGNING_KEY, then git config
// (gpg.format=ssh: user.signingkey, else gpg.ssh.defaultKeyCommand), in
// git's forms (a file with `~`, `key::…`, a legacy `ssh-…` literal); and its
// SHA256 fingerprint as ssh-keygen prints it.
#include "runtime/trust/signing_key.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/stat.h>

using namespace mlops::runtime;
using mlops::testing::KeyScratch;
using mlops::testing::shellOutput;

namespace {

// HOME and git's configuration isolated in the scratch folder.
struct GitHome : mlops::testing::ScopedEnv {
  explicit GitHome(const std::string& home) {
    set("HOME", home.c_str()).set("XDG_CONFIG_HOME", nullptr).set("GIT_CONFIG_GLOBAL", nullptr);
    set("GIT_CONFIG_NOSYSTEM", "1");
  }
};

std::string fingerprintBy(const std::string& file) {
  std::string out = shellOutput("ssh-keygen -l -E sha256 -f '" + file + "'");
  size_t start = out.find(' ') + 1;
  return out.substr(start, out.find(' ', start) - start);
}

}  // namespace

TEST_CASE("--key comes before MLOPS_SIGNING_KEY, which comes before git", "[runtime][signing-key]") {
  KeyScratch s;
  std::string carol = s.key("carol"), dave = s.key("dave");
  std::string error;
  KeySources sources{carol, dave, s.dir.path(), ""};
  std::optional<SigningKey> k = findSigningKey(sources, s.dir, error);
  REQUIRE(k);
  CHECK(k->source == "--key");
  CHECK(k->file == carol);
  CHECK(!k->literal);
  sources.flag.reset();
  k = findSigningKey(sources, s.dir, error);
  REQUIRE(k);
  CHECK(k->source == "MLOPS_SIGNING_KEY");
  CHECK(k->file == dave);

  GitHome home(s.dir.path());
  sources.environment.reset();
  CHECK(!findSigningKey(sources, s.dir, error));  // not a git checkout
  CHECK(error ==
        "no signing key: give --key FILE, set MLOPS_SIGNING_KEY, or configure git (gpg.format=ssh, user.signingkey) — "
        "docs/cli.md#signing");
}

TEST_CASE("a key is a file (with ~), key::<public key> or a legacy ssh- literal", "[runtime][signing-key]") {
  KeyScratch s;
  GitHome home(s.dir.path());
  std::string carol = s.key("carol");
  std::string error;
  std::optional<SigningKey> k = signingKeyFrom("~/carol", "--key", s.dir, error);
  REQUIRE(k);
  CHECK(k->file == carol);
  CHECK(k->given == "~/carol");

  std::string line = s.publicKey("carol");
  k = signingKeyFrom("key::" + line, "--key", s.dir, error);
  REQUIRE(k);
  CHECK(k->literal);
  CHECK(shellOutput("cat '" + k->file + "'") == line + "\n");
  CHECK(k->given.rfind("ssh-ed25519 AAAAC3NzaC1", 0) == 0);
  std::optional<SigningKey> legacy = signingKeyFrom(line, "git config user.signingkey", s.dir, error);
  REQUIRE(legacy);
  CHECK(legacy->literal);
  CHECK(legacy->file != k->file);

  CHECK(!signingKeyFrom("key::ssh-ed25519", "--key", s.dir, error));
  CHECK(error == "the public key `ssh-ed25519` (--key) is not `TYPE BASE64 [COMMENT]` on one line");
  CHECK(!signingKeyFrom(s.path("absent"), "MLOPS_SIGNING_KEY", s.dir, error));
  CHECK(error == "the key `" + s.path("absent") + "` (MLOPS_SIGNING_KEY) does not exist");
  CHECK(!signingKeyFrom("/", "--key", s.dir, error));
  CHECK(error == "the key `/` (--key) is not a file");
  CHECK(!signingKeyFrom("~no-such-user-mlopsc/k", "--key", s.dir, error));
  CHECK(error == "cannot expand `~no-such-user-mlopsc/k` (--key): no such home folder");
}

TEST_CASE("git config names the key when gpg.format is ssh", "[runtime][signing-key]") {
  KeyScratch s;
  GitHome home(s.dir.path());
  std::string repo = s.dir.path();
  struct RemoveGit {  // the scratch folder removes plain files only
    std::string repo;
    ~RemoveGit() {
      int status = std::system(("rm -rf '" + repo + "/.git'").c_str());
      (void)status;
    }
  } removeGit{repo};
  REQUIRE(std::system(("git init -q '" + repo + "'").c_str()) == 0);
  auto git = [&](const std::string& args) { REQUIRE(std::system(("git -C '" + repo + "' " + args).c_str()) == 0); };
  std::string carol = s.key("carol");
  KeySources sources{std::nullopt, std::nullopt, repo, ""};
  std::string error;

  git("config user.signingkey ~/carol");
  CHECK(!findSigningKey(sources, s.dir, error));  // gpg.format is openpgp: git signs with gpg
  git("config gpg.format ssh");
  std::optional<SigningKey> k = findSigningKey(sources, s.dir, error);
  REQUIRE(k);
  CHECK(k->source == "git config user.signingkey");
  CHECK(k->file == carol);

  // Without user.signingkey: the first line of defaultKeyCommand, run without a shell.
  git("config --unset user.signingkey");
  std::string lines = s.write("agent-keys", "key::" + s.publicKey("carol") + "\nkey::ssh-ed25519 AAAAother\n");
  git("config gpg.ssh.defaultKeyCommand 'cat " + lines + "'");
  k = findSigningKey(sources, s.dir, error);
  REQUIRE(k);
  CHECK(k->source == "gpg.ssh.defaultKeyCommand");
  CHECK(k->literal);
  CHECK(shellOutput("cat '" + k->file + "'") == s.publicKey("carol") + "\n");

  git("config gpg.ssh.defaultKeyCommand 'echo no key; echo here'");  // `;` is no shell's: echo prints it
  CHECK(!findSigningKey(sources, s.dir, error));
  CHECK(error ==
        "git config gpg.ssh.defaultKeyCommand printed no key: its first line must be `key::<public key>` or start with "
        "`ssh-`");
  git("config gpg.ssh.defaultKeyCommand false");
  CHECK(!findSigningKey(sources, s.dir, error));
  CHECK(error == "git config gpg.ssh.defaultKeyCommand `false` failed");
  git("config gpg.ssh.defaultKeyCommand ./relative-tool");
  CHECK(!findSigningKey(sources, s.dir, error));
  CHECK(error.find("is not an executable on PATH (or an absolute path)") != std::string::npos);
}

TEST_CASE("a key's fingerprint is ssh-keygen's, without a passphrase prompt", "[runtime][signing-key]") {
  KeyScratch s;
  std::string error;
  std::string locked = s.key("locked", "a passphrase");
  std::optional<SigningKey> k = signingKeyFrom(locked, "--key", s.dir, error);
  REQUIRE(k);
  std::optional<std::string> fp = keyFingerprint(s.keygen, *k, error);
  REQUIRE(fp);
  CHECK(fp->rfind("SHA256:", 0) == 0);
  CHECK(*fp == fingerprintBy(locked + ".pub"));

  std::optional<SigningKey> literal = signingKeyFrom("key::" + s.publicKey("locked"), "--key", s.dir, error);
  REQUIRE(literal);
  CHECK(keyFingerprint(s.keygen, *literal, error) == fp);

  std::string garbage = s.write("garbage", "not a key\n");
  std::optional<SigningKey> bad = signingKeyFrom(garbage, "--key", s.dir, error);
  REQUIRE(bad);
  CHECK(!keyFingerprint(s.keygen, *bad, error));
  CHECK(error.rfind("cannot read the key `" + garbage + "`: ", 0) == 0);
}

// Which SSH key signs an approval, found as git finds the key for an
// SSH-signed commit, so people sign approvals with the key they already sign
// commits with. The first of:
//   1. `--key KEY`;
//   2. MLOPS_SIGNING_KEY;
//   3. git config (in the project's checkout), when gpg.format is `ssh`:
//      user.signingkey, else the first line printed by
//      gpg.ssh.defaultKeyCommand (split on blanks and run without a shell,
//      as git does; it must print a literal key).
// KEY takes git's forms: a file (`~/` and `~user/` expanded; a private key,
// or a public key whose private half is in ssh-agent), `key::<public key>`,
// or a public key literal starting with `ssh-` (git's deprecated form). A
// literal is written to a private temporary file and signed with `-U`
// (through ssh-agent), as git does.
#pragma once

#include "runtime/private_temp_dir.h"
#include "runtime/trust/ssh_keygen.h"

#include <optional>
#include <string>

namespace mlops::runtime {

struct KeySources {
  std::optional<std::string> flag;         // --key
  std::optional<std::string> environment;  // MLOPS_SIGNING_KEY
  std::string gitRoot;                     // where git config is read; empty: not at all
  std::string gitProgram;                  // absolute path of git; empty: found on PATH
};

struct SigningKey {
  std::string source;   // "--key", "MLOPS_SIGNING_KEY", "git config user.signingkey", "gpg.ssh.defaultKeyCommand"
  std::string given;    // the value as written there (a literal: its type and the start of its key)
  std::string file;     // what ssh-keygen's -f reads: the key file, or the temporary .pub of a literal
  bool literal = false; // `file` is a public key written from a literal: sign with -U (ssh-agent)
};

// The key of the first source that names one. Nullopt with `error` when
// none does ("no signing key: …", exit 2) or the key named is unusable (a
// file that does not exist, a folder, a malformed literal, a
// defaultKeyCommand that fails).
std::optional<SigningKey> findSigningKey(const KeySources& sources, const PrivateTempDir& tmp, std::string& error);

// The key as found in one value of user.signingkey's syntax; `source` names
// where the value came from for messages.
std::optional<SigningKey> signingKeyFrom(const std::string& value, const std::string& source,
                                         const PrivateTempDir& tmp, std::string& error);

// `SHA256:…` of the key's public half, from `ssh-keygen -l -E sha256 -f`
// (which reads a passphrase-protected private key without prompting).
std::optional<std::string> keyFingerprint(const SshKeygen& keygen, const SigningKey& key, std::string& error);

}  // namespace mlops::runtime

// The signers file: whose SSH key may sign approvals (`project { signers =
// file("allowed_signers") }`). It is an OpenSSH allowed_signers file (man
// ssh-keygen, ALLOWED SIGNERS), so `ssh-keygen -Y verify` and outsiders read
// it unchanged, but mlopsc accepts only a strict subset in which who a key
// belongs to is never ambiguous (docs/language.md, "The signers file"):
//   PRINCIPAL OPTIONS KEYTYPE BASE64 [COMMENT]
// - one plain, lowercase member address per line: ssh-keygen matches
//   principals as case-sensitive patterns, so `*@bank.example` would let
//   anyone at the bank sign and `Carol@` would never match `carol@`;
// - options `valid-after` (required), `valid-before`, `namespaces`, values
//   quoted (ssh-keygen silently skips a line with an unquoted value), times
//   in UTC (`…Z`; without it each machine reads its own time zone);
//   `valid-after` is required because verification uses the approval's time:
//   a key added later must not validate approvals signed before it;
// - plain keys of the accepted types, no certificates or `cert-authority`,
//   RSA of at least 2048 bits, no key listed twice (find-principals would
//   only ever see the first line).
// ssh-keygen skips a line it cannot read and carries on; this parser reports
// it by line and column instead. The compiler (E0307) and the runtime share
// it; the compiler also applies the member address rules to each principal.
#pragma once

#include "support/ssh_key.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::support {

inline constexpr size_t kMaxSignersLineBytes = 16 * 1024;
inline constexpr size_t kMaxSignersKeys = 10000;

struct SignerLine {
  unsigned line = 0;  // 1-based
  std::string principal;
  size_t principalCol = 0;  // 1-based byte column
  std::optional<int64_t> validAfter, validBefore;  // Unix seconds, UTC
  std::vector<std::string> namespaces;             // empty: any namespace
  SshPublicKey key;
  size_t keyCol = 0;  // of the key type
  std::string comment;

  // Whether the line lets its key sign in namespace `ns`.
  bool allows(std::string_view ns) const;
};

struct SignersFix {
  size_t offset = 0;  // bytes of the file replaced (length 0: an insertion)
  size_t length = 0;
  std::string text;
};

struct SignersProblem {
  unsigned line = 0, column = 0;  // 1-based; column in bytes
  size_t offset = 0;              // of the caret in the file
  size_t length = 0;              // of the offending token (0: a point)
  std::string message;            // lowercase, no period; hostile bytes escaped
  std::string note;               // may be empty
  std::optional<size_t> noteOffset;  // where the note points, when it points
  std::optional<SignersFix> fixIt;
};

struct SignersFile {
  std::string sha256;  // lowercase hex of the exact bytes
  std::vector<SignerLine> lines;  // the lines without problems, in file order

  std::vector<const SignerLine*> keysOf(std::string_view principal) const;
  // The line of the key with fingerprint `fp` (unique: a key listed twice is
  // a problem, and only its first line is kept).
  const SignerLine* byFingerprint(std::string_view fp) const;
};

// Parses `bytes`, appending one problem per bad line to `problems`. `now`
// (Unix seconds) dates the `valid-after` a fix-it inserts; -1: the clock.
SignersFile parseAllowedSigners(std::string_view bytes, std::vector<SignersProblem>& problems,
                                int64_t now = -1);

// A UTC time `YYYYMMDD[HHMM[SS]]Z` as Unix seconds, or nullopt.
std::optional<int64_t> parseSignersTime(std::string_view text);
// `YYYYMMDD[HHMMSS]Z` for `-Overify-time` and messages (seconds only when
// not midnight).
std::string formatSignersTime(int64_t seconds);

}  // namespace mlops::support

// Signing a statement (runtime/trust/approval_statement.h) and checking a
// signature, both by ssh-keygen in the namespace `mlops-approval` (SSHSIG:
// the namespace is inside what is signed, so a git commit or tag signature
// over the same bytes never passes for an approval).
//
// Verification is exactly one
//   ssh-keygen -Y verify -n mlops-approval -f SIGNERS -I PRINCIPAL -s SIG -Overify-time=YYYYMMDDHHMMSSZ
// with the payload on stdin, accepted iff it exits 0 and its stdout starts
// with `Good "mlops-approval" signature for PRINCIPAL with ` (git accepts
// `Good` alone; the principal and namespace in the line are checked too).
// The verify time is the statement's own time, so a key counts only inside
// its allowed_signers window (valid-after, valid-before) at the time the
// approval says it was made.
#pragma once

#include "runtime/private_temp_dir.h"
#include "runtime/trust/signing_key.h"
#include "runtime/trust/ssh_keygen.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

inline constexpr const char* kApprovalNamespace = "mlops-approval";
inline constexpr size_t kMaxSignatureBytes = 8 * 1024;

// `2026-12-07T01:09:45Z` → `20261207010945Z`, ssh-keygen's verify-time;
// nullopt when `time` is not a statement time.
std::optional<std::string> sshVerifyTime(std::string_view statementTime);

struct SignatureCheck {
  std::string payload;    // the statement bytes
  std::string signature;  // armored SSHSIG
  std::string principal;  // the statement's approver
  std::string time;       // the statement's time
};

struct KeygenVerdict {
  bool verified = false;
  // ssh-keygen could not give a verdict (missing, timed out, interrupted):
  // neither verified nor refused, "unchecked".
  bool unchecked = false;
  std::string reason;  // why not verified: ssh-keygen's first stderr line (escaped), or what failed
};

// ssh-keygen's answer read as a verdict for `principal`.
KeygenVerdict verdictOf(const KeygenResult& result, std::string_view principal);

// Checks each signature against the allowed_signers file `signersPath`
// (the exact bytes the caller parsed and digested, in `tmp`), up to
// `parallel` ssh-keygen at once; verdicts in the order of `checks`. A check
// whose payload, signature or time cannot be given to ssh-keygen is
// refused without a process.
std::vector<KeygenVerdict> verifySignatures(const SshKeygen& keygen, const PrivateTempDir& tmp,
                                            const std::string& signersPath, const std::vector<SignatureCheck>& checks,
                                            unsigned parallel);

// Signs `payload` with `key` (`-Y sign -n mlops-approval -f KEY [-U] FILE`,
// the payload in a file of `tmp`: ssh-keygen may read a passphrase from
// stdin). The armored signature, or nullopt with `error` for the user
// (describeKeygenFailure).
std::optional<std::string> signPayload(const SshKeygen& keygen, const PrivateTempDir& tmp, const SigningKey& key,
                                       std::string_view payload, std::string& error);

}  // namespace mlops::runtime

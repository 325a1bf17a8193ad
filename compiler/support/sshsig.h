// The armored SSH signature of `ssh-keygen -Y sign` (OpenSSH PROTOCOL.sshsig):
//   -----BEGIN SSH SIGNATURE-----  base64 lines  -----END SSH SIGNATURE-----
// around the blob `SSHSIG`, u32 version, string public key, string
// namespace, string reserved, string hash algorithm, string signature.
// Reading it names the key and the namespace without running ssh-keygen, so
// a signature made for git (`-n git`) or by an unknown key is refused with
// that reason; ssh-keygen still does the cryptographic check.
#pragma once

#include "support/ssh_key.h"

#include <optional>
#include <string>
#include <string_view>

namespace mlops::support {

struct SshSig {
  unsigned version = 0;   // 1
  std::string publicKey;  // the key's wire blob (ssh_key.h)
  std::string ns;         // "mlops-approval"
  std::string reserved;   // empty in every signature OpenSSH makes
  std::string hashAlg;    // "sha512" (ssh-keygen's default) or "sha256"
  std::string signature;  // string sig type, string sig bytes
};

// The signature `text` holds, or nullopt with `why`. Accepts LF or CRLF line
// ends and nothing but blank lines around the armor.
std::optional<SshSig> parseArmoredSshSig(std::string_view text, std::string& why);

}  // namespace mlops::support

// SSH public keys as allowed_signers lines and SSHSIG signatures carry them:
// the wire blob of RFC 4253 §6.6 (string type, then the type's fields),
// decoded without OpenSSH so that `check` can tell a bad key by line and
// column and the runtime can name the key of a signature before running
// ssh-keygen. Only the types a signer may use are accepted; DSA keys and
// certificates are refused (allowed_signers.h says why).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::support {

struct SshPublicKey {
  std::string type;         // "ssh-ed25519", the blob's own type string
  std::string blob;         // the decoded wire bytes
  std::string fingerprint;  // "SHA256:…", as `ssh-keygen -lf` prints it
  unsigned bits = 0;        // 256 for ed25519, the modulus size for RSA
};

// Whether `type` names a key type a signer may use.
bool isAcceptedKeyType(std::string_view type);

// The key `blob` holds, or nullopt with `why` ("the blob ends inside ...").
// Any RSA size decodes: how strong a key must be is the caller's rule.
std::optional<SshPublicKey> parsePublicKeyBlob(std::string_view blob, std::string& why);

// `SHA256:` followed by the unpadded base64 of the blob's SHA-256.
std::string sshFingerprint(std::string_view blob);

// Reads the big-endian length-prefixed fields of the SSH wire format.
class SshReader {
 public:
  explicit SshReader(std::string_view bytes) : rest_(bytes) {}
  std::optional<uint32_t> u32();
  std::optional<std::string_view> string();
  std::optional<std::string_view> bytes(size_t n);
  bool atEnd() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace mlops::support

// Base64 (RFC 4648, standard alphabet) as SSH public keys and signatures
// carry it. LLVM 14 only encodes, and SSH text is hostile input (a signers
// file from a pull request, a signature from a database row), so decoding is
// strict: no whitespace, no URL-safe alphabet, padding exactly as required,
// unused bits zero. Two spellings of one key would otherwise compare unequal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops::support {

struct Base64Error {
  size_t offset = 0;  // the first offending character of the text
  std::string why;    // "`%` is not a base64 character"
};

// The bytes `text` encodes, or nullopt with `error` set.
std::optional<std::string> decodeBase64(std::string_view text, Base64Error& error);

// `bytes` encoded; without the trailing `=` when `pad` is false (as the
// `SHA256:` fingerprints of ssh-keygen).
std::string encodeBase64(std::string_view bytes, bool pad = true);

}  // namespace mlops::support

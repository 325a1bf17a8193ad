#include "support/sshsig.h"

#include "support/base64.h"
#include "support/display_text.h"

namespace mlops::support {
namespace {

constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kEnd = "-----END SSH SIGNATURE-----";
constexpr std::string_view kMagic = "SSHSIG";
constexpr uint32_t kVersion = 1;

bool isBlank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

std::optional<SshSig> parseArmoredSshSig(std::string_view text, std::string& why) {
  enum class State { Before, Inside, After } state = State::Before;
  std::string body;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    switch (state) {
      case State::Before:
        if (line == kBegin) state = State::Inside;
        else if (!isBlank(line)) {
          why = "expected `" + std::string(kBegin) + "` at the start";
          return std::nullopt;
        }
        break;
      case State::Inside:
        if (line == kEnd) state = State::After;
        else body += line;
        break;
      case State::After:
        if (!isBlank(line)) {
          why = "text follows `" + std::string(kEnd) + "`";
          return std::nullopt;
        }
        break;
    }
  }
  if (state != State::After) {
    why = state == State::Before ? "no `" + std::string(kBegin) + "` line" : "no `" + std::string(kEnd) + "` line";
    return std::nullopt;
  }
  Base64Error bad;
  auto blob = decodeBase64(body, bad);
  if (!blob) {
    why = "the signature does not decode: " + bad.why;
    return std::nullopt;
  }
  SshReader r(*blob);
  auto magic = r.bytes(kMagic.size());
  if (!magic || *magic != kMagic) {
    why = "the blob does not start with `SSHSIG`";
    return std::nullopt;
  }
  SshSig sig;
  auto version = r.u32();
  if (!version || *version != kVersion) {
    why = version ? "signature version " + std::to_string(*version) + " is not known: expected 1"
                  : "the blob ends before its version";
    return std::nullopt;
  }
  sig.version = *version;
  std::string* fields[] = {&sig.publicKey, &sig.ns, &sig.reserved, &sig.hashAlg, &sig.signature};
  const char* names[] = {"the public key", "the namespace", "the reserved field", "the hash algorithm",
                         "the signature"};
  for (size_t i = 0; i < std::size(fields); ++i) {
    auto v = r.string();
    if (!v) {
      why = "the blob ends inside " + std::string(names[i]);
      return std::nullopt;
    }
    *fields[i] = std::string(*v);
  }
  if (!r.atEnd()) {
    why = "the blob has bytes after the signature";
    return std::nullopt;
  }
  if (sig.hashAlg != "sha512" && sig.hashAlg != "sha256") {
    why = "hash algorithm `" + escapeControls(sig.hashAlg) + "` is not known: expected `sha512` or `sha256`";
    return std::nullopt;
  }
  std::string keyWhy;
  if (!parsePublicKeyBlob(sig.publicKey, keyWhy)) {
    why = "the signing key is not usable: " + keyWhy;
    return std::nullopt;
  }
  return sig;
}

}  // namespace mlops::support

#include "support/ssh_key.h"

#include "support/base64.h"
#include "support/display_text.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/SHA256.h>

#include <array>

namespace mlops::support {
namespace {

struct EcdsaCurve {
  std::string_view type, curve;
  size_t coordinateBytes;
  unsigned bits;
};

constexpr std::array<EcdsaCurve, 4> kCurves{{
    {"ecdsa-sha2-nistp256", "nistp256", 32, 256},
    {"ecdsa-sha2-nistp384", "nistp384", 48, 384},
    {"ecdsa-sha2-nistp521", "nistp521", 66, 521},
    {"sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", 32, 256},
}};

const EcdsaCurve* curveOf(std::string_view type) {
  for (const auto& c : kCurves)
    if (c.type == type) return &c;
  return nullptr;
}

bool isSecurityKey(std::string_view type) { return type.substr(0, 3) == "sk-"; }

// Bits of the positive big-endian integer `mpint` (RFC 4251 §5), 0 when it
// is negative or zero.
unsigned magnitudeBits(std::string_view mpint) {
  if (mpint.empty() || (static_cast<unsigned char>(mpint[0]) & 0x80)) return 0;
  size_t i = 0;
  while (i < mpint.size() && mpint[i] == 0) ++i;
  if (i == mpint.size()) return 0;
  unsigned top = static_cast<unsigned char>(mpint[i]);
  unsigned bits = static_cast<unsigned>((mpint.size() - i - 1) * 8);
  while (top) {
    ++bits;
    top >>= 1;
  }
  return bits;
}

}  // namespace

std::optional<uint32_t> SshReader::u32() {
  if (rest_.size() < 4) return std::nullopt;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(rest_[i]);
  rest_.remove_prefix(4);
  return v;
}

std::optional<std::string_view> SshReader::bytes(size_t n) {
  if (rest_.size() < n) return std::nullopt;
  std::string_view out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return out;
}

std::optional<std::string_view> SshReader::string() {
  SshReader probe = *this;
  auto n = probe.u32();
  if (!n) return std::nullopt;
  auto out = probe.bytes(*n);
  if (out) *this = probe;
  return out;
}

bool isAcceptedKeyType(std::string_view type) {
  return type == "ssh-ed25519" || type == "ssh-rsa" || type == "sk-ssh-ed25519@openssh.com" || curveOf(type);
}

std::optional<SshPublicKey> parsePublicKeyBlob(std::string_view blob, std::string& why) {
  SshReader r(blob);
  auto type = r.string();
  if (!type) {
    why = "the blob ends before its key type";
    return std::nullopt;
  }
  SshPublicKey key;
  key.type = std::string(*type);
  auto field = [&](const char* what) {
    auto v = r.string();
    if (!v) why = "the blob ends inside " + std::string(what);
    return v;
  };
  if (key.type == "ssh-ed25519" || key.type == "sk-ssh-ed25519@openssh.com") {
    auto pk = field("the public key");
    if (!pk) return std::nullopt;
    if (pk->size() != 32) {
      why = "an ed25519 public key has 32 bytes, this one " + std::to_string(pk->size());
      return std::nullopt;
    }
    key.bits = 256;
  } else if (key.type == "ssh-rsa") {
    auto e = field("the RSA exponent");
    if (!e) return std::nullopt;
    auto n = field("the RSA modulus");
    if (!n) return std::nullopt;
    key.bits = magnitudeBits(*n);
    if (magnitudeBits(*e) == 0 || key.bits == 0) {
      why = "the RSA exponent or modulus is not a positive number";
      return std::nullopt;
    }
  } else if (const EcdsaCurve* c = curveOf(key.type)) {
    auto curve = field("the curve name");
    if (!curve) return std::nullopt;
    if (*curve != c->curve) {
      why = "the curve does not match the key type `" + escapeControls(key.type) + "`";
      return std::nullopt;
    }
    auto point = field("the public point");
    if (!point) return std::nullopt;
    if (point->size() != 1 + 2 * c->coordinateBytes || (*point)[0] != 4) {
      why = "the public point is not an uncompressed point of " + std::string(c->curve);
      return std::nullopt;
    }
    key.bits = c->bits;
  } else {
    why = "type `" + escapeControls(key.type) + "` is not a signing key type mlopsc accepts";
    return std::nullopt;
  }
  if (isSecurityKey(key.type) && !field("the security key application")) return std::nullopt;
  if (!r.atEnd()) {
    why = "the blob has bytes after the key";
    return std::nullopt;
  }
  key.blob = std::string(blob);
  key.fingerprint = sshFingerprint(blob);
  return key;
}

std::string sshFingerprint(std::string_view blob) {
  auto digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(blob.data()), blob.size()));
  return "SHA256:" + encodeBase64(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()),
                                  /*pad=*/false);
}

}  // namespace mlops::support

#include "runtime/secret_masker.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace mlops::runtime {
namespace {

constexpr size_t kShortest = 4;  // shorter values are not masked
const char kMask[] = "***";

std::string base64(std::string_view bytes, bool urlSafe) {
  const char* alphabet = urlSafe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                 : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    size_t chars = std::min<size_t>(4, (bytes.size() - i) * 4 / 3 + ((bytes.size() - i) % 3 != 0));
    for (size_t k = 0; k < chars; ++k) out += alphabet[(n >> (18 - 6 * k)) & 0x3F];
  }
  return out;  // no `=` padding, which URL-safe encodings often leave out
}

std::string percentEncoded(std::string_view bytes) {
  const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> SecretMasker::forms(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() < kShortest) return out;
  for (std::string form : {value, base64(value, false), base64(value, true), percentEncoded(value)})
    if (std::find(out.begin(), out.end(), form) == out.end()) out.push_back(std::move(form));
  return out;
}

SecretMasker::SecretMasker(const std::vector<std::string>& values) {
  for (const std::string& v : values)
    for (std::string& form : forms(v))
      if (std::find(patterns_.begin(), patterns_.end(), form) == patterns_.end()) patterns_.push_back(std::move(form));
  for (const std::string& p : patterns_) longest_ = std::max(longest_, p.size());
}

std::string SecretMasker::feed(std::string_view chunk) {
  if (!active()) return std::string(chunk);
  held_.append(chunk);
  return drain(false);
}

std::string SecretMasker::finish() { return drain(true); }

// The length of the longest end of `text` that is a proper beginning of a
// pattern: it may be a value whose rest has not arrived yet.
size_t SecretMasker::heldSuffix(std::string_view text) const {
  for (size_t h = std::min(text.size(), longest_ - 1); h > 0; --h) {
    std::string_view tail = text.substr(text.size() - h);
    for (const std::string& p : patterns_)
      if (p.size() > h && std::string_view(p).substr(0, h) == tail) return h;
  }
  return 0;
}

std::string SecretMasker::drain(bool final) {
  std::string_view text = held_;
  std::string out;
  size_t pos = 0;
  // Matches starting in the held-back tail wait: a longer value may begin
  // there.
  size_t keepFrom = final ? text.size() : text.size() - heldSuffix(text);
  // Each pattern's next occurrence, searched again only once passed: a
  // text full of one value costs one scan per pattern, not one per match.
  std::vector<size_t> next(patterns_.size());
  for (size_t k = 0; k < patterns_.size(); ++k) next[k] = text.find(patterns_[k]);
  for (;;) {
    size_t at = std::string_view::npos, length = 0;
    for (size_t k = 0; k < patterns_.size(); ++k) {
      if (next[k] != std::string_view::npos && next[k] < pos) next[k] = text.find(patterns_[k], pos);
      size_t found = next[k];
      if (found < at || (found == at && found != std::string_view::npos && patterns_[k].size() > length)) {
        at = found;
        length = patterns_[k].size();
      }
    }
    if (at == std::string_view::npos || at >= keepFrom) break;
    out.append(text.substr(pos, at - pos));
    out += kMask;
    pos = at + length;
    if (!final && pos > keepFrom) keepFrom = text.size() - heldSuffix(text.substr(pos));
  }
  keepFrom = std::max(keepFrom, pos);
  out.append(text.substr(pos, keepFrom - pos));
  held_.erase(0, keepFrom);
  return out;
}

}  // namespace mlops::runtime

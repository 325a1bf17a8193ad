#include "support/display_text.h"

#include <cstdint>

namespace mlops::support {
namespace {

// The code point of the UTF-8 sequence at `s[at]` and its length; length 0
// when the bytes there are not valid UTF-8 (overlong forms, surrogates and
// values past U+10FFFF included).
std::pair<char32_t, size_t> decode(std::string_view s, size_t at) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t b = byte(at);
  size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || at + len > s.size()) return {0, 0};
  if (len == 1) return {b, 1};
  char32_t c = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) return {0, 0};
    c = (c << 6) | (byte(at + k) & 0x3F);
  }
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMinimum[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return {0, 0};
  return {c, len};
}

const char kHex[] = "0123456789abcdef";

void appendByteEscape(std::string& out, uint8_t b) {
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 0xF];
}

void appendCodePointEscape(std::string& out, char32_t c) {
  out += "\\u{";
  bool started = false;
  for (int shift = 20; shift >= 0; shift -= 4) {
    unsigned digit = (c >> shift) & 0xF;
    if (digit == 0 && !started && shift > 0) continue;
    started = true;
    out += kHex[digit];
  }
  out += '}';
}

}  // namespace

bool isEscapedCodePoint(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

std::string escapeControls(std::string_view text, Lines lines) {
  // Most text is printable ASCII: returned as it is without decoding.
  size_t first = 0;
  while (first < text.size()) {
    auto b = static_cast<uint8_t>(text[first]);
    if (b < 0x20 || b >= 0x7F) break;
    ++first;
  }
  std::string out(text.substr(0, first));
  for (size_t at = first; at < text.size();) {
    auto [c, len] = decode(text, at);
    if (len == 0) {
      appendByteEscape(out, static_cast<uint8_t>(text[at]));
      ++at;
      continue;
    }
    bool kept = !isEscapedCodePoint(c) || (lines == Lines::Multi && (c == '\t' || c == '\n'));
    if (kept) out.append(text.substr(at, len));
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x80) appendByteEscape(out, static_cast<uint8_t>(c));
    else appendCodePointEscape(out, c);
    at += len;
  }
  return out;
}

}  // namespace mlops::support

#include "support/base64.h"

#include <cstdint>

namespace mlops::support {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int valueOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string describe(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("`") + c + "`";
  static constexpr char hex[] = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text, Base64Error& error) {
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  const size_t body = text.size() - padding;
  for (size_t i = 0; i < body; ++i)
    if (valueOf(text[i]) < 0) {
      error = {i, describe(text[i]) + " is not a base64 character"};
      return std::nullopt;
    }
  if (text.size() % 4 != 0) {
    error = {text.size(), "the text is cut short: base64 comes in groups of 4 characters"};
    return std::nullopt;
  }
  std::string out;
  out.reserve(body / 4 * 3 + 2);
  uint32_t acc = 0;
  for (size_t i = 0; i < body; ++i) {
    acc = (acc << 6) | static_cast<uint32_t>(valueOf(text[i]));
    if (i % 4 == 3) {
      out.push_back(static_cast<char>(acc >> 16));
      out.push_back(static_cast<char>(acc >> 8));
      out.push_back(static_cast<char>(acc));
      acc = 0;
    }
  }
  // The last group: 3 characters hold 2 bytes (+2 spare bits), 2 hold 1 (+4).
  const size_t rest = body % 4;
  const unsigned spareBits = rest == 3 ? 2 : 4;
  if (rest != 0) {
    if ((acc & ((1u << spareBits) - 1)) != 0) {
      error = {body - 1, "the last character before the padding has bits that encode nothing"};
      return std::nullopt;
    }
    acc >>= spareBits;
    if (rest == 3) out.push_back(static_cast<char>(acc >> 8));
    out.push_back(static_cast<char>(acc));
  }
  return out;
}

std::string encodeBase64(std::string_view bytes, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (size_t rest = bytes.size() - i) {
    uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 2 ? "=" : "==");
  }
  return out;
}

}  // namespace mlops::support

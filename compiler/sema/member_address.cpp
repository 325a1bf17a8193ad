#include "sema/member_address.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

#include <cctype>

namespace mlops::sema {
namespace {

// The code point at `offset` (a lead byte >= 0x80) and its length in bytes;
// 0xFFFD for a malformed sequence (the loader has refused invalid UTF-8, so
// only a `--as` argument can hold one).
std::pair<uint32_t, size_t> codePointAt(llvm::StringRef text, size_t offset) {
  const auto* begin = reinterpret_cast<const llvm::UTF8*>(text.data() + offset);
  const auto* end = reinterpret_cast<const llvm::UTF8*>(text.data() + text.size());
  size_t length = static_cast<size_t>(llvm::getNumBytesForUTF8(*begin));
  llvm::UTF32 cp = 0;
  const llvm::UTF8* cursor = begin;
  if (length == 0 || offset + length > text.size() ||
      llvm::convertUTF8Sequence(&cursor, end, &cp, llvm::strictConversion) != llvm::conversionOK)
    return {0xFFFD, 1};
  return {cp, length};
}

std::string codePointName(uint32_t cp) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "U+" << llvm::format_hex_no_prefix(cp, 4, /*Upper=*/true);
  return os.str();
}

bool localChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || llvm::StringRef("!#$%&'*+/=?^_`{|}~-.").contains(c);
}

bool domainChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }

}  // namespace

std::optional<AddressProblem> checkMemberAddress(llvm::StringRef a) {
  if (a.empty()) return AddressProblem{0, 0, "it is empty"};
  // Characters that are never part of an address, first: they are what
  // makes a look-alike, so the message names them and where they are.
  for (size_t i = 0; i < a.size();) {
    unsigned char c = static_cast<unsigned char>(a[i]);
    if (c >= 0x80) {
      auto [cp, length] = codePointAt(a, i);
      return AddressProblem{i, length,
                            "it holds " + codePointName(cp) +
                                ", a non-ASCII character: member addresses are ASCII, so that a look-alike letter of "
                                "another script cannot pass for another person's address"};
    }
    if (c < 0x20 || c == 0x7F)
      return AddressProblem{i, 1, "it holds the control character " + codePointName(c) +
                                      (c == '\t' ? " (a tab)" : "")};
    if (c == ' ')
      return AddressProblem{i, 1, i == 0 ? "it has a leading space"
                                  : i + 1 == a.size() ? "it has a trailing space"
                                                      : "it holds a space"};
    ++i;
  }
  size_t at = a.find('@');
  if (at == llvm::StringRef::npos) return AddressProblem{0, 0, "it is not an e-mail address: expected NAME@DOMAIN"};
  if (a.find('@', at + 1) != llvm::StringRef::npos)
    return AddressProblem{a.find('@', at + 1), 1, "it holds a second `@`: expected NAME@DOMAIN"};
  llvm::StringRef local = a.take_front(at);
  llvm::StringRef domain = a.drop_front(at + 1);
  if (local.empty()) return AddressProblem{0, 0, "the name before `@` is empty"};
  for (size_t i = 0; i < local.size(); ++i)
    if (!localChar(local[i])) return AddressProblem{i, 1, "`" + std::string(1, local[i]) + "` is not allowed before `@`"};
  if (local.front() == '.' || local.back() == '.' || local.contains(".."))
    return AddressProblem{0, at, "the name before `@` starts or ends with a dot, or holds two dots in a row"};
  if (domain.empty()) return AddressProblem{at, 1, "the domain after `@` is empty"};
  for (size_t i = 0; i < domain.size(); ++i)
    if (!domainChar(domain[i]))
      return AddressProblem{at + 1 + i, 1, "`" + std::string(1, domain[i]) + "` is not allowed in a domain"};
  if (domain.back() == '.') return AddressProblem{a.size() - 1, 1, "the domain ends with a dot"};
  llvm::SmallVector<llvm::StringRef, 4> labels;
  domain.split(labels, '.');
  size_t offset = at + 1;
  for (llvm::StringRef label : labels) {
    if (label.empty()) return AddressProblem{offset, 1, "the domain holds two dots in a row or starts with one"};
    if (label.front() == '-' || label.back() == '-')
      return AddressProblem{offset, label.size(), "a domain label starts or ends with `-`"};
    offset += label.size() + 1;
  }
  return std::nullopt;
}

std::string normalizedAddress(llvm::StringRef address) { return address.lower(); }

std::string addressSkeleton(llvm::StringRef address) {
  size_t at = address.rfind('@');
  llvm::StringRef local = at == llvm::StringRef::npos ? address : address.take_front(at);
  llvm::StringRef domain = at == llvm::StringRef::npos ? llvm::StringRef() : address.drop_front(at);
  local = local.take_until([](char c) { return c == '+'; });
  std::string mapped;
  for (char c : local.str() + domain.str()) {
    if (c == '1' || c == 'I' || c == '|') c = 'l';
    else if (c == '0') c = 'o';
    mapped += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string out;
  for (size_t i = 0; i < mapped.size(); ++i) {
    if (i + 1 < mapped.size() && mapped[i] == 'r' && mapped[i + 1] == 'n') {
      out += 'm';
      ++i;
    } else if (i + 1 < mapped.size() && mapped[i] == 'v' && mapped[i + 1] == 'v') {
      out += 'w';
      ++i;
    } else {
      out += mapped[i];
    }
  }
  return out;
}

std::string printableAddress(llvm::StringRef text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x21 && c < 0x7F && c != '`') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    auto [cp, length] = c >= 0x80 ? codePointAt(text, i) : std::pair<uint32_t, size_t>{c, 1};
    std::string hex;
    llvm::raw_string_ostream os(hex);
    os << llvm::format_hex_no_prefix(cp, 1, /*Upper=*/true);
    out += "\\u{" + os.str() + "}";
    i += length;
  }
  return out;
}

}  // namespace mlops::sema

#include "ir/metric_path.h"

#include <llvm/ADT/StringExtras.h>

namespace mlops::ir {
namespace {

bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_')) return false;
  for (char c : s)
    if (!(llvm::isAlnum(c) || c == '_')) return false;
  return true;
}

// `"key"` as a .mlops string literal.
std::string quoted(llvm::StringRef s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\u{" + llvm::utohexstr(c) + "}";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

template <typename Segments>
std::string text(const Segments& segments) {
  std::string out;
  for (size_t i = 0; i < segments.size(); ++i) {
    llvm::StringRef s = segments[i];
    if (i == 0) out += s.str();
    else if (isIdentifier(s)) out += "." + s.str();
    else out += "[" + quoted(s) + "]";
  }
  return out;
}

}  // namespace

std::string keyPathText(llvm::ArrayRef<std::string> segments) { return text(segments); }
std::string keyPathText(llvm::ArrayRef<llvm::StringRef> segments) { return text(segments); }

const nlohmann::ordered_json* valueAtKeys(const nlohmann::ordered_json& document,
                                          llvm::ArrayRef<std::string> keys) {
  const nlohmann::ordered_json* at = &document;
  for (const std::string& key : keys) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

}  // namespace mlops::ir

#include "lsp/uri.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>

namespace mlops::lsp {

std::string pathToUri(const std::string& path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += llvm::hexdigit(c >> 4, /*LowerCase=*/false);
      out += llvm::hexdigit(c & 15, false);
    }
  }
  return out;
}

std::string uriToPath(const std::string& uri) {
  llvm::StringRef rest(uri);
  if (!rest.consume_front("file://")) return uri;
  // file://host/path: only local files (empty host or localhost).
  if (!rest.startswith("/")) {
    size_t slash = rest.find('/');
    rest = slash == llvm::StringRef::npos ? llvm::StringRef() : rest.drop_front(slash);
  }
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size()) {
      unsigned hi = llvm::hexDigitValue(rest[i + 1]), lo = llvm::hexDigitValue(rest[i + 2]);
      if (hi != ~0u && lo != ~0u) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += rest[i];
  }
  return out;
}

}  // namespace mlops::lsp

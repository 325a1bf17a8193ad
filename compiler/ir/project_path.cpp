#include "ir/project_path.h"

#include <llvm/ADT/SmallVector.h>

namespace mlops::ir {

std::optional<std::string> normaliseProjectPath(llvm::StringRef path, std::string& why) {
  if (path.startswith("/")) {
    why = "absolute paths are refused: write it relative to the project folder";
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::SmallVector<llvm::StringRef, 8> pieces;
  path.split(pieces, '/');
  for (llvm::StringRef piece : pieces) {
    if (piece.empty() || piece == ".") continue;
    if (piece == "..") {
      if (parts.empty()) {
        why = "`..` climbs out of the project folder";
        return std::nullopt;
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(piece);
  }
  if (parts.empty()) {
    why = "it names the project folder itself";
    return std::nullopt;
  }
  std::string out;
  for (llvm::StringRef p : parts) {
    if (!out.empty()) out += '/';
    out += p.str();
  }
  return out;
}

bool insideProjectPath(llvm::StringRef inner, llvm::StringRef outer) {
  return inner.size() > outer.size() && inner.startswith(outer) && inner[outer.size()] == '/';
}

}  // namespace mlops::ir

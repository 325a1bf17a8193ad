// Byte offsets <-> LSP positions (line, character) in one text. LSP counts
// characters in UTF-16 code units unless the client agreed to UTF-8.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace mlops::lsp {

enum class Encoding { Utf16, Utf8 };

struct Position {
  int line = 0;
  int character = 0;
};

class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(llvm::StringRef text);

  // The offset of a position; positions past a line's end or the text's
  // end are clamped (as the protocol asks).
  size_t offset(Position p, Encoding encoding) const;
  Position position(size_t offset, Encoding encoding) const;
  size_t lineCount() const { return starts_.size(); }

 private:
  llvm::StringRef text_;
  std::vector<size_t> starts_;
};

}  // namespace mlops::lsp

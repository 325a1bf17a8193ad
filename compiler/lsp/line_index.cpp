#include "lsp/line_index.h"

#include "syntax/lexer.h"

#include <algorithm>

namespace mlops::lsp {

LineIndex::LineIndex(llvm::StringRef text) : text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

size_t LineIndex::offset(Position p, Encoding encoding) const {
  if (p.line < 0) return 0;
  if (static_cast<size_t>(p.line) >= starts_.size()) return text_.size();
  size_t begin = starts_[static_cast<size_t>(p.line)];
  size_t end = static_cast<size_t>(p.line) + 1 < starts_.size() ? starts_[static_cast<size_t>(p.line) + 1] - 1
                                                                 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  size_t at = begin;
  long units = 0;
  while (at < end && units < p.character) {
    unsigned len = syntax::utf8SequenceLength(static_cast<unsigned char>(text_[at]));
    if (at + len > end) len = static_cast<unsigned>(end - at);
    long width = encoding == Encoding::Utf8 ? len : (len == 4 ? 2 : 1);
    if (units + width > p.character) break;  // inside a surrogate pair: stay before it
    units += width;
    at += len;
  }
  return at;
}

Position LineIndex::position(size_t offset, Encoding encoding) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t line = static_cast<size_t>(it - starts_.begin()) - 1;
  size_t at = starts_[line];
  int units = 0;
  while (at < offset) {
    unsigned len = syntax::utf8SequenceLength(static_cast<unsigned char>(text_[at]));
    units += encoding == Encoding::Utf8 ? static_cast<int>(len) : (len == 4 ? 2 : 1);
    at += len;
  }
  return {static_cast<int>(line), units};
}

}  // namespace mlops::lsp

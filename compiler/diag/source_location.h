// Turns SMLoc/SMRange into file, line and column for renderers.
// Lines and columns are 1-based; a column counts Unicode code points (a tab
// is one column, a CR before LF is not part of the line). End positions are
// exclusive, as in SARIF regions.
#pragma once

#include <llvm/Support/SourceMgr.h>

#include <string>
#include <vector>

namespace mlops::diag {

struct Position {
  unsigned line = 0;
  unsigned column = 0;
  size_t offset = 0;  // byte offset in the file
};

struct ResolvedRange {
  bool valid = false;  // false: no position, only `file` (may be empty)
  std::string file;
  Position start;
  Position end;
};

Position resolvePosition(const llvm::SourceMgr& sources, llvm::SMLoc loc);
ResolvedRange resolveRange(const llvm::SourceMgr& sources, llvm::SMRange range,
                           const std::string& fallbackFile = {});

// Resolves many locations fast: a line table per buffer (built on first
// use) and a memo of the last column, so diagnostics sorted by position cost
// O(file + distance) in total, not O(line length) each. Renderers use it.
class SourceLocator {
 public:
  explicit SourceLocator(const llvm::SourceMgr& sources) : sources_(sources) {}
  Position position(llvm::SMLoc loc);
  ResolvedRange range(llvm::SMRange range, const std::string& fallbackFile = {});
  // The line containing `loc` without its line ending; `lineStart` is set to
  // its first byte (null when `loc` is not in a buffer).
  llvm::StringRef line(llvm::SMLoc loc, const char** lineStart);

 private:
  unsigned bufferOf(llvm::SMLoc loc) const;
  const std::vector<uint32_t>& lineStarts(unsigned buffer);

  const llvm::SourceMgr& sources_;
  std::vector<std::vector<uint32_t>> lines_;  // per buffer id; empty until built
  // Memo: the last position resolved.
  unsigned memoBuffer_ = 0;
  size_t memoLineStart_ = 0, memoOffset_ = 0;
  unsigned memoLine_ = 0, memoColumn_ = 0;
};

}  // namespace mlops::diag

// Turns SMLoc/SMRange into file, line and column for renderers.
// Lines and columns are 1-based; a column counts Unicode code points (a tab
// is one column, a CR before LF is not part of the line). End positions are
// exclusive, as in SARIF regions.
#pragma once

#include <llvm/Support/SourceMgr.h>

#include <string>

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

}  // namespace mlops::diag

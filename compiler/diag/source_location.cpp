#include "diag/source_location.h"

namespace mlops::diag {

Position resolvePosition(const llvm::SourceMgr& sources, llvm::SMLoc loc) {
  unsigned id = sources.FindBufferContainingLoc(loc);
  if (id == 0) {
    // SourceMgr locations may point one past the end of a buffer (EOF).
    for (unsigned i = 1; i <= sources.getNumBuffers(); ++i) {
      const llvm::MemoryBuffer* buf = sources.getMemoryBuffer(i);
      if (loc.getPointer() == buf->getBufferEnd()) { id = i; break; }
    }
    if (id == 0) return {};
  }
  const llvm::MemoryBuffer* buf = sources.getMemoryBuffer(id);
  const char* begin = buf->getBufferStart();
  const char* p = loc.getPointer();
  unsigned line = sources.FindLineNumber(loc, id);
  const char* lineStart = p;
  while (lineStart > begin && lineStart[-1] != '\n') --lineStart;
  // A byte order mark is not a column.
  if (lineStart == begin && llvm::StringRef(begin, buf->getBufferSize()).startswith("\xEF\xBB\xBF") && p >= begin + 3)
    lineStart = begin + 3;
  unsigned column = 1;
  for (const char* q = lineStart; q < p; ++q)
    if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) ++column;
  return {line, column, static_cast<size_t>(p - begin)};
}

ResolvedRange resolveRange(const llvm::SourceMgr& sources, llvm::SMRange range,
                           const std::string& fallbackFile) {
  ResolvedRange out;
  out.file = fallbackFile;
  if (!range.Start.isValid()) return out;
  unsigned id = sources.FindBufferContainingLoc(range.Start);
  if (id == 0) {
    for (unsigned i = 1; i <= sources.getNumBuffers(); ++i)
      if (range.Start.getPointer() == sources.getMemoryBuffer(i)->getBufferEnd()) id = i;
    if (id == 0) return out;
  }
  out.file = sources.getMemoryBuffer(id)->getBufferIdentifier().str();
  out.start = resolvePosition(sources, range.Start);
  out.end = range.End.isValid() ? resolvePosition(sources, range.End) : out.start;
  if (out.end.line == 0) out.end = out.start;
  out.valid = out.start.line != 0;
  return out;
}

}  // namespace mlops::diag

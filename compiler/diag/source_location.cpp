#include "diag/source_location.h"

#include <algorithm>

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

unsigned SourceLocator::bufferOf(llvm::SMLoc loc) const {
  unsigned id = sources_.FindBufferContainingLoc(loc);
  if (id) return id;
  for (unsigned i = 1; i <= sources_.getNumBuffers(); ++i)
    if (loc.getPointer() == sources_.getMemoryBuffer(i)->getBufferEnd()) return i;
  return 0;
}

const std::vector<uint32_t>& SourceLocator::lineStarts(unsigned buffer) {
  if (lines_.size() <= buffer) lines_.resize(buffer + 1);
  std::vector<uint32_t>& starts = lines_[buffer];
  if (starts.empty()) {
    llvm::StringRef text = sources_.getMemoryBuffer(buffer)->getBuffer();
    starts.push_back(0);
    for (size_t i = text.find('\n'); i != llvm::StringRef::npos; i = text.find('\n', i + 1))
      starts.push_back(static_cast<uint32_t>(i + 1));
  }
  return starts;
}

Position SourceLocator::position(llvm::SMLoc loc) {
  unsigned buffer = loc.isValid() ? bufferOf(loc) : 0;
  if (!buffer) return {};
  const llvm::MemoryBuffer* buf = sources_.getMemoryBuffer(buffer);
  size_t offset = static_cast<size_t>(loc.getPointer() - buf->getBufferStart());
  const std::vector<uint32_t>& starts = lineStarts(buffer);
  auto it = std::upper_bound(starts.begin(), starts.end(), static_cast<uint32_t>(offset));
  unsigned line = static_cast<unsigned>(it - starts.begin());
  size_t lineStart = starts[line - 1];
  if (line == 1 && buf->getBuffer().startswith("\xEF\xBB\xBF") && offset >= 3) lineStart = 3;
  size_t from = lineStart;
  unsigned column = 1;
  if (memoBuffer_ == buffer && memoLineStart_ == lineStart && memoOffset_ <= offset) {
    from = memoOffset_;
    column = memoColumn_;
  }
  const char* text = buf->getBufferStart();
  for (size_t i = from; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  memoBuffer_ = buffer;
  memoLineStart_ = lineStart;
  memoOffset_ = offset;
  memoLine_ = line;
  memoColumn_ = column;
  return {line, column, offset};
}

llvm::StringRef SourceLocator::line(llvm::SMLoc loc, const char** lineStart) {
  *lineStart = nullptr;
  unsigned buffer = loc.isValid() ? bufferOf(loc) : 0;
  if (!buffer) return {};
  const llvm::MemoryBuffer* buf = sources_.getMemoryBuffer(buffer);
  const char* text = buf->getBufferStart();
  size_t offset = static_cast<size_t>(loc.getPointer() - text);
  const std::vector<uint32_t>& starts = lineStarts(buffer);
  auto it = std::upper_bound(starts.begin(), starts.end(), static_cast<uint32_t>(offset));
  size_t begin = *(it - 1);
  size_t end = it == starts.end() ? buf->getBufferSize() : *it - 1;  // drop '\n'
  if (end > begin && text[end - 1] == '\r') --end;
  *lineStart = text + begin;
  return llvm::StringRef(text + begin, end - begin);
}

ResolvedRange SourceLocator::range(llvm::SMRange range, const std::string& fallbackFile) {
  ResolvedRange out;
  out.file = fallbackFile;
  if (!range.Start.isValid()) return out;
  unsigned buffer = bufferOf(range.Start);
  if (!buffer) return out;
  out.file = sources_.getMemoryBuffer(buffer)->getBufferIdentifier().str();
  out.start = position(range.Start);
  out.end = range.End.isValid() ? position(range.End) : out.start;
  if (out.end.line == 0) out.end = out.start;
  out.valid = out.start.line != 0;
  return out;
}

}  // namespace mlops::diag

#include "syntax/source_loader.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <cstring>

namespace mlops::syntax {

size_t findInvalidUtf8(llvm::StringRef text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n) {
      uint64_t chunk;
      std::memcpy(&chunk, s + i, 8);
      if ((chunk & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c < 0x80) { ++i; continue; }
    unsigned len;
    uint32_t min;
    if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    uint32_t cp = c & (0x7F >> len);
    for (unsigned k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return llvm::StringRef::npos;
}

namespace {

LoadResult validateAndAdd(llvm::SourceMgr& sources, diag::DiagnosticEngine& diags,
                          std::unique_ptr<llvm::MemoryBuffer> buffer) {
  llvm::StringRef text = buffer->getBuffer();
  size_t bad = findInvalidUtf8(text);
  unsigned id = sources.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (bad != llvm::StringRef::npos) {
    text = sources.getMemoryBuffer(id)->getBuffer();
    std::string hex;
    llvm::raw_string_ostream(hex) << llvm::format_hex_no_prefix(static_cast<unsigned char>(text[bad]), 2, true);
    llvm::SMLoc at = llvm::SMLoc::getFromPointer(text.data() + bad);
    diags.report(llvm::SMRange(at, llvm::SMLoc::getFromPointer(text.data() + bad + 1)),
                 diag::kinds::FileNotUtf8, hex, static_cast<uint64_t>(bad))
        .note("mlopsc reads source files as UTF-8; re-encode the file (e.g. iconv -t UTF-8)");
    return {0, LoadError::Invalid};
  }
  return {id, LoadError::None};
}

}  // namespace

LoadResult loadSourceFile(llvm::SourceMgr& sources, diag::DiagnosticEngine& diags,
                          llvm::StringRef path, uint64_t maxBytes, llvm::StringRef displayName) {
  uint64_t expected = 0;  // the size of a regular file
  if (path != "-") {
    llvm::sys::fs::file_status status;
    if (std::error_code ec = llvm::sys::fs::status(path, status)) {
      diags.reportFile(path, diag::kinds::FileUnreadable, path, ec.message());
      return {0, LoadError::Io};
    }
    if (llvm::sys::fs::is_directory(status)) {
      diags.reportFile(path, diag::kinds::FileUnreadable, path, "it is a directory, expected a .mlops file");
      return {0, LoadError::Io};
    }
    if (llvm::sys::fs::is_regular_file(status) && status.getSize() > maxBytes) {
      diags.reportFile(path, diag::kinds::FileTooLarge, status.getSize(), maxBytes);
      return {0, LoadError::Invalid};
    }
    if (llvm::sys::fs::is_regular_file(status)) expected = status.getSize();
  }
  // Read at most maxBytes + 1 so pipes and special files cannot exceed the limit.
  llvm::Expected<llvm::sys::fs::file_t> fd =
      path == "-" ? llvm::Expected<llvm::sys::fs::file_t>(llvm::sys::fs::getStdinHandle())
                  : llvm::sys::fs::openNativeFileForRead(path);
  if (!fd) {
    std::string message = llvm::toString(fd.takeError());
    diags.reportFile(path, diag::kinds::FileUnreadable, path, message);
    return {0, LoadError::Io};
  }
  llvm::SmallString<0> data;
  std::error_code readError;
  // Chunks of the file's size (at least 4 KiB, at most 64 KiB): a small file
  // (the stdlib, loaded by every compilation) takes two small buffers, not
  // 64 KiB and then 128 KiB.
  const size_t chunk = static_cast<size_t>(std::clamp<uint64_t>(expected + 1, 1 << 12, 1 << 16));
  while (true) {
    size_t old = data.size();
    data.resize_for_overwrite(old + chunk);
    llvm::Expected<size_t> got =
        llvm::sys::fs::readNativeFile(*fd, llvm::makeMutableArrayRef(data.data() + old, chunk));
    if (!got) {
      readError = llvm::errorToErrorCode(got.takeError());
      data.truncate(old);
      break;
    }
    data.truncate(old + *got);
    if (*got == 0 || data.size() > maxBytes) break;
  }
  if (path != "-") llvm::sys::fs::closeFile(*fd);
  if (readError) {
    diags.reportFile(path, diag::kinds::FileUnreadable, path, readError.message());
    return {0, LoadError::Io};
  }
  if (data.size() > maxBytes) {
    diags.reportFile(path == "-" ? "<stdin>" : path, diag::kinds::FileTooLarge, static_cast<uint64_t>(data.size()), maxBytes)
        .note("stopped reading after the limit");
    return {0, LoadError::Invalid};
  }
  std::string name = path == "-" ? "<stdin>" : displayName.empty() ? path.str() : displayName.str();
  return validateAndAdd(sources, diags, llvm::MemoryBuffer::getMemBufferCopy(data, name));
}

LoadResult addSourceText(llvm::SourceMgr& sources, diag::DiagnosticEngine& diags,
                         llvm::StringRef name, llvm::StringRef text) {
  if (text.size() > kMaxSourceBytes) {
    diags.reportFile(name, diag::kinds::FileTooLarge, static_cast<uint64_t>(text.size()), kMaxSourceBytes);
    return {0, LoadError::Invalid};
  }
  return validateAndAdd(sources, diags, llvm::MemoryBuffer::getMemBufferCopy(text, name));
}

}  // namespace mlops::syntax

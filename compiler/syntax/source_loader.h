// Reads .mlops files into the SourceMgr: size limit, UTF-8 validation (E0105),
// directories and missing files rejected before anything reaches the lexer.
#pragma once

#include "diag/diagnostic_engine.h"

#include <optional>

namespace mlops::syntax {

inline constexpr uint64_t kMaxSourceBytes = 64ull << 20;  // 64 MiB

enum class LoadError { None, Io, Invalid };

struct LoadResult {
  unsigned bufferId = 0;  // 0 when not loaded
  LoadError error = LoadError::None;
};

// Loads `path` (`-` is standard input). I/O failures (missing, directory,
// unreadable) are LoadError::Io; oversize and non-UTF-8 are LoadError::Invalid.
// Both are reported as E0105.
// `displayName` (default: `path`) names the buffer in diagnostics.
LoadResult loadSourceFile(llvm::SourceMgr& sources, diag::DiagnosticEngine& diags,
                          llvm::StringRef path, uint64_t maxBytes = kMaxSourceBytes,
                          llvm::StringRef displayName = {});

// Adds in-memory text under `name` after the same validation.
LoadResult addSourceText(llvm::SourceMgr& sources, diag::DiagnosticEngine& diags,
                         llvm::StringRef name, llvm::StringRef text);

// Offset of the first byte that is not valid UTF-8, or npos.
size_t findInvalidUtf8(llvm::StringRef text);

}  // namespace mlops::syntax

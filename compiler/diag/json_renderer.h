// Machine-readable diagnostics (schema in docs/diagnostics.md):
// {"version": 1, "diagnostics": [{"code", "severity", "message", "file",
//   "range": {"start": {line, column, offset}, "end": {...}}, "notes": [...],
//   "fixits": [...]}], "errors": N, "warnings": M}
#pragma once

#include "diag/diagnostic.h"

#include <llvm/Support/SourceMgr.h>
#include <nlohmann/json.hpp>

namespace mlops::diag {

inline constexpr int kJsonDiagnosticsVersion = 1;

nlohmann::json renderJson(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics);

}  // namespace mlops::diag

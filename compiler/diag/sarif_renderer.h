// SARIF 2.1.0 log (one run, tool "mlopsc", one rule per diagnostic code).
// Columns are Unicode code points (run.columnKind = "unicodeCodePoints").
#pragma once

#include "diag/diagnostic.h"

#include <llvm/Support/SourceMgr.h>
#include <nlohmann/json.hpp>

namespace mlops::diag {

nlohmann::json renderSarif(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                           llvm::StringRef toolVersion);

// A file path as a SARIF artifact URI: relative paths stay relative
// (percent-encoded), absolute paths become file:// URIs.
std::string sarifUri(llvm::StringRef path);

}  // namespace mlops::diag

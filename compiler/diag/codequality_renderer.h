// GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON
// array with one issue per diagnostic, with the fields GitLab documents
// (https://docs.gitlab.com/ee/ci/testing/code_quality.html#implement-a-custom-tool):
// description, check_name (the code), fingerprint, severity and
// location.path (relative to the repository root) with location.lines.
// docs/diagnostics.md describes each field; tests/schemas/gitlab-codequality.json
// is the schema of the documented fields.
#pragma once

#include "diag/diagnostic.h"
#include "diag/source_root.h"

#include <llvm/Support/SourceMgr.h>
#include <nlohmann/json.hpp>

namespace mlops::diag {

nlohmann::json renderCodeQuality(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                                 const SourceRoot& root = {});

// GitLab's severity of a diagnostic: error → critical, warning → minor,
// note → info.
const char* codeQualitySeverity(Severity severity);

// The fingerprint: SHA-256 (hex) of the code, the path, the message
// and how many issues before it in the report had the same three. No line or
// column: an edit above a finding does not make it a new one.
std::string codeQualityFingerprint(llvm::StringRef code, llvm::StringRef path, llvm::StringRef message,
                                   unsigned occurrence);

}  // namespace mlops::diag

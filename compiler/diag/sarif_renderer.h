// SARIF 2.1.0 log (one run, tool "mlopsc", one rule per diagnostic code), in
// the shape GitHub code scanning accepts: every rule with its explanation
// (fullDescription, help as text and Markdown, helpUri into
// docs/diagnostics.md), files as paths relative to the repository root
// (uriBaseId %SRCROOT%). Columns are Unicode code points
// (run.columnKind = "unicodeCodePoints"). docs/diagnostics.md describes
// every field; tests/e2e/sarif_multitool.sh runs Microsoft's validator on it.
#pragma once

#include "diag/diagnostic.h"
#include "diag/source_root.h"

#include <llvm/Support/SourceMgr.h>
#include <nlohmann/json.hpp>

namespace mlops::diag {

// The project's home (the driver's informationUri); the rules' helpUri is
// its docs/diagnostics.md at the tool's version tag.
inline constexpr const char* kProjectUri = "https://github.com/mlopsc/mlopsc";
inline constexpr const char* kSarifRootId = "%SRCROOT%";

// Files inside `root` are given as {uri: relative, uriBaseId: %SRCROOT%}
// and the run's originalUriBaseIds says where %SRCROOT% was; files outside
// it (or every file, without a root) as sarifUri() of the path.
nlohmann::json renderSarif(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                           llvm::StringRef toolVersion, const SourceRoot& root = {});

// A file path as a SARIF artifact URI: relative paths stay relative
// (percent-encoded), absolute paths become file:// URIs.
std::string sarifUri(llvm::StringRef path);

// A rule's `name`: its title as one Pascal-case identifier
// ("unused declaration" → "UnusedDeclaration", "not UTF-8" → "NotUtf8").
std::string sarifRuleName(llvm::StringRef title);

// The rule's helpUri: docs/diagnostics.md at the version's tag, at the
// code's heading (`### E0101` is anchor `#e0101`).
std::string sarifHelpUri(llvm::StringRef code, llvm::StringRef toolVersion);

}  // namespace mlops::diag

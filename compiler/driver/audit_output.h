// What `report` and `build` share to write the audit report
// (emit/audit_report.h): the compilation's diagnostics as findings, the
// state store's evidence, and the files (report.json, report.md with its
// pipeline.svg, report.html).
#pragma once

#include "diag/diagnostic_engine.h"
#include "emit/audit_report.h"
#include "runtime/state/state_selection.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::driver {

// Warnings and errors so far, located, with their explanation's summary.
std::vector<emit::AuditDiagnostic> auditDiagnostics(diag::DiagnosticEngine& diags);

// The evidence in the record `selection` names for the project at `root`
// (nullopt and `error` when it cannot be read); `root` also resolves the
// models' output paths.
std::optional<emit::AuditState> readAuditState(const ir::PipelineGraph& graph, const runtime::StateSelection& selection,
                                               const std::string& root, std::string& error);

enum class AuditFormat { Markdown, Html, Json };

// (file name, content) in a fixed order.
std::vector<std::pair<std::string, std::string>> auditFiles(const emit::AuditInputs& inputs,
                                                            const std::vector<AuditFormat>& formats);

// SHA-256 of `text`, lower-case hex.
std::string sha256Hex(const std::string& text);

}  // namespace mlops::driver

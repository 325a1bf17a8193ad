// The audit report for model risk managers and auditors (docs/report.md):
// the evidence, from the spec and the run history, that every requirement
// held before production — inventory, lineage, validation tests, gates and
// approvals (with separation of duties and the approvals log's integrity),
// ongoing monitoring, responsibilities, findings, the pipeline graph, and
// changes since a baseline.
//
// The report's model is its JSON document (docs/report.schema.json): built
// once here, written as report.json, and turned into one presentation
// (audit_document.h) that the Markdown and HTML renderers both print, so
// the three never disagree.
#pragma once

#include "emit/audit_changes.h"
#include "emit/plot_data.h"
#include "ir/pipeline_graph.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::emit {

// A diagnostic of the compilation (a warning or a policy note).
struct AuditDiagnostic {
  std::string code, severity, message, file;
  unsigned line = 0, column = 0;
  std::string explanation;  // the first paragraph of `mlopsc explain CODE`
};

// What the runtime's state store says, read by the driver (so this library
// stays free of the runtime).
struct AuditState {
  std::string path;  // the state store read
  struct Result {
    std::string node, status, why, at;
    int64_t run = 0;
  };
  std::vector<Result> lastResults;  // each node's latest result
  struct Approval {
    int64_t id = 0;
    std::string gate, role, email, comment, artifact, at, hash;
    // In a project with signers: "verified", "unsigned", "invalid" or
    // "unchecked", with the key's owner and fingerprint when known and why
    // not verified; empty status: not checked (no signers file).
    std::string signatureStatus, signedBy, signingKey, signatureReason;
  };
  std::vector<Approval> approvals;
  struct Pass {
    std::string gate, model, artifact, at;
    int64_t run = 0;
    int64_t id = 0;
    bool evidence = false;  // signed approvals recorded with it: `mlopsc attest` exports them
  };
  std::vector<Pass> gatePasses;
  std::vector<std::string> chainProblems;  // empty: the hash chain verified
  // Signed approvals (runtime/trust/log_verification.h): whether they were
  // checked, what verified, and each row that does not.
  bool signaturesChecked = false;
  std::string signaturesSummary;
  std::vector<std::string> signatureProblems;
  std::vector<std::string> currentArtifacts;  // "model:x=DIGEST" as the models' outputs are now
  // KPI readings and A/B conclusions (docs/language.md 5.3.1, 5.9.1), oldest first.
  struct KpiReading {
    std::string kpi, source, model, node, artifact, origin, at;
    double value = 0;
    int64_t run = 0;
  };
  std::vector<KpiReading> kpiReadings;
  struct AbConclusion {
    std::string deploy, stage, decision, action, artifact, summary, conclusion, at;  // conclusion: JSON text
    int64_t run = 0;
  };
  std::vector<AbConclusion> abConclusions;
};

struct AuditInputs {
  const ir::PipelineGraph* graph = nullptr;
  std::string irSha256;          // of pipeline.json as written
  std::string compilerVersion;
  std::vector<AuditDiagnostic> diagnostics;
  std::string svg;               // the pipeline graph picture ("" when not drawn)
  std::optional<AuditState> state;
  std::optional<std::vector<AuditChange>> changes;  // with --baseline
  std::string baseline;          // what the changes are against
  std::string timestamp;         // "" unless --timestamp
  // Each node's plot files as the driver found them, one per entry of its
  // ir::Node::plots (absent: not read, as with --state none).
  std::map<std::string, std::vector<PlotData>> plots;
};

inline constexpr int kReportVersion = 1;

nlohmann::ordered_json buildAuditReport(const AuditInputs& inputs);

}  // namespace mlops::emit

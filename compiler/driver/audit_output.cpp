#include "driver/audit_output.h"

#include "diag/explanations.h"
#include "diag/source_location.h"
#include "emit/audit_document.h"
#include "emit/audit_html.h"
#include "emit/audit_markdown.h"
#include "runtime/approvals.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/state/state_selection.h"
#include "runtime/trust/log_verification.h"

#include <llvm/Support/raw_ostream.h>

#include <llvm/ADT/StringExtras.h>
#include <openssl/evp.h>

#include <map>

namespace mlops::driver {

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest, size), /*LowerCase=*/true);
}

std::vector<emit::AuditDiagnostic> auditDiagnostics(diag::DiagnosticEngine& diags) {
  std::vector<emit::AuditDiagnostic> out;
  diag::SourceLocator locator(diags.sources());
  for (const diag::Diagnostic& d : diags.sorted()) {
    if (d.severity == diag::Severity::Note) continue;
    emit::AuditDiagnostic a;
    a.code = diag::codeInfo(d.code).name;
    a.severity = diag::severityName(d.severity).str();
    a.message = d.message;
    diag::ResolvedRange r = locator.range(d.range, d.file);
    a.file = r.file;
    if (r.valid) {
      a.line = r.start.line;
      a.column = r.start.column;
    }
    if (const diag::Explanation* e = diag::findExplanation(d.code)) {
      std::string text = e->text;
      a.explanation = text.substr(0, text.find("\n\n"));
      for (char& c : a.explanation)
        if (c == '\n') c = ' ';
    } else {
      a.explanation = diag::codeInfo(d.code).title;
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<emit::AuditState> readAuditState(const ir::PipelineGraph& g, const runtime::StateSelection& selection,
                                               const std::string& root, std::string& error) {
  std::unique_ptr<runtime::Record> store = runtime::openRecord(selection, root, g.projectName, error);
  if (!store) return std::nullopt;
  emit::AuditState s;
  s.path = store->describe();
  std::map<int64_t, std::string> startedAt;
  for (const runtime::RunRecord& r : store->runs()) startedAt[r.id] = r.startedAt;
  for (const ir::Node& n : g.nodes) {
    auto history = store->nodeHistory(n.id);
    if (history.empty()) continue;
    const auto& [run, record] = history.back();
    s.lastResults.push_back({n.id, record.status, record.why, startedAt[run], run});
  }
  std::vector<runtime::ApprovalRecord> approvals = store->approvals();
  for (const runtime::ApprovalRecord& a : approvals)
    s.approvals.push_back({a.id, a.gate, a.role, a.email, a.comment, a.artifact, a.at, a.hash, "", "", "", ""});
  std::vector<runtime::GatePass> passes = store->gatePasses();
  for (const runtime::GatePass& p : passes)
    s.gatePasses.push_back({p.gate, p.model, p.artifact, p.at, p.run, p.id, !p.evidence.empty()});
  s.chainProblems = runtime::verifyApprovalChain(approvals, passes);
  for (const runtime::KpiReading& r : store->kpiReadings())
    s.kpiReadings.push_back({r.kpi, r.source, r.model, r.node, r.artifact, r.origin, r.at, r.value, r.run});
  for (const runtime::AbRecord& a : store->abConclusions())
    s.abConclusions.push_back(
        {a.deploy, a.stage, a.decision, a.action, a.artifact, a.summary, a.conclusion, a.at, a.run});
  for (std::string& problem : runtime::verifyGatePassChain(passes)) s.chainProblems.push_back(std::move(problem));
  // Each approval's signature, as gates check it; without ssh-keygen the
  // rows are "unchecked", never "verified".
  std::string why;
  std::optional<runtime::LogVerification> signatures = runtime::verifyApprovalLog(&g, root, "", approvals, passes, why);
  if (!signatures) {
    llvm::errs() << "mlopsc: warning: the approvals' signatures were not checked: " << why << '\n';
    s.signaturesSummary = "signatures not checked: " + why;
    for (emit::AuditState::Approval& a : s.approvals) a.signatureStatus = "unchecked";
  } else {
    s.signaturesChecked = signatures->checked;
    s.signaturesSummary = signatures->summary;
    s.signatureProblems = signatures->problems;
    if (signatures->checked)
      for (size_t i = 0; i < s.approvals.size() && i < signatures->verdicts.size(); ++i) {
        const runtime::SignatureVerdict& v = signatures->verdicts[i];
        using Status = runtime::SignatureVerdict::Status;
        emit::AuditState::Approval& a = s.approvals[i];
        a.signatureStatus = v.status == Status::Verified   ? "verified"
                            : v.status == Status::Unsigned ? "unsigned"
                            : v.status == Status::Invalid  ? "invalid"
                                                           : "unchecked";
        a.signedBy = v.principal;
        a.signingKey = v.key;
        a.signatureReason = v.reason;
      }
  }
  // The artifacts the report attests, hashed from their bytes (not the memo).
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Model || n.outputs.empty()) continue;
    std::string missing;
    std::optional<runtime::NodeSuccess> built = runtime::currentOutputs(n, root, missing);
    if (built) s.currentArtifacts.push_back(n.id + "=" + runtime::artifactDigest(*built));
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> auditFiles(const emit::AuditInputs& inputs,
                                                            const std::vector<AuditFormat>& formats) {
  nlohmann::ordered_json report = emit::buildAuditReport(inputs);
  emit::Document document = emit::auditDocument(report);
  std::vector<std::pair<std::string, std::string>> files;
  for (AuditFormat f : formats) {
    if (f == AuditFormat::Json) files.emplace_back("report.json", report.dump(2) + "\n");
    if (f == AuditFormat::Markdown) {
      files.emplace_back("report.md", emit::renderAuditMarkdown(document));
      if (!inputs.svg.empty()) files.emplace_back("pipeline.svg", inputs.svg);
    }
    if (f == AuditFormat::Html) files.emplace_back("report.html", emit::renderAuditHtml(document));
  }
  return files;
}

}  // namespace mlops::driver

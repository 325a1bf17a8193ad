#include "runtime/trust/gate_signatures.h"

#include "runtime/content_hash.h"
#include "runtime/state/records.h"
#include "support/display_text.h"

#include <algorithm>

namespace mlops::runtime {

GateSignatures::GateSignatures(ProjectSigners signers, std::optional<SshKeygen> keygen, std::string keygenProblem,
                               std::unique_ptr<VerifyCache> cache)
    : signers_(std::move(signers)),
      keygen_(std::move(keygen)),
      keygenProblem_(std::move(keygenProblem)),
      cache_(std::move(cache)),
      verifier_(signers_.file, signers_.bytes, keygen_ ? &*keygen_ : nullptr, cache_.get()) {}

std::unique_ptr<GateSignatures> GateSignatures::open(const ir::PipelineGraph& graph, const std::string& root,
                                                     std::string& error) {
  std::optional<ProjectSigners> signers = loadProjectSigners(graph, root, error);
  if (!signers) return nullptr;
  std::string missing;
  std::optional<SshKeygen> keygen = SshKeygen::locate(missing);
  return std::unique_ptr<GateSignatures>(
      new GateSignatures(std::move(*signers), std::move(keygen), std::move(missing), VerifyCache::open()));
}

SignedApprovals GateSignatures::count(const ir::PipelineGraph& graph, const ir::Node& gate,
                                      const std::string& artifact, const std::vector<Subject>& subjects,
                                      const std::vector<ApprovalRecord>& log) const {
  GateContext context = gateContextFor(graph, gate, subjects);
  SignedApprovals out = signedApprovalsFor(verifier_, log, gate.id, artifact, context, utcTimestamp(), verifyParallelism());
  // The verifier knows only that there is none; locate said why (a
  // MLOPS_SSH_KEYGEN that names nothing is not "not on PATH").
  if (!keygen_ && !out.unchecked.empty() && !keygenProblem_.empty()) out.unchecked = keygenProblem_;
  // Rows that verify but that this gate's roles do not accept (not a
  // member, or a member of the model's owner role) are named too.
  std::vector<ApprovalRecord> accepted;
  for (const ApprovalRecord& r : out.rows) {
    std::string why;
    if (approvalRoleFor(graph, gate, r.email, r.role, why)) {
      accepted.push_back(r);
    } else {
      out.notCounted.push_back("approval " + std::to_string(r.id) + " (" + support::escapeControls(r.email) +
                               "): " + support::escapeControls(why));
    }
  }
  out.rows = std::move(accepted);
  return out;
}

std::optional<std::string> GateSignatures::evidence(const ir::PipelineGraph& graph, const ir::Node& gate,
                                                    const GateTally& tally,
                                                    const std::vector<ApprovalRecord>& counted,
                                                    const std::vector<Subject>& subjects, const std::string& version,
                                                    std::string& error) const {
  GateEvidence e;
  for (const RoleTally& role : tally.roles)
    for (const std::string& who : role.approvedBy) {
      // The person's first counted row for this role (the tally's), else
      // for any role.
      auto it = std::find_if(counted.begin(), counted.end(),
                             [&](const ApprovalRecord& r) { return r.email == who && r.role == role.role; });
      if (it == counted.end())
        it = std::find_if(counted.begin(), counted.end(), [&](const ApprovalRecord& r) { return r.email == who; });
      if (it == counted.end()) continue;
      CountedApproval a{it->id, sha256Hex(it->payload)};
      if (std::find(e.approvals.begin(), e.approvals.end(), a) == e.approvals.end()) e.approvals.push_back(a);
    }
  std::sort(e.approvals.begin(), e.approvals.end(),
            [](const CountedApproval& a, const CountedApproval& b) { return a.id < b.id; });
  e.mlopsc = version;
  e.policy = gateContextFor(graph, gate, {}).policy;
  e.signers = signers_.file.sha256;
  e.spec = specDigest(graph);
  e.subjects = subjects;
  return serializeEvidence(e, error);
}

}  // namespace mlops::runtime

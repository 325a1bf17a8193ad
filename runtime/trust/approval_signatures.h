// Whether a row of the approvals log is signed by the person it names
// (design: docs/security.md, signed approvals). A row counts for a gate of a
// project with `signers` only when its signature verifies; this file says
// whether it does, and if not, why, as one sentence for the waiting line,
// `history --verify` and the report.
//
// The checks, cheap first, the first failure being the reason:
// 1. the payload is a statement mlopsc wrote (runtime/trust/approval_statement.h)
//    and says what the row says: gate, role, approver, comment, artifact,
//    time and the previous row's hash; its time is not before the previous
//    row's nor more than five minutes ahead of now;
// 2. the armored signature (support/sshsig.h) is for namespace
//    `mlops-approval`, by a key the signers file lists for this approver,
//    allowed in that namespace and valid at the statement's time;
// 3. ssh-keygen verifies it (runtime/trust/approval_sshsig.h), or did before
//    (runtime/trust/verify_cache.h). Steps 1 and 2 only make the reason precise:
//    a row they pass still needs ssh-keygen's "Good", so a bug in them can
//    refuse a row, never accept one.
// What a statement must match for one gate evaluation (its subjects, policy
// and project) is `mismatch`, apart: it depends on the gate, not the row.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/trust/approval_statement.h"
#include "runtime/trust/ssh_keygen.h"
#include "runtime/state/records.h"
#include "support/allowed_signers.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

class VerifyCache;

struct SignatureVerdict {
  enum class Status {
    Verified,   // signed by `principal` with `key`, ssh-keygen agrees
    Unsigned,   // no payload and no signature
    Invalid,    // `reason` says why
    Unchecked,  // ssh-keygen could not be asked (missing, timed out): neither
  };
  Status status = Status::Unsigned;
  std::string principal;  // the key's owner in the signers file, when known
  std::string key;        // `SHA256:…` of the signing key, when known
  std::string reason;     // a sentence without the row's id; empty when verified
  bool verified() const { return status == Status::Verified; }
};

// What a statement must say for the gate being evaluated.
struct GateContext {
  std::string project;             // the spec's project name
  std::string gateName;            // `production` (the row holds `gate:production`)
  std::string policy;              // gatePolicyDigest of the gate now
  std::vector<Subject> subjects;   // the model's outputs now
};

// The context of `gate` in `graph` for the model outputs `subjects`.
GateContext gateContextFor(const ir::PipelineGraph& graph, const ir::Node& gate, std::vector<Subject> subjects);

// A statement's `spec.sha256`: SHA-256 of the canonical JSON list
// `[{"path":…,"sha256":…},…]` of the IR's sources (root first, then
// imports), the spec the approver's mlopsc compiled.
std::string specDigest(const ir::PipelineGraph& graph);

class ApprovalVerifier {
 public:
  // `signers` parsed from exactly `signersBytes`; `keygen` nullptr when
  // there is none (every signed row that needs it is then Unchecked, with
  // kMissingKeygen as its reason); `cache` may be nullptr.
  ApprovalVerifier(const support::SignersFile& signers, std::string signersBytes, const SshKeygen* keygen,
                   VerifyCache* cache);

  // Verdicts for the rows `which` (indexes into `log`, the whole approvals
  // log in id order, whose row i-1 is row i's previous), at most
  // `parallel` ssh-keygen at once. `now`: UTC `YYYY-MM-DDTHH:MM:SSZ`.
  std::vector<SignatureVerdict> verify(const std::vector<ApprovalRecord>& log, const std::vector<size_t>& which,
                                       std::string_view now, unsigned parallel) const;

  // Why a verified row's statement does not hold for `gate` (signed for
  // other model files, another project, or under another policy of the
  // gate); nullopt when it does.
  static std::optional<std::string> mismatch(const ApprovalRecord& row, const GateContext& gate);

 private:
  // Steps 1 and 2: nullopt when the row may go to ssh-keygen.
  std::optional<SignatureVerdict> precheck(const ApprovalRecord& row, const ApprovalRecord* previous,
                                           std::string_view now, SignatureVerdict& known) const;

  const support::SignersFile& signers_;
  std::string signersBytes_;
  const SshKeygen* keygen_;
  VerifyCache* cache_;
};

// The rows of `log` a gate may count for `artifact` in a project with
// signers: the gate's rows for that artifact whose signature verifies and
// whose statement holds for `gate` (membership, separation of duties and
// quorums are tallyApprovals' as without signers). The others are listed
// in `notCounted`, one "approval 5 (carol@bank.example): reason" each.
struct SignedApprovals {
  std::vector<ApprovalRecord> rows;
  std::vector<std::string> notCounted;
  // ssh-keygen could not be asked about a row that could have counted
  // (missing, timed out): the gate cannot be decided; the reason.
  std::string unchecked;
};
SignedApprovals signedApprovalsFor(const ApprovalVerifier& verifier, const std::vector<ApprovalRecord>& log,
                                   const std::string& gateId, const std::string& artifact, const GateContext& gate,
                                   std::string_view now, unsigned parallel);

}  // namespace mlops::runtime

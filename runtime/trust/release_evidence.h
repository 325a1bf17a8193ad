// Release evidence: what `mlopsc attest GATE -o DIR` exports from a gate
// pass of a project with signers, so that someone outside the project can
// check the release with ssh-keygen and sha256sum alone (docs/attest.md,
// scripts/verify-release):
//
//   README.txt                what this is and the commands that check it
//   vsa.json                  SLSA verification summary v1 (an in-toto
//                             Statement v1): the gate passed for these
//                             subjects, under this policy, on these approvals
//   policy.json               gatePolicyText, exact bytes (its SHA-256 is the
//                             policy every approval statement signed)
//   allowed_signers           the signers file the pass verified against
//   approvals/NNNN.json       each counted statement, the bytes signed
//   approvals/NNNN.json.sig   its armored SSH signature
//   subjects.sha256           `sha256sum` lines of the model's files
//   SHA256SUMS                `sha256sum` lines of every file above
//
// The bytes depend only on the pass, its approvals log rows, the signers
// file and the policy text: the same pass exports the same files (so the
// audit report can link an identical copy). The VSA is unsigned: its trust
// comes from the approvers' signatures it lists, which the caller verifies
// (runtime/trust/approval_signatures.h) before exporting.
#pragma once

#include "runtime/state/records.h"
#include "runtime/trust/gate_evidence.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

inline constexpr const char* kVsaPredicateType = "https://slsa.dev/verification_summary/v1";
inline constexpr const char* kGateVerifierId = "https://mlopsc.example/gate/v1";
inline constexpr const char* kGatePassedLevel = "MLOPSC_GATE_PASSED";

// A pass's evidence and the approvals log rows it names.
struct PassEvidence {
  GateEvidence evidence;
  std::vector<size_t> rows;  // indexes into the log, one per evidence.approvals entry, in its order
};

// The evidence of `pass` (GatePass::evidence, parseEvidence) and the rows
// of `log` (the whole approvals log) it counted, each found by id and
// holding a statement with the SHA-256 the evidence recorded. Nullopt with
// `why` when the pass has no evidence (a project without signers, or a
// pass from before them), it does not parse, or a row is missing or holds
// another statement.
std::optional<PassEvidence> passEvidence(const GatePass& pass, const std::vector<ApprovalRecord>& log,
                                         std::string& why);

struct ReleaseFile {
  std::string path;  // relative to the export folder, `/`-separated
  std::string bytes;
  bool operator==(const ReleaseFile&) const = default;
};

// The export's files, sorted by path, SHA256SUMS last. `project` is the
// spec's project name, `signersBytes` the signers file and `policyText`
// the gate's gatePolicyText: their SHA-256 must be the evidence's. Each
// statement must be one mlopsc wrote, for this project, gate, artifact,
// policy and these subjects. Nullopt with `why` otherwise.
std::optional<std::vector<ReleaseFile>> releaseFiles(const std::string& project, const GatePass& pass,
                                                     const PassEvidence& evidence,
                                                     const std::vector<ApprovalRecord>& log,
                                                     std::string_view signersBytes, std::string_view policyText,
                                                     std::string& why);

// `approvals/0003.json`: where the statement of row `id` goes.
std::string statementPath(int64_t id);

}  // namespace mlops::runtime

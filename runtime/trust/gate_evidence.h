// What a gate pass of a project with signers rested on, kept with the pass
// (GatePass::evidence) so that `mlopsc attest` exports exactly those
// approvals and an outsider can check the release (docs/attest.md):
//
//   {"approvals":[{"id":3,"sha256":"<SHA-256 of row 3's statement>"},…],
//    "mlopsc":"0.1.0","policy":"<gatePolicyDigest>","signers":"<SHA-256 of
//    allowed_signers>","spec":"<specDigest>","subjects":[<the model's
//    outputs, as in the statements>]}
//
// canonical JSON (runtime/trust/approval_statement.h), so the pass's hash
// covers one byte form. The statements are named by their SHA-256: a row
// whose statement changed is not the one the pass counted.
#pragma once

#include "runtime/trust/approval_statement.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

struct CountedApproval {
  int64_t id = 0;
  std::string sha256;  // of the row's payload
  bool operator==(const CountedApproval&) const = default;
};

struct GateEvidence {
  std::vector<CountedApproval> approvals;  // in log order
  std::string mlopsc;                      // the version that passed the gate
  std::string policy, signers, spec;       // 64 hex digits each
  std::vector<Subject> subjects;
  bool operator==(const GateEvidence&) const = default;
};

// Nullopt with `why` when a field is not what evidence holds.
std::optional<std::string> serializeEvidence(const GateEvidence& evidence, std::string& why);
// Evidence back from serializeEvidence's exact bytes; anything else is
// refused with `why` (a pass row is hostile input).
std::optional<GateEvidence> parseEvidence(std::string_view text, std::string& why);

}  // namespace mlops::runtime

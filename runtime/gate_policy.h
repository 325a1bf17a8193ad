// A gate's policy: what must hold for it to pass, as one digest. A recorded
// gate pass carries the digest of the policy it passed under; a later run
// reuses the pass only under the same policy, so raising a quorum (`2 of
// validators` → `3 of validators`), replacing an approver role's members,
// moving someone into the model's owner role or requiring another test
// makes the gate count its approvals again instead of reporting the old
// pass.
//
// The digest is SHA-256 over a canonical JSON document: the gate and its
// model, each approval entry (role, quorum, the role's members), the
// members of the roles that own the model or the gate (separation of
// duties) and the required tests. Entries, members and tests are sorted and
// members deduplicated: reordering them changes nothing a gate checks, so
// it does not change the digest. Members are compared as written, as the
// tally compares them (runtime/approvals.h).
#pragma once

#include "ir/pipeline_graph.h"

#include <string>

namespace mlops::runtime {

// The canonical document (what the digest is over), for tests and messages.
std::string gatePolicyText(const ir::PipelineGraph& graph, const ir::Node& gate);

// 64 lower-case hex digits.
std::string gatePolicyDigest(const ir::PipelineGraph& graph, const ir::Node& gate);

}  // namespace mlops::runtime

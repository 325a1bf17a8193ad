// The gate passes' hash chain: what lets a gate, a test's `baseline` and a
// drift reference tell a pass mlopsc recorded from a row written into the
// state database by hand (one `INSERT` used to make a gate pass with no
// approvals and reset the baseline).
//
// Built like the approvals log's (runtime/approvals.h): pass i stores
// hash_i = SHA-256 of its fields, its reference profiles, its policy digest,
// hash_{i-1} (64 zeros for the first) and, when it has any, its evidence. Editing a pass or a profile
// breaks its hash; inserting, deleting or reordering passes breaks a link.
// (That each pass still finds the approvals log head it saw is checked with
// the log: verifyApprovalChain.) Until
// approvals and passes are signed, anyone who can write the database and
// recompute SHA-256 can extend both chains: the chain catches edits made
// without mlopsc, not a forger who rebuilds it.
#pragma once

#include "runtime/state/records.h"

#include <string>
#include <vector>

namespace mlops::runtime {

std::string gatePassHash(const GatePass& pass);

// Problems in the chain, first bad row first, each naming the row and what
// is wrong; empty when every pass verifies.
std::vector<std::string> verifyGatePassChain(const std::vector<GatePass>& passes);

// How many passes, from the first, verify: a gate, a baseline or a reference
// profile trusts those and none after them.
size_t verifiedGatePassCount(const std::vector<GatePass>& passes);

}  // namespace mlops::runtime

// Gates and their approvals: who may approve a gate (a member of one of its
// approval roles and of none that owns its model: separation of duties,
// checked again at run time), whether approvals meet every role's quorum
// for one artifact of the model, and the hash chain that makes the
// approvals log tamper-evident.
//
// An approval binds to an artifact: the digest of the model's outputs as
// they are on disk, hashed from their bytes whenever it is needed (never
// from the stat-keyed memo the cache uses, which a writer who restores the
// mtime could fool). Retraining to new outputs needs new approvals.
//
// The chain: row i stores hash_i = SHA-256 of its fields and hash_{i-1}
// (64 zeros for the first); a signed row's fields include its statement
// and signature. Editing a row breaks its hash; deleting or
// reordering rows breaks the next row's link; deleting the newest rows is
// caught by the head every gate pass recorded.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/state/records.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

// The digest of a model's outputs (their paths and content digests).
std::string artifactDigest(const NodeSuccess& model);

// The model's declared outputs as they are on disk now, under `root`, each
// file read and hashed (a folder: its tree digest, every file in it read):
// what `approve` binds to, a gate passes and a deploy rolls out. Nullopt
// with `missing` set to the first output that is not there.
std::optional<NodeSuccess> currentOutputs(const ir::Node& model, const std::string& root, std::string& missing);

// A row's hash: SHA-256 of its fields and prevHash; a signed row's
// (ApprovalRecord::isSigned) of `["approval 2", id, gate, role, email,
// comment, artifact, at, prevHash, sha256(payload), sha256(signature)]`.
// signingKey is not hashed: it is a display hint, the key is in the signature.
std::string approvalHash(const ApprovalRecord& record);

// How many rows of the log, from the first, verify (each links to the one
// before and matches its hash): the approvals a gate counts.
size_t verifiedApprovalCount(const std::vector<ApprovalRecord>& approvals);

// Problems in the log: each names the row and what is wrong; empty when the
// chain verifies.
std::vector<std::string> verifyApprovalChain(const std::vector<ApprovalRecord>& approvals,
                                             const std::vector<GatePass>& passes);

const ir::Role* findRole(const ir::PipelineGraph& graph, const std::string& name);
// Whom an alert names: "validators (carol@bank.example, grace@bank.example)",
// the role alone when it has no members (or is not in the graph).
std::string roleWithMembers(const ir::PipelineGraph& graph, const std::string& name);

// The approval role `email` approves `gate` for, or nullopt with `why` (a
// full sentence fragment: "dana@x is a member of `modelers`, which owns
// model `scorer`: separation of duties forbids approving its gate").
// `requestedRole` ("" for any) picks one when the person is in several.
std::optional<std::string> approvalRoleFor(const ir::PipelineGraph& graph, const ir::Node& gate,
                                           const std::string& email, const std::string& requestedRole,
                                           std::string& why);

struct RoleTally {
  std::string role;
  unsigned quorum = 1;
  std::vector<std::string> members;
  std::vector<std::string> approvedBy;  // valid approvals for this artifact, in log order
};

struct GateTally {
  std::vector<RoleTally> roles;
  bool met() const;
  // "2 of validators (carol@x, grace@x; 1 so far: carol@x), risk_owner (alice@x)"
  std::string missing() const;
};

// Counts the approvals of `gate` for `artifact`: one per person, only from
// people who may approve (a member of the role, not of the model's owner).
GateTally tallyApprovals(const ir::PipelineGraph& graph, const ir::Node& gate, const std::string& artifact,
                         const std::vector<ApprovalRecord>& approvals);

}  // namespace mlops::runtime

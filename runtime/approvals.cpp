#include "runtime/approvals.h"

#include "runtime/content_hash.h"
#include "runtime/interpolation.h"


#include <algorithm>
#include <map>
#include <set>

namespace mlops::runtime {
namespace {

bool isMember(const ir::Role& role, const std::string& email) {
  return std::find(role.members.begin(), role.members.end(), email) != role.members.end();
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string artifactDigest(const NodeSuccess& model) {
  std::string text;
  for (const auto& [path, digest] : model.outputs) text += path + '\0' + digest.hex() + '\n';
  return hashBytes(text).hex();
}

std::optional<NodeSuccess> currentOutputs(const ir::Node& model, const std::string& root, std::string& missing) {
  FileHasher hasher;  // empty: every file is read
  NodeSuccess out;
  for (const auto& [name, path] : model.outputs) {
    std::string ignored;
    std::optional<Digest> d = hasher.hash(projectPath(root, path), ignored);
    if (!d) {
      missing = path;
      return std::nullopt;
    }
    out.outputs.emplace_back(path, *d);
  }
  return out;
}

std::string approvalHash(const ApprovalRecord& r) {
  // Unsigned rows hash as they always have (schema 2 to 6 logs verify
  // unchanged). Signed rows take a recipe of their own, tagged so that no
  // unsigned row's fields can produce it, over the digests of the statement
  // and the signature: their bytes are opaque here and may hold anything.
  // `replace`: a row is hostile input, and invalid UTF-8 in it must make a
  // hash that does not match, never an exception (valid text dumps the same).
  nlohmann::ordered_json fields =
      r.isSigned() ? nlohmann::ordered_json::array({"approval 2", r.id, r.gate, r.role, r.email, r.comment, r.artifact,
                                                    r.at, r.prevHash, sha256Hex(r.payload), sha256Hex(r.signature)})
                   : nlohmann::ordered_json::array(
                         {r.id, r.gate, r.role, r.email, r.comment, r.artifact, r.at, r.prevHash});
  return sha256Hex(fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

size_t verifiedApprovalCount(const std::vector<ApprovalRecord>& approvals) {
  std::string previous(64, '0');
  int64_t expectedId = 1;
  for (size_t i = 0; i < approvals.size(); ++i) {
    const ApprovalRecord& r = approvals[i];
    if (r.id != expectedId || r.prevHash != previous || approvalHash(r) != r.hash) return i;
    previous = r.hash;
    expectedId = r.id + 1;
  }
  return approvals.size();
}

std::vector<std::string> verifyApprovalChain(const std::vector<ApprovalRecord>& approvals,
                                             const std::vector<GatePass>& passes) {
  std::vector<std::string> problems;
  std::string previous(64, '0');
  int64_t expectedId = 1;
  for (const ApprovalRecord& r : approvals) {
    std::string row = "approval " + std::to_string(r.id) + " (" + r.email + " for `" + r.gate + "`)";
    if (r.id != expectedId)
      problems.push_back("approval " + std::to_string(expectedId) +
                         (r.id > expectedId ? " is missing: the log jumps to " + std::to_string(r.id)
                                            : " appears out of order"));
    if (r.prevHash != previous) problems.push_back(row + " does not link to the row before it (a row was deleted or changed)");
    if (approvalHash(r) != r.hash) problems.push_back(row + " was changed after it was written: its hash does not match");
    previous = r.hash;
    expectedId = r.id + 1;
  }
  // Every gate pass saw the log up to some row: that row must still be there
  // with the same hash.
  std::map<int64_t, std::string> hashById;
  for (const ApprovalRecord& r : approvals) hashById[r.id] = r.hash;
  for (const GatePass& p : passes) {
    if (p.approvalsCount == 0) continue;
    auto it = hashById.find(p.approvalsCount);
    std::string pass = "gate pass " + std::to_string(p.id) + " (`" + p.gate + "`, " + p.at + ")";
    if (it == hashById.end())
      problems.push_back(pass + " saw " + std::to_string(p.approvalsCount) +
                         " approvals, but the log now ends before that: rows were deleted");
    else if (it->second != p.approvalsHead)
      problems.push_back(pass + " saw a different approval " + std::to_string(p.approvalsCount) +
                         ": the log was rewritten");
  }
  return problems;
}

const ir::Role* findRole(const ir::PipelineGraph& g, const std::string& name) {
  for (const ir::Role& r : g.roles)
    if (r.name == name) return &r;
  return nullptr;
}

std::string roleWithMembers(const ir::PipelineGraph& g, const std::string& name) {
  const ir::Role* role = findRole(g, name);
  return name + (role && !role->members.empty() ? " (" + joinList(role->members) + ")" : "");
}

std::optional<std::string> approvalRoleFor(const ir::PipelineGraph& g, const ir::Node& gate, const std::string& email,
                                           const std::string& requestedRole, std::string& why) {
  const ir::Node* model = g.find(gate.model);
  std::string modelName = model ? model->name : gate.model;
  // Separation of duties: nobody who owns the model approves its release.
  for (const std::string& ownerName : {model ? model->owner : std::string(), gate.owner}) {
    if (ownerName.empty()) continue;
    if (const ir::Role* owner = findRole(g, ownerName); owner && isMember(*owner, email)) {
      why = email + " is a member of `" + owner->name + "`, which owns model `" + modelName +
            "`: separation of duties forbids approving its gate";
      return std::nullopt;
    }
  }
  std::vector<std::string> candidates, described;
  for (const ir::Approval& a : gate.approvals) {
    const ir::Role* role = findRole(g, a.role);
    if (!role) continue;
    described.push_back("`" + role->name + "` (" + (role->members.empty() ? "no members" : joinList(role->members)) + ")");
    if (isMember(*role, email) && (requestedRole.empty() || requestedRole == role->name)) candidates.push_back(role->name);
  }
  if (!requestedRole.empty() && std::none_of(gate.approvals.begin(), gate.approvals.end(),
                                             [&](const ir::Approval& a) { return a.role == requestedRole; })) {
    std::vector<std::string> names;
    for (const ir::Approval& a : gate.approvals) names.push_back("`" + a.role + "`");
    why = "`" + requestedRole + "` is not an approval role of gate `" + gate.name + "` (its roles: " + joinList(names) + ")";
    return std::nullopt;
  }
  if (candidates.empty()) {
    why = email + " is not a member of " +
          (requestedRole.empty() ? "any approval role of gate `" + gate.name + "`: " + joinList(described)
                                 : "`" + requestedRole + "`");
    return std::nullopt;
  }
  if (candidates.size() > 1) {
    why = email + " is a member of several approval roles of gate `" + gate.name + "` (" + joinList(candidates) +
          "): say which one with --role";
    return std::nullopt;
  }
  return candidates.front();
}

bool GateTally::met() const {
  return std::all_of(roles.begin(), roles.end(), [](const RoleTally& r) { return r.approvedBy.size() >= r.quorum; });
}

std::string GateTally::missing() const {
  std::string out;
  for (const RoleTally& r : roles) {
    if (r.approvedBy.size() >= r.quorum) continue;
    std::string part = (r.quorum > 1 ? std::to_string(r.quorum) + " of " : "") + r.role + " (" + joinList(r.members);
    if (!r.approvedBy.empty())
      part += "; " + std::to_string(r.approvedBy.size()) + " so far: " + joinList(r.approvedBy);
    out += (out.empty() ? "" : ", ") + part + ")";
  }
  return out;
}

GateTally tallyApprovals(const ir::PipelineGraph& g, const ir::Node& gate, const std::string& artifact,
                         const std::vector<ApprovalRecord>& approvals) {
  GateTally tally;
  std::set<std::string> counted;  // a person counts once per gate
  for (const ir::Approval& a : gate.approvals) {
    RoleTally t;
    t.role = a.role;
    t.quorum = a.quorum;
    if (const ir::Role* role = findRole(g, a.role)) t.members = role->members;
    tally.roles.push_back(std::move(t));
  }
  for (const ApprovalRecord& r : approvals) {
    if (r.gate != gate.id || r.artifact != artifact || counted.count(r.email)) continue;
    std::string why;
    std::optional<std::string> role = approvalRoleFor(g, gate, r.email, r.role, why);
    if (!role) continue;  // no longer a member, or now an owner: does not count
    for (RoleTally& t : tally.roles)
      if (t.role == *role) {
        t.approvedBy.push_back(r.email);
        counted.insert(r.email);
      }
  }
  return tally;
}

}  // namespace mlops::runtime

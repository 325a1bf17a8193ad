#include "runtime/gate_policy.h"

#include "runtime/approvals.h"
#include "runtime/content_hash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace mlops::runtime {
namespace {

// A role's members, sorted and without duplicates; an unknown role (a
// pipeline.json edited by hand) has none.
nlohmann::ordered_json membersOf(const ir::PipelineGraph& g, const std::string& roleName) {
  std::vector<std::string> members;
  if (const ir::Role* role = findRole(g, roleName)) members = role->members;
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

}  // namespace

std::string gatePolicyText(const ir::PipelineGraph& g, const ir::Node& gate) {
  std::vector<std::pair<std::string, unsigned>> entries;
  for (const ir::Approval& a : gate.approvals) entries.emplace_back(a.role, a.quorum);
  std::sort(entries.begin(), entries.end());
  nlohmann::ordered_json approvals = nlohmann::ordered_json::array();
  for (const auto& [role, quorum] : entries)
    approvals.push_back({{"role", role}, {"quorum", quorum}, {"members", membersOf(g, role)}});

  const ir::Node* model = g.find(gate.model);
  std::vector<std::string> ownerRoles;
  for (const std::string& owner : {model ? model->owner : std::string(), gate.owner})
    if (!owner.empty()) ownerRoles.push_back(owner);
  std::sort(ownerRoles.begin(), ownerRoles.end());
  ownerRoles.erase(std::unique(ownerRoles.begin(), ownerRoles.end()), ownerRoles.end());
  nlohmann::ordered_json owners = nlohmann::ordered_json::array();
  for (const std::string& role : ownerRoles) owners.push_back({{"role", role}, {"members", membersOf(g, role)}});

  std::vector<std::string> require = gate.require;
  std::sort(require.begin(), require.end());
  require.erase(std::unique(require.begin(), require.end()), require.end());

  nlohmann::ordered_json policy;
  policy["policy"] = 1;  // the document's version: a new field changes every digest once
  policy["gate"] = gate.id;
  policy["model"] = gate.model;
  policy["approvals"] = std::move(approvals);
  policy["owners"] = std::move(owners);
  policy["require"] = std::move(require);
  return policy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string gatePolicyDigest(const ir::PipelineGraph& g, const ir::Node& gate) {
  std::string text = gatePolicyText(g, gate);
  return sha256Hex(text);
}

}  // namespace mlops::runtime

#include "emit/spec_reviewers.h"

#include <algorithm>
#include <set>

namespace mlops::emit {
namespace {

constexpr std::string_view kStdRoles = "std.roles.";

const ir::Role* findRole(const ir::PipelineGraph& graph, const std::string& name) {
  for (const ir::Role& r : graph.roles)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

std::string standardRoleOf(const ir::PipelineGraph& graph, const std::string& role) {
  std::string name = role;
  std::set<std::string> seen;  // a cycle is refused by sema; the IR may come from a file
  while (!name.empty() && seen.insert(name).second) {
    if (name.compare(0, kStdRoles.size(), kStdRoles) == 0) return name.substr(kStdRoles.size());
    const ir::Role* r = findRole(graph, name);
    // A base is kept as written: `model_risk_manager` after `use std.roles`.
    if (!r && (r = findRole(graph, std::string(kStdRoles) + name)) && r->stdlib) return name;
    if (!r) return "";
    if (r->stdlib) return name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    name = r->base;
  }
  return "";
}

std::vector<SpecReviewer> specReviewers(const ir::PipelineGraph& graph) {
  std::vector<SpecReviewer> out;
  auto add = [&](const std::string& role, const std::string& reason) {
    if (std::any_of(out.begin(), out.end(), [&](const SpecReviewer& r) { return r.role == role; })) return;
    SpecReviewer reviewer{role, standardRoleOf(graph, role), {}, reason};
    if (const ir::Role* r = findRole(graph, role)) reviewer.members = r->members;
    out.push_back(std::move(reviewer));
  };
  for (const ir::Node& n : graph.nodes)
    if (n.kind == ir::NodeKind::Gate)
      for (const ir::Approval& a : n.approvals) add(a.role, "approves gate `" + n.name + "`");
  bool quotas = std::any_of(graph.roles.begin(), graph.roles.end(), [](const ir::Role& r) {
    return r.quotaCpu || r.quotaMemoryBytes || r.quotaGpu;
  });
  if (quotas)
    for (const ir::Role& r : graph.roles)
      if (!r.stdlib && standardRoleOf(graph, r.name) == "ml_architect")
        add(r.name, "allocates the quotas (ML architect)");
  return out;
}

}  // namespace mlops::emit

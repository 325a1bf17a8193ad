#include "emit/diff_json.h"

namespace mlops::emit {
namespace {

using Json = nlohmann::ordered_json;

Json direction(AuditChange::Direction d) {
  return d == AuditChange::Direction::None ? Json() : Json(auditDirectionName(d));
}

Json side(const DiffInput& in) {
  Json out = {{"path", in.path}, {"kind", diffSideName(in.side)}};
  out["problem"] = in.problem.empty() ? Json() : Json(in.problem);
  return out;
}

Json location(const DiffLocation& l) {
  if (l.file.empty() && l.line == 0) return Json();
  return {{"file", l.file}, {"line", l.line}, {"column", l.column}, {"side", l.inBase ? "base" : "head"}};
}

}  // namespace

Json diffJson(const GovernanceDiff& diff) {
  Json out;
  out["mlopsc_diff"] = kDiffJsonVersion;
  out["project"] = diff.project;
  out["base"] = side(diff.base);
  out["head"] = side(diff.head);
  out["verdict"] = verdictText(diff.verdict);
  out["governance_change"] = diff.hasChanges();
  unsigned added = 0, removed = 0, edgesAdded = 0;
  for (const DiffDeclaration& d : diff.declarations)
    for (const DiffChange& c : d.changes) {
      if (c.change.kind == AuditChange::Kind::Added) ++added;
      if (c.change.kind == AuditChange::Kind::Removed) ++removed;
    }
  for (const DiffEdge& e : diff.edges) edgesAdded += e.added;
  out["counts"] = {{"loosened", diff.loosened},
                   {"tightened", diff.tightened},
                   {"other", diff.other},
                   {"declarations_added", added},
                   {"declarations_removed", removed},
                   {"renamed", diff.renamed},
                   {"edges_added", edgesAdded},
                   {"edges_removed", diff.edges.size() - edgesAdded}};
  Json reviewers = Json::array();
  for (const DiffReviewer& r : diff.reviewers) reviewers.push_back({{"role", r.role},
                         {"standard_role", r.standardRole.empty() ? Json() : Json(r.standardRole)},
                         {"members", r.members}});
  out["reviewers"] = reviewers;
  Json declarations = Json::array();
  for (const DiffDeclaration& d : diff.declarations) {
    Json changes = Json::array();
    for (const DiffChange& c : d.changes)
      changes.push_back({{"kind", auditChangeKindName(c.change.kind)},
                         {"direction", direction(c.change.direction)},
                         {"field", c.change.field},
                         {"before", c.change.before},
                         {"after", c.change.after},
                         {"summary", c.change.summary},
                         {"location", location(c.location)}});
    declarations.push_back({{"declaration", d.declaration},
                            {"label", d.label},
                            {"direction", direction(d.direction)},
                            {"renamed_from", d.renamedFrom.empty() ? Json() : Json(d.renamedFrom)},
                            {"changes", changes}});
  }
  out["declarations"] = declarations;
  Json edges = {{"removed", Json::array()}, {"added", Json::array()}};
  for (const DiffEdge& e : diff.edges)
    edges[e.added ? "added" : "removed"].push_back({{"from", e.edge.from}, {"to", e.edge.to}, {"kind", e.edge.kind}});
  out["edges"] = edges;
  return out;
}

std::string renderDiffJson(const GovernanceDiff& diff) {
  // Bytes that are not UTF-8 (a hostile spec's) become U+FFFD, never an exception.
  return diffJson(diff).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace mlops::emit

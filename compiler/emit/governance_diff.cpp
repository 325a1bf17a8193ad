#include "emit/governance_diff.h"

#include "emit/spec_reviewers.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

namespace mlops::emit {
namespace {

using Direction = AuditChange::Direction;
using Kind = AuditChange::Kind;

// Renames tried at most (each costs a copy of the base and a comparison):
// a hostile pair of specs with thousands of removed and added nodes stays
// linear-ish; beyond it, the rest show as removed and added.
constexpr unsigned kMaxRenameTrials = 64;

std::string shortName(const std::string& name) {
  size_t dot = name.rfind('.');
  return name.rfind("std.", 0) == 0 && dot != std::string::npos ? name.substr(dot + 1) : name;
}

std::string nodeName(const std::string& id) {
  size_t colon = id.find(':');
  return colon == std::string::npos ? id : id.substr(colon + 1);
}

std::string kindOf(const std::string& declaration) {
  size_t colon = declaration.find(':');
  return colon == std::string::npos ? declaration : declaration.substr(0, colon);
}

int rank(Direction d) { return d == Direction::Loosened ? 0 : d == Direction::Tightened ? 1 : 2; }

Direction strongest(Direction a, Direction b) { return rank(a) <= rank(b) ? a : b; }

int riskRank(const std::string& tier) { return tier == "low" ? 1 : tier == "medium" ? 2 : tier == "high" ? 3 : 0; }

// ---- the graphs compared

// A graph standing for "no such version" beside `other`: its project and
// its standard roles (they come with every spec), nothing of its own. The
// project then compares equal; the caller reports it added or removed.
ir::PipelineGraph emptyBeside(const ir::PipelineGraph& other) {
  ir::PipelineGraph g;
  g.projectName = other.projectName;
  g.version = other.version;
  g.riskTier = other.riskTier;
  g.image = other.image;
  g.projectDoc = other.projectDoc;
  g.projectDescription = other.projectDescription;
  g.signers = other.signers;
  for (const ir::Role& r : other.roles)
    if (r.stdlib) g.roles.push_back(r);
  return g;
}

void renameIn(std::vector<std::string>& ids, const std::string& from, const std::string& to) {
  for (std::string& id : ids)
    if (id == from) id = to;
}

void renameIn(std::string& id, const std::string& from, const std::string& to) {
  if (id == from) id = to;
}

// `old` → `now` everywhere in `g`: the node, every reference to it (inputs,
// `after`, targets, gates, deploys, monitors, conditions), its edges and
// the pipelines.
void renameNode(ir::PipelineGraph& g, const std::string& old, const std::string& now) {
  const std::string oldName = nodeName(old), newName = nodeName(now);
  for (ir::Node& n : g.nodes) {
    if (n.id == old) {
      n.id = now;
      n.name = newName;
    }
    for (ir::Input& in : n.inputs) {
      if (in.node != old) continue;
      in.node = now;
      if (in.as == oldName) in.as = newName;
      else if (in.as.rfind(oldName + ".", 0) == 0) in.as = newName + in.as.substr(oldName.size());
    }
    renameIn(n.orderAfter, old, now);
    renameIn(n.require, old, now);
    renameIn(n.whenReads, old, now);
    renameIn(n.target, old, now);
    renameIn(n.model, old, now);
    renameIn(n.after, old, now);
    renameIn(n.deploy, old, now);
    std::function<void(nlohmann::ordered_json&)> walk = [&](nlohmann::ordered_json& t) {
      if (!t.is_object()) return;
      if (auto p = t.find("path"); p != t.end() && p->is_array() && !p->empty() && (*p)[0] == old) (*p)[0] = now;
      if (auto a = t.find("args"); a != t.end() && a->is_array())
        for (auto& x : *a) walk(x);
    };
    walk(n.when.tree);
  }
  g.reindex();
  for (ir::Edge& e : g.edges) {
    renameIn(e.from, old, now);
    renameIn(e.to, old, now);
  }
  for (ir::Pipeline& p : g.pipelines) {
    renameIn(p.targets, old, now);
    renameIn(p.nodes, old, now);
  }
}

using EdgeKey = std::tuple<std::string, std::string, std::string>;

EdgeKey keyOf(const ir::Edge& e) { return {e.from, e.to, e.kind}; }

std::set<EdgeKey> edgesOf(const ir::PipelineGraph& g, const std::string& node = {}) {
  std::set<EdgeKey> out;
  for (const ir::Edge& e : g.edges)
    if (node.empty() || e.from == node || e.to == node) out.insert(keyOf(e));
  return out;
}

// ---- locations

const ir::PropertyPositions* positionsOf(const ir::PipelineGraph& g, const std::string& declaration,
                                         ir::Location& where) {
  if (declaration == "project") {
    where = g.projectLocation;
    return &g.projectProperties;
  }
  std::string kind = kindOf(declaration), name = nodeName(declaration);
  if (kind == "role") {
    for (const ir::Role& r : g.roles)
      if (r.name == name) {
        where = r.location;
        return &r.properties;
      }
    return nullptr;
  }
  if (kind == "kpi") {
    for (const ir::Kpi& k : g.kpis)
      if (k.name == name) {
        where = k.location;
        return &k.properties;
      }
    return nullptr;
  }
  if (kind == "pipeline") {
    for (const ir::Pipeline& p : g.pipelines)
      if (p.name == name) {
        where = p.location;
        return &p.properties;
      }
    return nullptr;
  }
  if (const ir::Node* n = g.find(declaration)) {
    where = n->location;
    return &n->properties;
  }
  return nullptr;
}

// The property's own line when the graph was compiled from a spec: the
// field itself, a check argument by its name (`uses.threshold` is written
// `threshold`), the block holding an entry (`quota` for `quota.cpu` when
// the entry is gone), a monitor's interval at its `expect`; else the
// declaration's.
std::optional<DiffLocation> locate(const ir::PipelineGraph& g, const std::string& declaration,
                                   const std::string& field, bool inBase, bool propertyOnly) {
  ir::Location where;
  const ir::PropertyPositions* positions = positionsOf(g, declaration, where);
  if (!positions) return std::nullopt;
  std::vector<std::string> keys;
  if (!field.empty()) {
    keys.push_back(field);
    if (field.rfind("uses.", 0) == 0) keys.push_back(field.substr(5));
    if (size_t dot = field.find('.'); dot != std::string::npos) keys.push_back(field.substr(0, dot));
    if (field == "every") keys.push_back("expect");
    if (field == "permissions") keys.push_back("can");
  }
  for (const std::string& key : keys)
    if (const ir::PropertyPosition* p = ir::findProperty(*positions, key))
      return DiffLocation{where.file, p->line, p->column, inBase};
  if (propertyOnly) return std::nullopt;
  return DiffLocation{where.file, where.line, where.column, inBase};
}

// ---- who must review

struct Graphs {
  const ir::PipelineGraph* head;  // may be null
  const ir::PipelineGraph* base;  // may be null

  template <typename F>
  void each(F f) const {
    if (head) f(*head);
    if (base) f(*base);
  }
  const ir::Node* find(const std::string& id) const {
    if (head)
      if (const ir::Node* n = head->find(id)) return n;
    if (base)
      if (const ir::Node* n = base->find(id)) return n;
    return nullptr;
  }
};

void gatesOfModel(const Graphs& gs, const std::string& model, std::set<std::string>& out) {
  gs.each([&](const ir::PipelineGraph& g) {
    for (const ir::Node& n : g.nodes)
      if (n.kind == ir::NodeKind::Gate && n.model == model) out.insert(n.id);
  });
}

void gatesRequiring(const Graphs& gs, const std::string& test, std::set<std::string>& out) {
  gs.each([&](const ir::PipelineGraph& g) {
    for (const ir::Node& n : g.nodes)
      if (n.kind == ir::NodeKind::Gate && std::find(n.require.begin(), n.require.end(), test) != n.require.end())
        out.insert(n.id);
  });
}

void gatesOfTest(const Graphs& gs, const std::string& test, std::set<std::string>& out) {
  gatesRequiring(gs, test, out);
  if (const ir::Node* t = gs.find(test)) gatesOfModel(gs, t->target, out);
}

// The gates whose approvals stand behind the changed declaration.
std::set<std::string> affectedGates(const Graphs& gs, const AuditChange& c) {
  std::set<std::string> out;
  const std::string kind = kindOf(c.declaration);
  if (c.declaration == "project") {
    gs.each([&](const ir::PipelineGraph& g) {
      for (const ir::Node& n : g.nodes)
        if (n.kind == ir::NodeKind::Gate) out.insert(n.id);
    });
  } else if (kind == "gate") {
    out.insert(c.declaration);
  } else if (kind == "test") {
    gatesOfTest(gs, c.declaration, out);
  } else if (kind == "model") {
    gatesOfModel(gs, c.declaration, out);
  } else if (kind == "deploy" || kind == "monitor") {
    const ir::Node* n = gs.find(c.declaration);
    if (n && kind == "monitor") n = gs.find(n->deploy);
    if (n) {
      if (!n->after.empty()) out.insert(n->after);
      gatesOfModel(gs, n->model, out);
    }
  } else if (kind == "data") {
    gs.each([&](const ir::PipelineGraph& g) {
      for (const ir::Node& n : g.nodes)
        if (n.kind == ir::NodeKind::Test && n.target == c.declaration) gatesOfTest(gs, n.id, out);
    });
  } else if (kind == "kpi") {
    gs.each([&](const ir::PipelineGraph& g) {
      for (const ir::Node& n : g.nodes)
        if (n.kind == ir::NodeKind::Model && n.kpi == nodeName(c.declaration)) gatesOfModel(gs, n.id, out);
    });
  } else if (kind == "role") {
    gs.each([&](const ir::PipelineGraph& g) {
      for (const ir::Node& n : g.nodes)
        for (const ir::Approval& a : n.approvals)
          if (a.role == nodeName(c.declaration)) out.insert(n.id);
    });
  }
  return out;
}

// What the verdict says a change is on: the model a test, gate, deploy or
// monitor guards; else the declaration itself.
std::string subjectOf(const Graphs& gs, const AuditChange& c, const std::string& label) {
  const std::string kind = kindOf(c.declaration);
  const ir::Node* n = gs.find(c.declaration);
  if (n && kind == "monitor") n = gs.find(n->deploy);
  if (n && (kind == "test" || kind == "monitor" || kind == "gate" || kind == "deploy")) {
    const std::string& guarded = kind == "test" ? n->target : n->model;
    if (const ir::Node* m = gs.find(guarded)) return std::string(ir::nodeKindName(m->kind)) + " " + m->name;
  }
  if (n) return std::string(ir::nodeKindName(n->kind)) + " " + n->name;
  (void)label;
  if (c.declaration == "project") return "project";
  return kind + " " + shortName(nodeName(c.declaration));
}

// Of the spec's reviewers (spec_reviewers.h: the roles approving its gates,
// the ML architects when it has quotas), those this change needs: the
// roles approving the affected `gates`, and with `quotas` the ML
// architects. NEW's reviewers first, then BASE's (what was removed).
std::vector<DiffReviewer> reviewersFor(const Graphs& gs, const std::set<std::string>& gates, bool quotas) {
  std::set<std::string> approving;
  gs.each([&](const ir::PipelineGraph& g) {
    for (const ir::Node& n : g.nodes)
      if (n.kind == ir::NodeKind::Gate && gates.count(n.id))
        for (const ir::Approval& a : n.approvals) approving.insert(a.role);
  });
  std::vector<DiffReviewer> out;
  std::set<std::string> listed;
  gs.each([&](const ir::PipelineGraph& g) {
    for (const SpecReviewer& r : specReviewers(g)) {
      bool wanted = approving.count(r.role) || (quotas && r.standardRole == "ml_architect");
      if (!wanted || !listed.insert(r.role).second) continue;
      out.push_back({shortName(r.role), r.standardRole == shortName(r.role) ? "" : r.standardRole, r.members});
    }
  });
  return out;
}

bool isQuota(const AuditChange& c) { return c.field.rfind("quota.", 0) == 0; }

// Who may approve or sign: the signers file, the members of a role that
// approves a gate.
bool isTrustChange(const Graphs& gs, const AuditChange& c) {
  if (c.declaration == "project" && c.field == "signers") return true;
  if (kindOf(c.declaration) != "role" || c.field != "members") return false;
  bool approves = false;
  gs.each([&](const ir::PipelineGraph& g) {
    for (const ir::Node& n : g.nodes)
      for (const ir::Approval& a : n.approvals)
        if (a.role == nodeName(c.declaration)) approves = true;
  });
  return approves;
}

// ---- the verdict

class Verdict {
 public:
  Verdict& text(std::string t) {
    if (!pieces_.empty() && !pieces_.back().code) pieces_.back().text += t;
    else pieces_.push_back({std::move(t), false});
    return *this;
  }
  Verdict& code(std::string t) {
    pieces_.push_back({std::move(t), true});
    return *this;
  }
  std::vector<VerdictPiece> take() { return std::move(pieces_); }

 private:
  std::vector<VerdictPiece> pieces_;
};

// `gate \`production\``, `role \`validators\``, `project \`credit_risk\``:
// as diffGraphs starts its summaries.
std::string labelOf(const std::string& declaration, const std::string& project) {
  if (declaration == "project") return "project `" + project + "`";
  return kindOf(declaration) + " `" + shortName(nodeName(declaration)) + "`";
}

std::string count(unsigned n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

const char* diffSideName(DiffSide side) {
  switch (side) {
    case DiffSide::Spec: return "spec";
    case DiffSide::Ir: return "pipeline.json";
    case DiffSide::Absent: return "absent";
    case DiffSide::Unusable: return "unusable";
  }
  return "absent";
}

std::string verdictText(const std::vector<VerdictPiece>& verdict) {
  std::string out;
  for (const VerdictPiece& p : verdict) out += p.code ? "`" + p.text + "`" : p.text;
  return out;
}

GovernanceDiff computeGovernanceDiff(const DiffInput& base, const DiffInput& head) {
  GovernanceDiff out;
  out.base = base;
  out.head = head;
  const ir::PipelineGraph* baseGraph = base.graph;
  const ir::PipelineGraph* headGraph = head.graph;
  if (!baseGraph && !headGraph) {
    out.verdict = Verdict().text("no governance change").take();
    return out;
  }
  out.project = headGraph ? headGraph->projectName : baseGraph->projectName;

  // The two sides compared; an absent one is an empty graph beside the other.
  ir::PipelineGraph before = baseGraph ? *baseGraph : emptyBeside(*headGraph);
  const ir::PipelineGraph emptyAfter = headGraph ? ir::PipelineGraph() : emptyBeside(*baseGraph);
  const ir::PipelineGraph& after = headGraph ? *headGraph : emptyAfter;

  // Renames: a removed node and an added one of the same kind that compare
  // equal once the old name is the new one.
  std::vector<std::pair<std::string, std::string>> renames;  // old id, new id
  if (baseGraph && headGraph) {
    // Copies: `before` is replaced as renames are found.
    std::vector<std::pair<std::string, ir::NodeKind>> removed;
    std::vector<const ir::Node*> added;
    for (const ir::Node& n : before.nodes)
      if (!n.fanOut && !after.find(n.id)) removed.emplace_back(n.id, n.kind);
    for (const ir::Node& n : after.nodes)
      if (!n.fanOut && !before.find(n.id)) added.push_back(&n);
    std::set<std::string> used;
    unsigned trials = 0;
    for (const auto& [old, kind] : removed) {
      if (trials >= kMaxRenameTrials) break;
      for (const ir::Node* a : added) {
        if (kind != a->kind || used.count(a->id)) continue;
        if (++trials > kMaxRenameTrials) break;
        const std::string& now = a->id;
        ir::PipelineGraph renamed = before;
        renameNode(renamed, old, now);
        bool same = edgesOf(renamed, now) == edgesOf(after, now);
        if (same)
          for (const AuditChange& c : diffGraphs(renamed, after))
            if (c.declaration == now || c.declaration == old) {
              same = false;
              break;
            }
        if (!same) continue;
        before = std::move(renamed);
        renames.emplace_back(old, now);
        used.insert(now);
        break;
      }
    }
  }
  out.renamed = static_cast<unsigned>(renames.size());

  std::vector<AuditChange> changes = diffGraphs(before, after);
  // The project itself, when a side is absent (a new or a deleted spec).
  if (!baseGraph || !headGraph) {
    AuditChange c;
    c.kind = headGraph ? Kind::Added : Kind::Removed;
    c.direction = headGraph ? Direction::None : Direction::Loosened;
    c.declaration = "project";
    c.summary = "project `" + out.project + "` " + (headGraph ? "added" : "removed: every control removed") +
                (headGraph ? "" : " (loosened)");
    changes.insert(changes.begin(), c);
  }
  for (const auto& [old, now] : renames) {
    AuditChange c;
    c.declaration = now;
    c.field = "name";
    c.before = nodeName(old);
    c.after = nodeName(now);
    const ir::Node* n = after.find(now);
    c.summary = std::string(n ? ir::nodeKindName(n->kind) : "node") + " `" + nodeName(now) + "`: renamed from `" +
                nodeName(old) + "`";
    changes.push_back(c);
  }

  // Grouped by declaration, in the order diffGraphs gives them.
  const Graphs gs{headGraph, baseGraph};
  std::map<std::string, size_t> index;
  std::set<std::string> reviewGates;
  std::vector<std::string> subjects;
  bool quotaReview = false;
  for (const AuditChange& c : changes) {
    auto [it, inserted] = index.emplace(c.declaration, out.declarations.size());
    if (inserted) {
      DiffDeclaration d;
      d.declaration = c.declaration;
      out.declarations.push_back(std::move(d));
    }
    DiffDeclaration& d = out.declarations[it->second];
    DiffChange dc;
    dc.change = c;
    // The summary without its declaration's label.
    std::string label = labelOf(c.declaration, out.project);
    if (c.summary.rfind(label + ": ", 0) == 0) dc.text = c.summary.substr(label.size() + 2);
    else dc.text = c.summary;
    if (d.label.empty()) d.label = label;
    // Where: NEW's line for what is there now, BASE's for what went.
    bool propertyGone = c.kind == Kind::Changed && c.after.empty() && !c.before.empty();
    std::optional<DiffLocation> at;
    if (propertyGone && baseGraph) at = locate(*baseGraph, c.declaration, c.field, true, true);
    if (!at && c.kind != Kind::Removed && headGraph) at = locate(*headGraph, c.declaration, c.field, false, false);
    if (!at && baseGraph) at = locate(*baseGraph, c.declaration, c.field, true, false);
    if (at) dc.location = *at;
    d.direction = d.changes.empty() ? c.direction : strongest(d.direction, c.direction);
    d.changes.push_back(std::move(dc));

    if (c.direction == Direction::Loosened) ++out.loosened;
    else if (c.direction == Direction::Tightened) ++out.tightened;
    else ++out.other;
    bool trust = isTrustChange(gs, c);
    out.trustChanged |= trust;
    if (c.direction == Direction::Loosened || trust) {
      for (const std::string& g : affectedGates(gs, c)) reviewGates.insert(g);
      quotaReview |= isQuota(c);
      std::string subject = subjectOf(gs, c, label);
      if (std::find(subjects.begin(), subjects.end(), subject) == subjects.end()) subjects.push_back(subject);
    }
  }
  for (const auto& [old, now] : renames) {
    auto it = index.find(now);
    if (it != index.end()) out.declarations[it->second].renamedFrom = nodeName(old);
  }
  for (DiffDeclaration& d : out.declarations)
    std::stable_sort(d.changes.begin(), d.changes.end(), [](const DiffChange& x, const DiffChange& y) {
      return rank(x.change.direction) < rank(y.change.direction);
    });
  std::stable_sort(out.declarations.begin(), out.declarations.end(),
                   [](const DiffDeclaration& x, const DiffDeclaration& y) { return rank(x.direction) < rank(y.direction); });

  // The graph's edges, after renames.
  std::set<EdgeKey> edgesBefore = edgesOf(before), edgesAfter = edgesOf(after);
  for (const ir::Edge& e : before.edges)
    if (!edgesAfter.count(keyOf(e))) out.edges.push_back({false, e});
  for (const ir::Edge& e : after.edges)
    if (!edgesBefore.count(keyOf(e))) out.edges.push_back({true, e});

  // A new spec (or one whose base is unusable) needs the review of the
  // approvers of its gates, as a change that loosens does.
  bool fresh = !baseGraph;
  if (fresh)
    for (const ir::Node& n : after.nodes)
      if (n.kind == ir::NodeKind::Gate) reviewGates.insert(n.id);
  bool review = out.loosened > 0 || out.trustChanged || (fresh && headGraph);
  if (review) out.reviewers = reviewersFor(gs, reviewGates, quotaReview);

  // The verdict, one line.
  std::string tier;
  if (headGraph) tier = headGraph->riskTier;
  if (baseGraph && riskRank(baseGraph->riskTier) > riskRank(tier)) tier = baseGraph->riskTier;
  std::string risky = tier.empty() ? "" : tier + "-risk ";
  Verdict v;
  auto subjectList = [&]() {
    if (subjects.empty() || subjects.size() > 3 ||
        std::find(subjects.begin(), subjects.end(), "project") != subjects.end()) {
      v.text(risky + "project ").code(out.project);
      return;
    }
    for (size_t i = 0; i < subjects.size(); ++i) {
      if (i) v.text(i + 1 == subjects.size() ? " and " : ", ");
      size_t space = subjects[i].find(' ');
      v.text((i == 0 ? risky : std::string()) + subjects[i].substr(0, space + 1)).code(subjects[i].substr(space + 1));
    }
  };
  // At most this many roles and members each in the verdict (the JSON's
  // `reviewers` has them all): one line of a comment.
  constexpr size_t kVerdictRoles = 6, kVerdictMembers = 8;
  auto reviewers = [&]() {
    if (out.reviewers.empty()) {
      v.text(": needs review, but the spec names no role for it");
      return;
    }
    v.text(": needs review by ");
    for (size_t i = 0; i < out.reviewers.size(); ++i) {
      if (i == kVerdictRoles) {
        v.text(" and " + count(static_cast<unsigned>(out.reviewers.size() - i), "more role", "more roles"));
        break;
      }
      const DiffReviewer& r = out.reviewers[i];
      if (i) v.text(", ");
      v.code(r.role);
      v.text(" (" + (r.standardRole.empty() ? std::string() : r.standardRole + ": "));
      if (r.members.empty()) {
        v.text("no members)");
        continue;
      }
      for (size_t m = 0; m < r.members.size(); ++m) {
        if (m == kVerdictMembers) {
          v.text(" and " + std::to_string(r.members.size() - m) + " more");
          break;
        }
        if (m) v.text(", ");
        v.text(r.members[m]);
      }
      v.text(")");
    }
  };
  unsigned declarationsCount = 0;
  for (const DiffDeclaration& d : out.declarations)
    if (d.declaration != "project") ++declarationsCount;
  if (!out.hasChanges()) {
    v.text("no governance change");
  } else if (!headGraph) {
    v.text("deletes the spec of " + risky + "project ").code(out.project);
    v.text(": removes " + count(out.loosened ? out.loosened - 1 : 0, "control", "controls"));
    reviewers();
  } else if (fresh) {
    if (base.side == DiffSide::Unusable) v.text("the base could not be used; ");
    v.text("new spec for " + risky + "project ").code(out.project);
    v.text(": " + count(declarationsCount, "declaration", "declarations") + " added");
    reviewers();
  } else if (out.loosened > 0) {
    v.text("loosens " + count(out.loosened, "control", "controls"));
    if (out.tightened) v.text(", tightens " + std::to_string(out.tightened));
    v.text(" on ");
    subjectList();
    reviewers();
  } else if (out.trustChanged) {
    v.text("changes who may approve or sign on ");
    subjectList();
    reviewers();
  } else if (out.tightened > 0) {
    v.text("tightens " + count(out.tightened, "control", "controls") + ", loosens none");
    if (out.other) v.text("; " + count(out.other, "other change", "other changes"));
  } else {
    v.text("no control loosened or tightened: " + count(out.other, "change", "changes") + " in " +
           count(static_cast<unsigned>(out.declarations.size()), "declaration", "declarations"));
    if (out.declarations.empty()) v.text(", " + count(static_cast<unsigned>(out.edges.size()), "edge", "edges") + " changed");
  }
  out.verdict = v.take();
  return out;
}

}  // namespace mlops::emit

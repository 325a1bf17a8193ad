// The governance diff of `mlopsc diff BASE NEW` (docs/diff.md): what a
// change to a spec does to its controls, for a pull-request comment. The
// changes are emit::diffGraphs' (audit_changes.h, the same computation as
// section 10 of the audit report); this adds what a reviewer needs on top:
// where each change is written (file:line), renames, the pipeline graph's
// added and removed edges, grouping by declaration (loosened first), who
// must review, and a one-line verdict. diff_markdown.h and diff_json.h
// render it.
#pragma once

#include "emit/audit_changes.h"
#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

// What was given on one side of the diff.
enum class DiffSide {
  Spec,      // a .mlops file, compiled
  Ir,        // a pipeline.json, read back (no property positions)
  Absent,    // /dev/null: no such version (a new or a deleted spec)
  Unusable,  // the base could not be compiled or read: compared as if absent
};
const char* diffSideName(DiffSide side);  // spec | pipeline.json | absent | unusable

struct DiffInput {
  const ir::PipelineGraph* graph = nullptr;  // null unless Spec or Ir
  DiffSide side = DiffSide::Absent;
  std::string path;     // as given on the command line
  std::string problem;  // Unusable: why ("the base version could not be compiled: 2 errors")
};

struct DiffLocation {
  std::string file;  // as the compiler was given it ("" when unknown)
  unsigned line = 0, column = 0;
  bool inBase = false;  // a removed declaration or property: BASE's line
};

struct DiffChange {
  AuditChange change;
  std::string text;  // the summary without its declaration's label
  DiffLocation location;
};

// One declaration's changes, in diffGraphs' field order with loosened ones
// first.
struct DiffDeclaration {
  std::string declaration;  // as AuditChange::declaration (`gate:production`, `role:validators`, `project`)
  std::string label;        // `gate \`production\``
  std::string renamedFrom;  // the old name of a renamed node, else ""
  AuditChange::Direction direction = AuditChange::Direction::None;  // strongest of its changes
  std::vector<DiffChange> changes;
};

struct DiffEdge {
  bool added = true;
  ir::Edge edge;
};

// A role whose members must review the change, with them (e-mails): those
// of emit::specReviewers (spec_reviewers.h) the change concerns.
struct DiffReviewer {
  std::string role;
  std::string standardRole;  // the std.roles role it descends from (`model_risk_manager`), "" if none or itself
  std::vector<std::string> members;
};

// The verdict as pieces: `code` pieces are names or values (shown as code
// in Markdown, inside backticks in plain text).
struct VerdictPiece {
  std::string text;
  bool code = false;
};

struct GovernanceDiff {
  std::string project;  // NEW's name, else BASE's
  DiffInput base, head;  // graphs not owned; valid while the caller keeps them
  std::vector<DiffDeclaration> declarations;  // loosened first, then tightened, then the rest
  std::vector<DiffEdge> edges;                // removed, then added; each in its graph's order
  unsigned loosened = 0, tightened = 0, other = 0;  // changes (not declarations) by direction
  unsigned renamed = 0;
  // Whether the change touches who may approve or sign (signers, the
  // members of an approving role), which needs review like a loosening.
  bool trustChanged = false;
  std::vector<DiffReviewer> reviewers;  // empty unless something needs review
  std::vector<VerdictPiece> verdict;

  // Anything at all: a declaration, a property or an edge (layout, `//`
  // comments and moved declarations are none).
  bool hasChanges() const { return !declarations.empty() || !edges.empty(); }
};

// The verdict as one line of text, names in backticks.
std::string verdictText(const std::vector<VerdictPiece>& verdict);

// Compares BASE and NEW (docs/diff.md for the rules). Renames: a node
// removed and one added with the same kind whose properties and edges are
// identical once the old name is replaced by the new one everywhere is one
// renamed declaration, not a removal and an addition (at most a bounded
// number of candidate pairs are tried).
GovernanceDiff computeGovernanceDiff(const DiffInput& base, const DiffInput& head);

}  // namespace mlops::emit

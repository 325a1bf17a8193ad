// Section 10 of the audit report: what changed between two versions of a
// project's pipeline graph (a baseline spec or pipeline.json, and now):
// declarations added and removed, properties changed, and — what a model
// risk manager looks for first — thresholds loosened or tightened and
// approvers or quorums changed.
#pragma once

#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

struct AuditChange {
  enum class Kind { Added, Removed, Changed };
  // For a threshold: Loosened lets more through (a lower floor `>=`, a
  // higher ceiling `<`, a warning instead of blocking, a smaller quorum, an
  // approval role dropped, a required test dropped, a test, gate or monitor
  // removed); Tightened the opposite; None for other changes. A change with
  // parts pulling both ways is Loosened: the auditor must see it. The rules
  // in full are in audit_changes.cpp, beside the code that applies them.
  enum class Direction { None, Loosened, Tightened };
  Kind kind = Kind::Changed;
  Direction direction = Direction::None;
  std::string declaration;  // node id (`test:auc_floor`), `role:NAME`, `kpi:NAME`, `pipeline:NAME` or `project`
  // "" for added/removed; else the spec's property (`expect`, `severity`,
  // `approvals`, `members`, `on` for a pipeline's triggers, `permissions`
  // after inheritance), one entry of a map or block as `params.c`,
  // `outputs.model`, `env.NAME`, `resources.memory`, `quota.cpu`,
  // `uses.threshold` (a check argument), `schema.income` (a column).
  std::string field;
  // As the spec writes them ("" when absent), with canonical units: lists
  // `[a, b]`, approvals `2 of validators, risk_owner`, durations `1h`, sizes
  // `8Gi`, numbers without trailing zeros, and fractions where the IR keeps
  // fractions (`0.3` for a KPI target of 30%, canary steps); expressions
  // and argument literals exactly as written; strings without quotes
  // except inside a call (`file("data/x.csv")`, `push("main")`).
  std::string before, after;
  // One line, lowercase, no trailing period, naming the declaration, each
  // part that has a direction followed by it: "test `auc_floor`:
  // threshold lowered from 0.75 to 0.7 (loosened)", "approvers of
  // `validators` changed: +dave@x, -carol@x". Numbers in summaries are the
  // IR's (fractions as fractions).
  std::string summary;
};

// The changes from `before` to `after`, deterministic: the project first,
// then the roles, KPIs, nodes and pipelines of `after` in its declaration
// order, then those only in `before` (removed) in its order; within a
// declaration, fields in a fixed order (the order of pipeline.json). Only
// what changes meaning counts: layout, `//` comments, locations, source hashes and
// the order of set-like lists (members, approvals, required tests) do not.
std::vector<AuditChange> diffGraphs(const ir::PipelineGraph& before, const ir::PipelineGraph& after);

const char* auditChangeKindName(AuditChange::Kind kind);            // added | removed | changed
const char* auditDirectionName(AuditChange::Direction direction);   // "" | loosened | tightened

}  // namespace mlops::emit

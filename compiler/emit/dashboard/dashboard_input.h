// What the dashboard shows, gathered by the driver from the IR and the
// team's record (compiler/driver/dashboard_state.h), so that this library
// stays free of the runtime, as the audit report's AuditState does. Every
// string here is untrusted (spec text, database rows, metrics files, logs):
// the pages escape all of it (html_text.h).
#pragma once

#include "emit/plot_data.h"
#include "ir/pipeline_graph.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::emit::dashboard {

struct RunInfo {
  int64_t id = 0;
  std::string startedAt, status;
};

// One result of a node, in run order.
struct NodeRun {
  int64_t run = 0;
  std::string status, why;
  double seconds = 0, cpuSeconds = 0;
  int64_t maxRssBytes = 0;
};

// What a model run produced: its artifact and its numeric metrics (nested
// objects flattened to `a.b`), in the metrics file's key order.
struct ArtifactInfo {
  int64_t run = 0;
  std::string digest, at;
  std::vector<std::pair<std::string, double>> metrics;
};

struct ApprovalInfo {
  int64_t id = 0;
  std::string gate, role, email, artifact, at, comment;
};

struct GatePassInfo {
  int64_t id = 0, run = 0;
  std::string gate, model, artifact, at;
  std::vector<std::string> approvers;  // "email (role)", in log order
};

// A gate whose model's newest artifact has not passed it: who must act.
struct PendingGate {
  std::string gate, model, artifact;
  struct Role {
    std::string role;
    unsigned quorum = 1;
    std::vector<std::string> members, approvedBy;
  };
  std::vector<Role> roles;
  std::string missing;  // runtime GateTally::missing(): "2 of validators (…), risk_owner (…)"
};

// A KPI reading as a run recorded it (runtime/state/records.h KpiReading):
// the KPI's metric read from a model run's metrics (offline) or a monitor's
// live source (online).
struct KpiPoint {
  int64_t run = 0;
  std::string kpi, model, artifact, source, at;
  double value = 0;
  bool met = false;
};

// A drift bar: the PSI of a column of the data against the reference
// profile of the model's newest gate pass.
struct DriftBar {
  std::string data, column;
  double psi = 0;
  double threshold = 0.2;  // the psi test's, else the usual 0.2
  std::string test;        // the test that judges it ("" when none)
};

// An A/B test's conclusion (runtime/rollout/ab_test.h, AbConclusion::toJson:
// decision, problem, kind, control and treatment {value, n, sd}, difference,
// confidence, interval, p_value, more {control, treatment}): recorded by the
// rollout at a check or at the end, or, for a deploy with none recorded,
// read from its monitors' live sources when the dashboard was made. Read
// defensively: a member of another type is left out.
struct AbResult {
  std::string deploy;  // node id
  std::string stage;   // "check" | "final" | "live now"
  int64_t run = 0;     // the run that concluded it (0: live now)
  std::string metric, at;
  std::string action;  // what the rollout did: "promoted" | "rolled back" | ""
  nlohmann::ordered_json conclusion;
};

// A data source as found when the dashboard was made.
struct DataInfo {
  std::optional<int64_t> rows;       // a CSV file's rows
  std::string modifiedAt;            // the file's modification time (UTC)
  std::optional<double> ageAtLatestRun;  // seconds between that and the newest run's start
  std::string problem;               // why rows or the time are missing
};

// The log of a node whose newest result is a failure.
struct FailedLog {
  std::string node;
  int64_t run = 0;
  std::string text;       // its tail
  bool truncated = false;
};

struct DashboardInput {
  const ir::PipelineGraph* graph = nullptr;
  std::string svg;        // the pipeline graph, each node a link ("" when not drawn)
  std::string record;     // where the state was read (masked)
  std::vector<RunInfo> runs;
  std::map<std::string, std::vector<NodeRun>> history;         // node id → results
  std::map<std::string, std::vector<ArtifactInfo>> artifacts;  // model id → oldest first
  std::vector<ApprovalInfo> approvals;
  std::vector<GatePassInfo> gatePasses;
  std::vector<PendingGate> pending;
  std::vector<KpiPoint> kpiReadings;                           // run order
  std::vector<AbResult> abResults;                             // per ab deploy, in run order
  std::map<std::string, std::vector<DriftBar>> drift;          // model id → bars
  std::map<std::string, DataInfo> data;                        // data node id → what was found
  std::vector<FailedLog> failedLogs;
  std::map<std::string, std::vector<PlotData>> plots;          // node id → one per `plots` entry
  std::string generatedAt;  // "" unless asked (--timestamp)
};

}  // namespace mlops::emit::dashboard

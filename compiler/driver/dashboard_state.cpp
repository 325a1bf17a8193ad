#include "driver/dashboard_state.h"
#include "driver/plot_files.h"

#include "runtime/approvals.h"
#include "runtime/data_table.h"
#include "runtime/drift.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/rollout/ab_check.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

namespace mlops::driver {

namespace dash = emit::dashboard;

namespace {

// The tail of a node's log kept on the data page: enough to see the error.
constexpr size_t kLogTail = 8192;

// Nested objects deeper than this are left out: a hostile metrics file
// must not exhaust the stack.
constexpr int kMaxMetricDepth = 8;

void flatten(const nlohmann::ordered_json& value, const std::string& prefix,
             std::vector<std::pair<std::string, double>>& out, size_t limit, int depth) {
  for (const auto& [key, v] : value.items()) {
    if (out.size() >= limit) return;
    std::string name = prefix.empty() ? key : prefix + "." + key;
    if (v.is_object()) {
      if (depth < kMaxMetricDepth) flatten(v, name, out, limit, depth + 1);
    }
    else if (v.is_number() && std::isfinite(v.get<double>())) out.emplace_back(name, v.get<double>());
  }
}

// Seconds since the epoch of a time the store wrote (`2026-11-27T03:00:16Z`).
std::optional<double> parseUtc(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm));
}

std::string utcText(time_t seconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sourcePath(const ir::Node& data) {
  for (const auto& [key, value] : data.source.arguments)
    if (key == "path") return value;
  return "";
}

std::string joinPath(const std::string& root, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return (root.empty() ? "." : root) + "/" + path;
}

// The last kLogTail bytes of a regular file (never through a link), cut to
// start at a line; "" when there is none.
std::string logTail(const std::string& path, bool& truncated) {
  truncated = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  std::string text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t start = st.st_size > static_cast<off_t>(kLogTail) ? st.st_size - static_cast<off_t>(kLogTail) : 0;
    text.resize(static_cast<size_t>(st.st_size - start));
    ssize_t got = ::pread(fd, text.data(), text.size(), start);
    text.resize(got > 0 ? static_cast<size_t>(got) : 0);
    if (start > 0) {
      truncated = true;
      size_t line = text.find('\n');
      if (line != std::string::npos && line + 1 < text.size()) text.erase(0, line + 1);
    }
  }
  ::close(fd);
  return text;
}

// The PSI threshold a test on `data` applies to `column`: std.checks.psi's
// `threshold` argument, or the number a `drift.psi("column") < N` compares
// with; nullopt when the test does not judge that column.
std::optional<double> psiThreshold(const ir::Node& test, const std::string& column) {
  if (test.uses.check == "std.checks.psi") {
    std::optional<double> threshold = 0.2;
    bool sameColumn = false;
    for (const auto& [name, argument] : test.uses.arguments) {
      const nlohmann::ordered_json& v = argument.contains("value") ? argument["value"] : argument;
      if (name == "column" && v.contains("string")) sameColumn = v["string"] == column;
      if (name == "threshold" && v.contains("number") && v["number"].is_number()) threshold = v["number"].get<double>();
    }
    return sameColumn ? threshold : std::nullopt;
  }
  const nlohmann::ordered_json& tree = test.expect.tree;
  if (!tree.is_object() || !tree.contains("op") || !tree.contains("args")) return std::nullopt;
  if (tree["op"] != "<" && tree["op"] != "<=") return std::nullopt;
  const nlohmann::ordered_json& args = tree["args"];
  if (!args.is_array() || args.size() != 2) return std::nullopt;
  const nlohmann::ordered_json& call = args[0];
  if (!call.is_object() || call.value("call", nlohmann::ordered_json()) != nlohmann::ordered_json{"drift", "psi"})
    return std::nullopt;
  if (!call.contains("args") || !call["args"].is_array() || call["args"].size() != 1 ||
      call["args"][0].value("string", "") != column)
    return std::nullopt;
  if (!args[1].is_object() || !args[1].contains("number") || !args[1]["number"].is_number()) return std::nullopt;
  return args[1]["number"].get<double>();
}

}  // namespace

std::vector<std::pair<std::string, double>> numericMetrics(const std::string& json, size_t limit) {
  std::vector<std::pair<std::string, double>> out;
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) flatten(parsed, "", out, limit, 0);
  return out;
}

dash::DashboardInput readDashboardInput(const ir::PipelineGraph& g, const std::string& root,
                                        const runtime::Record* record) {
  dash::DashboardInput in;
  in.graph = &g;
  in.record = record ? record->describe() : "(none)";

  // Data files as they are now: rows, last change, and their age when the
  // newest run started (not now: the same state gives the same page).
  std::vector<runtime::RunRecord> runs = record ? record->runs() : std::vector<runtime::RunRecord>{};
  for (const runtime::RunRecord& r : runs) in.runs.push_back({r.id, r.startedAt, r.status});
  std::optional<double> newestStart = runs.empty() ? std::nullopt : parseUtc(runs.back().startedAt);
  std::map<std::string, runtime::DataTable> tables;
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Data || n.source.kind != "file") continue;
    dash::DataInfo info;
    std::string path = sourcePath(n);
    struct stat st {};
    if (path.empty() || ::stat(joinPath(root, path).c_str(), &st) != 0) {
      info.problem = "the file `" + path + "` is not there";
    } else {
      info.modifiedAt = utcText(st.st_mtim.tv_sec);
      if (newestStart) info.ageAtLatestRun = std::max(0.0, *newestStart - static_cast<double>(st.st_mtim.tv_sec));
      if (n.format == "csv") {
        std::string error;
        if (std::optional<runtime::DataTable> table = runtime::DataTable::readProjectCsv(root, path, error)) {
          info.rows = static_cast<int64_t>(table->rows.size());
          tables.emplace(n.id, std::move(*table));
        } else {
          info.problem = error;
        }
      }
    }
    in.data.emplace(n.id, std::move(info));
  }
  if (!record) return in;

  for (const ir::Node& n : g.nodes) in.history[n.id];
  for (const auto& [run, r] : record->allNodeResults())
    if (auto it = in.history.find(r.node); it != in.history.end())
      it->second.push_back({run, r.status, r.why, r.seconds, r.cpuSeconds, r.maxRssBytes});
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Model) continue;
    std::vector<runtime::ArtifactRecord> found = record->findArtifacts(n.id, "");
    std::vector<dash::ArtifactInfo>& list = in.artifacts[n.id];
    for (auto a = found.rbegin(); a != found.rend(); ++a)
      list.push_back({a->run, a->digest, a->at, numericMetrics(a->metrics)});
    // The store lists newest first by time; runs give the order.
    std::stable_sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.run < y.run; });
  }

  // Only what verifies counts: the approvals and gate passes up to the
  // first row that does not (runtime/approvals.h, gate_pass_chain.h).
  std::vector<runtime::ApprovalRecord> approvals = record->approvals();
  approvals.resize(runtime::verifiedApprovalCount(approvals));
  for (const runtime::ApprovalRecord& a : approvals)
    in.approvals.push_back({a.id, a.gate, a.role, a.email, a.artifact, a.at, a.comment});
  std::vector<runtime::GatePass> passes = record->gatePasses();
  passes.resize(runtime::verifiedGatePassCount(passes));
  for (const runtime::GatePass& p : passes) {
    dash::GatePassInfo info{p.id, p.run, p.gate, p.model, p.artifact, p.at, {}};
    if (const ir::Node* gate = g.find(p.gate)) {
      std::vector<runtime::ApprovalRecord> then;
      for (const runtime::ApprovalRecord& a : approvals)
        if (a.id <= p.approvalsCount) then.push_back(a);
      for (const runtime::RoleTally& t : runtime::tallyApprovals(g, *gate, p.artifact, then).roles)
        for (const std::string& who : t.approvedBy) info.approvers.push_back(who + " (" + t.role + ")");
    }
    in.gatePasses.push_back(std::move(info));
  }

  // Gates whose model's newest artifact has not passed: who must act, by
  // the same tally a gate makes (signatures are checked when it runs).
  for (const ir::Node& gate : g.nodes) {
    if (gate.kind != ir::NodeKind::Gate || gate.approvals.empty()) continue;
    auto a = in.artifacts.find(gate.model);
    if (a == in.artifacts.end() || a->second.empty()) continue;
    const std::string& artifact = a->second.back().digest;
    bool passed = std::any_of(passes.begin(), passes.end(),
                              [&](const runtime::GatePass& p) { return p.gate == gate.id && p.artifact == artifact; });
    if (passed) continue;
    runtime::GateTally tally = runtime::tallyApprovals(g, gate, artifact, approvals);
    if (tally.met()) continue;
    dash::PendingGate pending{gate.id, gate.model, artifact, {}, tally.missing()};
    for (const runtime::RoleTally& t : tally.roles) pending.roles.push_back({t.role, t.quorum, t.members, t.approvedBy});
    in.pending.push_back(std::move(pending));
  }

  // KPI readings as the runs recorded them (offline from a model run's
  // metrics, online from a monitor's live source: docs/language.md 5.3.1),
  // of the KPIs the graph declares.
  for (const runtime::KpiReading& r : record->kpiReadings()) {
    if (std::none_of(g.kpis.begin(), g.kpis.end(), [&](const ir::Kpi& k) { return k.name == r.kpi; })) continue;
    const ir::Node* model = g.find(r.model);
    in.kpiReadings.push_back({r.run, r.kpi, model ? model->name : r.model, r.artifact, r.source, r.at, r.value, r.met});
  }
  std::stable_sort(in.kpiReadings.begin(), in.kpiReadings.end(),
                   [](const auto& x, const auto& y) { return x.run < y.run; });

  // Drift: each profiled column of the model's newest pass, against the data now.
  for (const ir::Node& m : g.nodes) {
    if (m.kind != ir::NodeKind::Model) continue;
    const runtime::GatePass* newest = nullptr;
    for (const runtime::GatePass& p : passes)
      if (p.model == m.id && !p.profiles.empty()) newest = &p;
    if (!newest) continue;
    for (const runtime::ReferenceProfile& r : newest->profiles) {
      auto table = tables.find(r.data);
      if (table == tables.end()) continue;
      std::string error;
      std::optional<size_t> column = table->second.column(r.column, error);
      if (!column) continue;
      std::optional<double> psi = runtime::populationStabilityIndex(r.profile, table->second, *column, error);
      if (!psi || !std::isfinite(*psi)) continue;
      dash::DriftBar bar{g.find(r.data) ? g.find(r.data)->name : r.data, r.column, *psi, 0.2, ""};
      for (const ir::Node& t : g.nodes)
        if (t.kind == ir::NodeKind::Test && t.target == r.data)
          if (std::optional<double> threshold = psiThreshold(t, r.column)) {
            bar.threshold = *threshold;
            bar.test = t.name;
          }
      in.drift[m.id].push_back(std::move(bar));
    }
  }

  // A/B tests: the conclusions the rollouts recorded at each check and at
  // the end; a deploy with none yet shows its arms in its monitors' live
  // sources now, concluded as its rollout will conclude them.
  for (const runtime::AbRecord& a : record->abConclusions()) {
    if (!g.find(a.deploy)) continue;
    nlohmann::ordered_json conclusion = nlohmann::ordered_json::parse(a.conclusion, nullptr, false);
    in.abResults.push_back({a.deploy, a.stage, a.run, a.metric, a.at, a.action,
                            conclusion.is_discarded() ? nlohmann::ordered_json() : std::move(conclusion)});
  }
  for (const ir::Node& d : g.nodes) {
    if (d.kind != ir::NodeKind::Deploy || d.strategy.kind != "ab" || d.strategy.metric.empty()) continue;
    if (std::any_of(in.abResults.begin(), in.abResults.end(), [&](const dash::AbResult& r) { return r.deploy == d.id; }))
      continue;
    // Never through a link: a page the dashboard serves shows no file a link leads to.
    std::vector<runtime::AbSource> sources = runtime::abSources(g, d, /*followLinks=*/false);
    if (sources.empty()) continue;
    runtime::AbConclusion c = runtime::concludeAbTest(sources, d.strategy.metric, runtime::abSettings(g, d));
    in.abResults.push_back({d.id, "live now", 0, d.strategy.metric, "", "", c.toJson()});
  }

  // The log of each node whose newest result is a failure.
  for (const ir::Node& n : g.nodes) {
    const std::vector<dash::NodeRun>& history = in.history[n.id];
    if (history.empty() || history.back().status != "failed") continue;
    std::string file = n.id;
    std::replace(file.begin(), file.end(), ':', '-');
    dash::FailedLog log{n.id, history.back().run, "", false};
    log.text = logTail(joinPath(root, ".mlops/logs/" + std::to_string(log.run) + "/" + file + ".log"), log.truncated);
    in.failedLogs.push_back(std::move(log));
  }
  in.plots = readPlotFiles(g, root);
  return in;
}

}  // namespace mlops::driver

#include "emit/audit_report.h"

#include "emit/ci_plan.h"
#include "emit/value_text.h"
#include "ir/kpi_target.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace mlops::emit {
namespace {

// A KPI's target as the report writes numbers: ">= 0.3".
std::string kpiTarget(const ir::Kpi& k) { return k.comparison + " " + numberText(k.target); }

using Json = nlohmann::ordered_json;

std::string sourceText(const ir::Source& s) {
  if (s.kind.empty()) return "";
  std::string out = s.kind + "(";
  bool first = true;
  for (const auto& [k, v] : s.arguments) {
    out += first ? "" : ", ";
    bool positional = first && (k == "path" || k == "dsn" || k == "uri" || k == "table" || k == "url");
    out += positional ? "\"" + v + "\"" : k + " = \"" + v + "\"";
    first = false;
  }
  return out + ")";
}

std::string shortId(const std::string& id) {
  size_t colon = id.find(':');
  return colon == std::string::npos ? id : id.substr(colon + 1);
}


// What an expression tree reads: `metrics.auc`, `baseline.auc`,
// `drift.psi()`, `live.error_rate`, check parameters.
void reads(const Json& tree, std::set<std::string>& out) {
  if (tree.is_object()) {
    if (auto p = tree.find("path"); p != tree.end() && p->is_array()) {
      std::string name;
      for (const auto& s : *p) name += (name.empty() ? "" : ".") + s.get<std::string>();
      if (name != "value") out.insert(name);
    }
    if (auto c = tree.find("call"); c != tree.end() && c->is_array()) {
      std::string name;
      for (const auto& s : *c) name += (name.empty() ? "" : ".") + s.get<std::string>();
      out.insert(name + "()");
    }
    for (const auto& [k, v] : tree.items()) reads(v, out);
  } else if (tree.is_array()) {
    for (const auto& v : tree) reads(v, out);
  }
}

// A comparison's numeric bound (`metrics.auc >= 0.75` → ">= 0.75"), for
// the threshold column; "" when the expression is not one comparison.
std::string thresholdOf(const ir::Node& test) {
  const Json& t = test.expect.tree;
  if (!t.is_object() || !t.contains("op") || !t.contains("args")) return "";
  std::string op = t["op"].get<std::string>();
  static const std::set<std::string> comparisons = {"<", "<=", ">", ">=", "==", "!="};
  if (!comparisons.count(op) || t["args"].size() != 2) return "";
  const Json& rhs = t["args"][1];
  if (rhs.is_object() && rhs.contains("number")) return op + " " + numberText(rhs["number"].get<double>());
  if (rhs.is_object() && rhs.contains("path") && rhs["path"].size() == 1)
    for (const auto& [name, literal] : test.uses.arguments)
      if (name == rhs["path"][0]) return op + " " + literal.value("text", std::string());
  return "";
}

Json membersOf(const ir::PipelineGraph& g, const std::string& role) {
  for (const ir::Role& r : g.roles)
    if (r.name == role) return r.members;
  return Json::array();
}

// Every declared plot with the points its file held when the report was
// written (docs/report.md section 4).
Json plotsOf(const ir::PipelineGraph& g, const std::map<std::string, std::vector<PlotData>>& data) {
  Json out = Json::array();
  for (const ir::Node& n : g.nodes)
    for (size_t i = 0; i < n.plots.size(); ++i) {
      const ir::Plot& p = n.plots[i];
      auto found = data.find(n.id);
      const PlotData* d = found != data.end() && i < found->second.size() ? &found->second[i] : nullptr;
      Json points = Json::array();
      if (d)
        for (const PlotPoint& pt : d->points) points.push_back({pt.x, pt.y});
      out.push_back({{"node", n.id},
                     {"file", p.path},
                     {"output", p.output},
                     {"x", p.x},
                     {"y", p.y},
                     {"title", p.title.empty() ? Json() : Json(p.title)},
                     {"template", p.chartTemplate},
                     {"problem", !d ? Json("not read: the report is the spec's evidence alone (--state none)")
                                 : d->problem.empty() ? Json() : Json(d->problem)},
                     {"points", points},
                     {"skipped", d ? d->skipped : 0},
                     {"dropped", d ? d->dropped : 0}});
    }
  return out;
}

}  // namespace

Json buildAuditReport(const AuditInputs& in) {
  const ir::PipelineGraph& g = *in.graph;
  // Indexes, so large graphs cost linear time.
  std::unordered_map<std::string, const ir::Node*> deployByModel;
  std::unordered_map<std::string, bool> blockingTestOf, monitoredDeploy;
  std::unordered_map<std::string, std::string> gateStatusOf;  // model id → "gate `g`: status"
  for (const ir::Node& n : g.nodes) {
    if (n.kind == ir::NodeKind::Deploy && !deployByModel.count(n.model)) deployByModel[n.model] = &n;
    if (n.kind == ir::NodeKind::Test && n.severity != "warning") blockingTestOf[n.target] = true;
    if (n.kind == ir::NodeKind::Monitor) monitoredDeploy[n.deploy] = true;
  }
  std::map<std::string, const AuditState::Result*> lastResult;
  if (in.state)
    for (const AuditState::Result& r : in.state->lastResults) lastResult[r.node] = &r;
  std::map<std::string, std::string> currentArtifact;
  if (in.state)
    for (const std::string& a : in.state->currentArtifacts) {
      size_t eq = a.find('=');
      if (eq != std::string::npos) currentArtifact[a.substr(0, eq)] = a.substr(eq + 1);
    }

  Json report;
  report["report_version"] = kReportVersion;
  report["generated_at"] = in.timestamp.empty() ? Json() : Json(in.timestamp);

  // ---- gates first: the summary's verdict needs them
  Json gates = Json::array();
  size_t gatesPassed = 0, gatesPending = 0;
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Gate) continue;
    const ir::Node* model = g.find(n.model);
    Json gate;
    gate["id"] = n.id;
    gate["name"] = n.name;
    gate["model"] = n.model;
    gate["environment"] = n.environment.empty() ? Json() : Json(n.environment);
    gate["require"] = n.require;
    gate["when"] = n.when.empty() ? Json() : Json(n.when.source);
    Json approvals = Json::array();
    for (const ir::Approval& a : n.approvals)
      approvals.push_back({{"role", shortName(a.role)}, {"quorum", a.quorum}, {"members", membersOf(g, a.role)}});
    gate["approvals"] = approvals;
    // Separation of duties: who may never approve, and why.
    Json excluded = Json::array();
    std::set<std::string> approvers;
    for (const ir::Approval& a : n.approvals)
      for (const auto& m : membersOf(g, a.role)) approvers.insert(m.get<std::string>());
    std::string ownerRole = model ? model->owner : n.owner;
    bool conflict = false;
    for (const auto& m : membersOf(g, ownerRole)) {
      std::string email = m.get<std::string>();
      bool alsoApprover = approvers.count(email) > 0;
      conflict = conflict || alsoApprover;
      excluded.push_back({{"person", email},
                          {"reason", "member of `" + shortName(ownerRole) + "`, which owns model `" +
                                         (model ? model->name : shortId(n.model)) + "`"},
                          {"also_in_an_approval_role", alsoApprover}});
    }
    gate["separation_of_duties"] = {
        {"owner_role", shortName(ownerRole)},
        {"excluded", excluded},
        {"verdict", conflict ? "violated: a member of the owner role is also an approver (E0502)"
                             : "holds: no approver is a member of the owner role"}};
    Json recorded = Json::array();
    std::string status = in.state ? "pending" : "unknown";
    Json evidence;  // null: no pass with release evidence
    std::string artifact = model && currentArtifact.count(model->id) ? currentArtifact[model->id] : "";
    if (in.state) {
      for (const AuditState::Approval& a : in.state->approvals)
        if (a.gate == n.id) {
          Json signature;  // null: the project's approvals are not signed (or were not checked)
          if (!a.signatureStatus.empty())
            signature = {{"status", a.signatureStatus},
                         {"principal", a.signedBy.empty() ? Json() : Json(a.signedBy)},
                         {"key", a.signingKey.empty() ? Json() : Json(a.signingKey)},
                         {"reason", a.signatureReason.empty() ? Json() : Json(a.signatureReason)}};
          recorded.push_back({{"id", a.id},
                              {"person", a.email},
                              {"role", shortName(a.role)},
                              {"at", a.at},
                              {"comment", a.comment},
                              {"artifact", a.artifact},
                              {"for_current_artifact", !artifact.empty() && a.artifact == artifact},
                              {"signature", signature}});
        }
      for (const AuditState::Pass& p : in.state->gatePasses)
        if (p.gate == n.id && (artifact.empty() || p.artifact == artifact)) {
          status = "passed";
          // The newest such pass with signed approvals: what an outsider
          // verifies (docs/attest.md).
          if (p.evidence)
            evidence = {{"pass", p.id},
                        {"export", "mlopsc attest " + n.name + " -o DIR --pass " + std::to_string(p.id)},
                        {"verify", "scripts/verify-release DIR --signers allowed_signers"},
                        {"docs", "docs/attest.md"}};
        }
    }
    if (status == "passed") ++gatesPassed;
    else ++gatesPending;
    gate["status"] = status;
    gateStatusOf[n.model] = "gate `" + n.name + "`: " + status;
    gate["current_artifact"] = artifact.empty() ? Json() : Json(artifact);
    gate["release_evidence"] = evidence;
    gate["recorded_approvals"] = recorded;
    gates.push_back(gate);
  }

  // ---- findings: the compiler's, then what an auditor needs and the spec lacks
  Json findings = Json::array();
  size_t errors = 0, warnings = 0;
  for (const AuditDiagnostic& d : in.diagnostics) {
    errors += d.severity == "error";
    warnings += d.severity == "warning";
    findings.push_back({{"code", d.code},
                        {"severity", d.severity},
                        {"message", d.message},
                        {"file", d.file},
                        {"line", d.line},
                        {"column", d.column},
                        {"explanation", d.explanation}});
  }
  auto audit = [&](const char* code, const ir::Node& n, const std::string& message, const char* why) {
    findings.push_back({{"code", code},
                        {"severity", "finding"},
                        {"message", message},
                        {"file", n.location.file},
                        {"line", n.location.line},
                        {"column", n.location.column},
                        {"explanation", why}});
  };
  for (const ir::Node& n : g.nodes) {
    if (n.kind == ir::NodeKind::Model) {
      auto d = deployByModel.find(n.id);
      const ir::Node* deploy = d == deployByModel.end() ? nullptr : d->second;
      if (deploy && n.doc.empty())
        audit("A01", n, "model `" + n.name + "` is deployed but documents no purpose",
              "an inventory entry needs the model's purpose and use: write a `///` comment above the model");
      if (n.kpi.empty())
        audit("A03", n, "model `" + n.name + "` is linked to no KPI",
              "outcomes analysis needs the business measure the model serves: set `kpi`");
      if (!blockingTestOf.count(n.id))
        audit("A04", n, "model `" + n.name + "` has no blocking test",
              "independent validation needs at least one test that can stop a release");
      if (deploy) {
        if (!monitoredDeploy.count(deploy->id))
          audit("A02", *deploy, "deploy `" + deploy->name + "` of model `" + n.name + "` has no monitor",
                "ongoing monitoring needs a monitor on every production rollout");
      }
    }
    if (n.kind == ir::NodeKind::Gate && n.approvals.empty())
      audit("A05", n, "gate `" + n.name + "` requires no approval",
            "governance needs a named, independent approver for every release gate");
    if (n.kind == ir::NodeKind::Deploy && n.rollback.empty())
      audit("A06", n, "deploy `" + n.name + "` declares no rollback",
            "a failed rollout must be reversible: set `rollback`");
  }

  // ---- 1. summary
  Json summary;
  summary["project"] = g.projectName;
  summary["version"] = g.version;
  summary["risk_tier"] = g.riskTier;
  summary["purpose"] = g.projectDoc;
  summary["compiler_version"] = in.compilerVersion;
  summary["ir_sha256"] = in.irSha256;
  Json sources = Json::array();
  for (const ir::SourceFile& s : g.sources) sources.push_back({{"path", s.path}, {"sha256", s.sha256}});
  summary["sources"] = sources;
  size_t audits = findings.size() - in.diagnostics.size();
  std::string overall;
  if (errors) overall = "not releasable: the spec has errors";
  else if (!in.state) overall = "no run recorded: the evidence below is the spec's alone";
  else if (gatesPending) overall = std::to_string(gatesPending) + " gate(s) pending approval";
  else overall = "every gate passed for the current model artifacts";
  summary["verdict"] = {{"errors", errors},
                        {"warnings", warnings},
                        {"findings", audits},
                        {"gates_passed", gatesPassed},
                        {"gates_pending", gatesPending},
                        {"overall", overall}};
  summary["state"] = in.state ? Json(in.state->path) : Json();
  report["summary"] = summary;

  // ---- 2. model inventory
  Json models = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Model) continue;
    Json m;
    m["id"] = n.id;
    m["name"] = n.name;
    if (n.fanOut) m["fan_out"] = {{"of", n.fanOut->of}, {"item", n.fanOut->item}, {"values", n.fanOut->values}};
    m["purpose"] = n.doc;
    m["owner"] = {{"role", shortName(n.owner)}, {"members", membersOf(g, n.owner)}};
    m["framework"] = n.framework.empty() ? Json() : Json(n.framework);
    Json params = Json::array();
    for (const ir::Param& p : n.params) params.push_back({{"name", p.name}, {"value", p.value.value("text", std::string())}});
    m["params"] = params;
    Json inputs = Json::array();
    for (const ir::Input& i : n.inputs) inputs.push_back(i.as);
    m["inputs"] = inputs;
    Json outputs = Json::array();
    for (const auto& [name, path] : n.outputs) outputs.push_back({{"name", name}, {"path", path}});
    m["outputs"] = outputs;
    m["kpi"] = Json();
    for (const ir::Kpi& k : g.kpis)
      if (k.name == n.kpi)
        m["kpi"] = {{"name", k.name},
                    {"metric", k.metric},
                    {"target", kpiTarget(k)},
                    {"owner", shortName(k.owner)}};
    auto gs = gateStatusOf.find(n.id);
    m["validation"] = gs == gateStatusOf.end() ? "no gate" : gs->second;
    models.push_back(m);
  }
  report["models"] = models;

  // ---- 3. data lineage
  Json data = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Data) continue;
    Json d;
    d["id"] = n.id;
    d["name"] = n.name;
    d["description"] = n.doc;
    d["owner"] = {{"role", shortName(n.owner)}, {"members", membersOf(g, n.owner)}};
    d["source"] = sourceText(n.source);
    d["format"] = n.format.empty() ? Json() : Json(n.format);
    d["freshness"] = n.freshnessSeconds ? Json(durationText(*n.freshnessSeconds)) : Json();
    Json schema = Json::array();
    for (const ir::Column& c : n.schema)
      schema.push_back({{"column", c.name},
                        {"type", c.type},
                        {"constraint", c.where.source},
                        {"pii", std::find(n.pii.begin(), n.pii.end(), c.name) != n.pii.end()}});
    d["schema"] = schema;
    d["pii"] = n.pii;
    data.push_back(d);
  }
  report["data"] = data;
  Json lineage = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Model) continue;
    std::vector<std::string> upData, upSteps;
    std::set<std::string> seen;
    std::function<void(const ir::Node&)> walk = [&](const ir::Node& x) {
      for (const ir::Input& i : x.inputs) {
        if (!seen.insert(i.node).second) continue;
        const ir::Node* up = g.find(i.node);
        if (!up) continue;
        (up->kind == ir::NodeKind::Data ? upData : upSteps).push_back(up->name);
        walk(*up);
      }
    };
    walk(n);
    lineage.push_back({{"model", n.name}, {"data", upData}, {"steps", upSteps}});
  }
  report["lineage"] = lineage;
  // What each step and model changes outside the project.
  Json effects = Json::array();
  for (const ir::Node& n : g.nodes)
    if (!n.effects.empty()) effects.push_back({{"node", n.id}, {"effects", n.effects}});
  report["effects"] = effects;

  // ---- 4. validation tests
  Json tests = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Test) continue;
    Json t;
    t["id"] = n.id;
    t["name"] = n.name;
    t["description"] = n.doc;
    t["target"] = n.target;
    t["expect"] = n.expect.source;
    t["check"] = n.uses.check.empty() ? Json() : Json(n.uses.check);
    Json args = Json::array();
    for (const auto& [name, literal] : n.uses.arguments)
      args.push_back({{"name", name}, {"value", literal.value("text", std::string())}});
    t["arguments"] = args;
    std::string threshold = thresholdOf(n);
    t["threshold"] = threshold.empty() ? Json() : Json(threshold);
    t["severity"] = n.severity;
    t["when"] = n.when.empty() ? Json() : Json(n.when.source);
    std::set<std::string> r;
    reads(n.expect.tree, r);
    t["reads"] = std::vector<std::string>(r.begin(), r.end());
    auto it = lastResult.find(n.id);
    t["last_result"] = it == lastResult.end() ? Json()
                                              : Json{{"status", it->second->status},
                                                     {"detail", it->second->why},
                                                     {"run", it->second->run},
                                                     {"at", it->second->at}};
    tests.push_back(t);
  }
  report["tests"] = tests;
  report["plots"] = plotsOf(g, in.plots);

  // ---- 5. gates and approvals
  report["gates"] = gates;
  Json log;
  if (in.state) {
    log = {{"rows", in.state->approvals.size()},
           {"verified", in.state->chainProblems.empty()},
           {"problems", in.state->chainProblems},
           {"signatures",
            {{"checked", in.state->signaturesChecked},
             {"summary", in.state->signaturesSummary},
             {"problems", in.state->signatureProblems}}}};
  }
  report["approvals_log"] = log;

  // ---- 6. ongoing monitoring
  Json monitors = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Monitor) continue;
    const ir::Node* deploy = g.find(n.deploy);
    Json alert = Json::array();
    for (const std::string& a : n.alert) alert.push_back({{"role", shortName(a)}, {"members", membersOf(g, a)}});
    monitors.push_back({{"id", n.id},
                        {"name", n.name},
                        {"description", n.doc},
                        {"deploy", n.deploy},
                        {"model", deploy ? Json(deploy->model) : Json()},
                        {"source", sourceText(n.source)},
                        {"expect", n.expect.source},
                        {"cadence", n.everySeconds ? Json("every " + durationText(*n.everySeconds)) : Json()},
                        {"alert", alert}});
  }
  report["monitors"] = monitors;

  // KPIs against their targets, by their readings (judged against the
  // target as the spec says it now).
  Json kpis = Json::array();
  for (const ir::Kpi& k : g.kpis) {
    Json latest = {{"offline", Json()}, {"online", Json()}};
    int readings = 0, missed = 0;
    if (in.state)
      for (const AuditState::KpiReading& r : in.state->kpiReadings) {
        if (r.kpi != k.name || (r.source != "offline" && r.source != "online")) continue;
        bool met = ir::kpiTargetMet(k, r.value);
        ++readings;
        if (!met) ++missed;
        latest[r.source] = {{"value", r.value}, {"met", met},          {"run", r.run},
                            {"at", r.at},       {"model", r.model},    {"node", r.node},
                            {"artifact", r.artifact}, {"origin", r.origin}};
      }
    std::string status = !in.state ? "not measured" : readings == 0 ? "no reading" : "met";
    for (const char* source : {"offline", "online"})
      if (latest[source].is_object() && !latest[source]["met"].get<bool>()) status = "missed";
    kpis.push_back({{"name", k.name},
                    {"description", k.doc.empty() ? k.description : k.doc},
                    {"metric", k.metric},
                    {"target", kpiTarget(k)},
                    {"owner", {{"role", shortName(k.owner)}, {"members", membersOf(g, k.owner)}}},
                    {"status", status},
                    {"latest", latest},
                    {"readings", readings},
                    {"missed", missed}});
  }
  report["kpis"] = kpis;

  // Each ab deploy's test: the conclusion its last rollout acted on, and
  // the newest check.
  Json abTests = Json::array();
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Deploy || n.strategy.kind != "ab") continue;
    Json concluded, check;
    int checks = 0;
    if (in.state)
      for (const AuditState::AbConclusion& a : in.state->abConclusions) {
        if (a.deploy != n.id) continue;
        Json figures = Json::parse(a.conclusion, nullptr, /*allow_exceptions=*/false);
        Json row = {{"stage", a.stage},   {"decision", a.decision}, {"action", a.action},
                    {"run", a.run},       {"at", a.at},             {"artifact", a.artifact},
                    {"summary", a.summary}, {"figures", figures.is_object() ? figures : Json()}};
        if (a.stage == "final") concluded = row;
        else ++checks, check = row;
      }
    abTests.push_back({{"deploy", n.id},
                       {"name", n.name},
                       {"model", n.model},
                       {"metric", n.strategy.metric},
                       {"split", n.strategy.split ? Json(*n.strategy.split) : Json()},
                       {"duration", n.strategy.durationSeconds ? Json(durationText(*n.strategy.durationSeconds)) : Json()},
                       {"concluded", concluded},
                       {"latest_check", check},
                       {"checks", checks}});
  }
  report["ab_tests"] = abTests;

  // ---- 7. roles and responsibilities
  Json roles = Json::array();
  for (const ir::Role& r : g.roles) {
    std::vector<std::string> owns, approves, alerted;
    for (const ir::Node& n : g.nodes) {
      if (n.owner == r.name && n.kind != ir::NodeKind::Test && n.kind != ir::NodeKind::Gate) owns.push_back(n.id);
      for (const ir::Approval& a : n.approvals)
        if (a.role == r.name) approves.push_back(n.id + (a.quorum > 1 ? " (" + std::to_string(a.quorum) + " of)" : ""));
      for (const std::string& a : n.alert)
        if (a == r.name) alerted.push_back(n.id);
    }
    for (const ir::Kpi& k : g.kpis)
      if (k.owner == r.name) owns.push_back("kpi:" + k.name);
    for (const ir::Pipeline& p : g.pipelines)
      if (p.owner == r.name) owns.push_back("pipeline:" + p.name);
    Json quota = Json::object();
    if (r.quotaCpu) quota["cpu"] = numberText(*r.quotaCpu);
    if (r.quotaMemoryBytes) quota["memory"] = bytesText(*r.quotaMemoryBytes);
    if (r.quotaGpu) quota["gpu"] = numberText(*r.quotaGpu);
    roles.push_back({{"name", shortName(r.name)},
                     {"title", r.title},
                     {"base", shortName(r.base)},
                     {"stdlib", r.stdlib},
                     {"members", r.members},
                     {"permissions", r.permissions},
                     {"quota", quota},
                     {"owns", owns},
                     {"approves", approves},
                     {"alerted_by", alerted}});
  }
  report["roles"] = roles;

  // ---- 8. findings, 9. graph, 10. changes
  report["findings"] = findings;
  report["graph_svg"] = in.svg.empty() ? Json() : Json(in.svg);
  if (in.changes) {
    Json items = Json::array();
    for (const AuditChange& c : *in.changes)
      items.push_back({{"kind", auditChangeKindName(c.kind)},
                       {"direction", c.direction == AuditChange::Direction::None ? Json() : Json(auditDirectionName(c.direction))},
                       {"declaration", c.declaration},
                       {"field", c.field},
                       {"before", c.before},
                       {"after", c.after},
                       {"summary", c.summary}});
    report["changes"] = {{"baseline", in.baseline}, {"items", items}};
  } else {
    report["changes"] = Json();
  }
  return report;
}

}  // namespace mlops::emit

// Models (models.html, a page per model): for data scientists and
// engineers, every model's metrics across runs and artifacts, its tests
// over time, the gates it passed and who approved, drift per column
// against the threshold, its deploys and their monitors.
#include "emit/dashboard/dashboard_site.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"
#include "emit/dashboard/plot_section.h"
#include "emit/dashboard/svg_chart.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace mlops::emit::dashboard {

namespace {

const std::vector<ArtifactInfo>& artifactsOf(const DashboardInput& input, const std::string& model) {
  static const std::vector<ArtifactInfo> none;
  auto it = input.artifacts.find(model);
  return it == input.artifacts.end() ? none : it->second;
}

std::string historyTable(const DashboardInput& input, const std::string& node, size_t limit) {
  auto it = input.history.find(node);
  if (it == input.history.end() || it->second.empty()) return "<p class=\"muted\">Not run yet.</p>\n";
  const std::vector<NodeRun>& runs = it->second;
  std::string out = "<table>\n<thead><tr><th scope=\"col\">run</th><th scope=\"col\">result</th><th scope=\"col\">why"
                    "</th><th scope=\"col\">time</th></tr></thead>\n<tbody>\n";
  size_t shown = 0;
  for (auto r = runs.rbegin(); r != runs.rend() && shown < limit; ++r, ++shown)
    out += "<tr><td class=\"num\">" + std::to_string(r->run) + "</td><td>" + badge(r->status) + "</td><td>" +
           escape(r->why) + "</td><td class=\"num\">" + secondsText(r->seconds) + "</td></tr>\n";
  out += "</tbody>\n</table>\n";
  if (runs.size() > limit)
    out += "<p class=\"muted\">The newest " + std::to_string(limit) + " of " + std::to_string(runs.size()) +
           " results.</p>\n";
  return out;
}

std::string metricsSection(const DashboardInput& input, const ir::Node& model) {
  const std::vector<ArtifactInfo>& artifacts = artifactsOf(input, model.id);
  std::string out = "<h2 id=\"metrics\">Metrics over runs</h2>\n";
  if (artifacts.empty()) return out + "<p class=\"muted\">No run has recorded an artifact of this model yet.</p>\n";
  // Metric keys in the order they first appear, newest artifact first so
  // that a renamed metric's current name leads.
  std::vector<std::string> keys;
  std::map<std::string, ChartSeries> series;
  for (auto a = artifacts.rbegin(); a != artifacts.rend(); ++a)
    for (const auto& [key, value] : a->metrics)
      if (series.emplace(key, ChartSeries{key, {}}).second) keys.push_back(key);
  for (const ArtifactInfo& a : artifacts)
    for (const auto& [key, value] : a.metrics)
      series[key].points.push_back({static_cast<double>(a.run), value, "artifact " + shortDigest(a.digest)});
  if (keys.empty()) out += "<p class=\"muted\">The model writes no numeric metric.</p>\n";
  out += "<div class=\"charts\">\n";
  for (const std::string& key : keys) {
    LineChart chart;
    chart.title = key;
    chart.valueName = key;
    chart.series.push_back(std::move(series[key]));
    if (!model.kpi.empty())
      for (const ir::Kpi& k : input.graph->kpis)
        if (k.name == model.kpi && k.metric == key) {
          chart.target = k.target;
          chart.targetLabel = k.comparison + " " + number(k.target) + " (KPI " + k.name + ")";
        }
    out += renderLineChart(chart);
  }
  out += "</div>\n";
  const ArtifactInfo& newest = artifacts.back();
  out += "<p>Newest artifact <code>" + escape(newest.digest) + "</code> (run " + std::to_string(newest.run) +
         (newest.at.empty() ? "" : ", " + escape(newest.at)) + "); " + std::to_string(artifacts.size()) +
         (artifacts.size() == 1 ? " artifact" : " artifacts") + " recorded.</p>\n";
  return out;
}

std::string testsSection(const DashboardInput& input, const ir::Node& model) {
  const ir::PipelineGraph& g = *input.graph;
  std::string rows;
  for (const ir::Node& t : g.nodes) {
    if (t.kind != ir::NodeKind::Test || t.target != model.id) continue;
    const NodeRun* last = latestRun(input, t.id);
    auto h = input.history.find(t.id);
    size_t failed = 0, total = 0;
    if (h != input.history.end())
      for (const NodeRun& r : h->second) {
        ++total;
        if (r.status == "failed") ++failed;
      }
    rows += "<tr id=\"" + nodeAnchor(t) + "\"><td>" + escape(t.name) + "</td><td><code>" + escape(t.expect.source) +
            "</code></td><td>" + escape(t.severity) + "</td><td>" + (last ? badge(last->status) : badge("not run yet")) +
            "</td><td class=\"num\">" + std::to_string(failed) + " of " + std::to_string(total) + "</td><td>" +
            (h == input.history.end() ? std::string() : resultStrip(h->second)) + "</td></tr>\n";
  }
  std::string out = "<h2 id=\"tests\">Tests over time</h2>\n";
  if (rows.empty()) return out + "<p class=\"muted\">No test is declared on this model.</p>\n";
  return out +
         "<table>\n<thead><tr><th scope=\"col\">test</th><th scope=\"col\">expects</th><th scope=\"col\">severity</th>"
         "<th scope=\"col\">latest</th><th scope=\"col\">failed</th><th scope=\"col\">results, newest last</th></tr>"
         "</thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n";
}

std::string gatesSection(const DashboardInput& input, const ir::Node& model) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h2 id=\"gates\">Gates passed</h2>\n";
  bool anyGate = false;
  for (const ir::Node& gate : g.nodes) {
    if (gate.kind != ir::NodeKind::Gate || gate.model != model.id) continue;
    anyGate = true;
    std::string approvals;
    for (const ir::Approval& a : gate.approvals)
      approvals += (approvals.empty() ? "" : ", ") + (a.quorum > 1 ? std::to_string(a.quorum) + " of " : "") + escape(a.role);
    const NodeRun* last = latestRun(input, gate.id);
    out += "<h3 id=\"" + nodeAnchor(gate) + "\">gate " + escape(gate.name) + " " +
           badge(last ? last->status : "not run yet") + "</h3>\n";
    if (!gate.doc.empty()) out += "<p class=\"doc\">" + escape(gate.doc) + "</p>\n";
    out += "<p>Approved by " + (approvals.empty() ? std::string("nobody (no approvals required)") : approvals) + ".";
    if (last && last->status != "passed" && !last->why.empty()) out += " Latest: " + escape(last->why) + ".";
    out += "</p>\n";
    std::string rows;
    size_t count = 0;
    for (auto p = input.gatePasses.rbegin(); p != input.gatePasses.rend(); ++p) {
      if (p->gate != gate.id) continue;
      if (++count > 50) continue;
      std::string approvers;
      for (const std::string& a : p->approvers) approvers += (approvers.empty() ? "" : ", ") + escape(a);
      rows += "<tr><td><code>" + escape(shortDigest(p->artifact)) + "</code></td><td class=\"num\">" +
              std::to_string(p->run) + "</td><td>" + escape(p->at) + "</td><td>" +
              (approvers.empty() ? "<span class=\"muted\">none needed</span>" : approvers) + "</td></tr>\n";
    }
    if (rows.empty()) out += "<p class=\"muted\">Never passed.</p>\n";
    else
      out += "<table>\n<thead><tr><th scope=\"col\">artifact</th><th scope=\"col\">run</th><th scope=\"col\">passed at"
             "</th><th scope=\"col\">approvers</th></tr></thead>\n<tbody>\n" +
             rows + "</tbody>\n</table>\n" +
             (count > 50 ? "<p class=\"muted\">The newest 50 of " + std::to_string(count) + " passes.</p>\n" : "");
  }
  if (!anyGate) out += "<p class=\"muted\">No gate guards this model.</p>\n";
  return out;
}

std::string driftSection(const DashboardInput& input, const ir::Node& model) {
  auto it = input.drift.find(model.id);
  if (it == input.drift.end() || it->second.empty()) return "";
  std::string out = "<h2 id=\"drift\">Drift against the last release</h2>\n<p>Population stability index of each "
                    "profiled column, now against the reference profile of the model's newest gate pass.</p>\n";
  BarChart chart;
  chart.title = "PSI per column";
  chart.valueName = "PSI";
  double threshold = it->second.front().threshold;
  for (const DriftBar& b : it->second) {
    chart.bars.push_back({b.data + "." + b.column, b.psi, b.test.empty() ? "" : "test " + b.test});
    threshold = std::min(threshold, b.threshold);
  }
  chart.threshold = threshold;
  chart.thresholdLabel = number(threshold);
  return out + renderBarChart(chart);
}

// A member of a conclusion as a number, when it is one.
std::optional<double> figure(const nlohmann::ordered_json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::string figureText(std::optional<double> v) {
  if (!v) return "<span class=\"muted\">—</span>";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", *v);
  return escape(buf);
}

std::string armText(const nlohmann::ordered_json& c, const char* arm) {
  if (!c.is_object() || !c.contains(arm)) return "<span class=\"muted\">—</span>";
  const nlohmann::ordered_json& a = c[arm];
  std::string out = figureText(figure(a, "value"));
  if (std::optional<double> n = figure(a, "n")) out += " (n " + escape(number(*n)) + ")";
  if (std::optional<double> sd = figure(a, "sd")) out += ", sd " + figureText(sd);
  return out;
}

std::string abSection(const DashboardInput& input, const ir::Node& deploy) {
  std::vector<const AbResult*> results;
  for (const AbResult& r : input.abResults)
    if (r.deploy == deploy.id) results.push_back(&r);
  const size_t limit = 20;
  size_t first = results.size() > limit ? results.size() - limit : 0;
  std::string rows;
  for (size_t i = first; i < results.size(); ++i) {
    const AbResult& r = *results[i];
    const nlohmann::ordered_json& c = r.conclusion;
    std::string decision = c.is_object() && c.contains("decision") && c["decision"].is_string()
                               ? c["decision"].get<std::string>()
                               : "inconclusive";
    std::string interval = "<span class=\"muted\">—</span>";
    if (c.is_object() && c.contains("interval") && c["interval"].is_array() && c["interval"].size() == 2 &&
        c["interval"][0].is_number() && c["interval"][1].is_number())
      interval = figureText(c["interval"][0].get<double>()) + " to " + figureText(c["interval"][1].get<double>());
    std::string why;
    if (c.is_object() && c.contains("problem") && c["problem"].is_string()) why = escape(c["problem"].get<std::string>());
    else if (c.is_object() && c.contains("more") && c["more"].is_object() &&
             (figure(c["more"], "control").value_or(0) > 0 || figure(c["more"], "treatment").value_or(0) > 0))
      why = "needs " + figureText(figure(c["more"], "control")) + " more in control, " +
            figureText(figure(c["more"], "treatment")) + " more in treatment";
    std::optional<double> confidence = figure(c, "confidence");
    std::string when = r.run ? "run " + std::to_string(r.run) + ", " + escape(r.stage) : escape(r.stage);
    if (!r.at.empty()) when += "<br>" + escape(r.at);
    if (!r.action.empty()) why = (why.empty() ? "" : why + "; ") + "the rollout " + escape(r.action);
    rows += "<tr><td>" + when + "</td><td>" + armText(c, "control") +
            "</td><td>" + armText(c, "treatment") + "</td><td class=\"num\">" + figureText(figure(c, "difference")) +
            "</td><td>" + interval + (confidence ? " (" + escape(number(*confidence * 100)) + "%)" : "") +
            "</td><td class=\"num\">" + figureText(figure(c, "p_value")) + "</td><td>" + badge(decision) + "</td><td>" +
            why + "</td></tr>\n";
  }
  if (rows.empty()) return "";
  return "<h4>A/B test on <code>" + escape(deploy.strategy.metric) +
         "</code></h4>\n<table>\n<thead><tr><th scope=\"col\">when</th><th scope=\"col\">control</th><th "
         "scope=\"col\">treatment</th><th scope=\"col\">effect (treatment − control)</th><th scope=\"col\">interval"
         "</th><th scope=\"col\">p</th><th scope=\"col\">decision</th><th scope=\"col\">why</th></tr></thead>\n"
         "<tbody>\n" +
         rows + "</tbody>\n</table>\n" +
         (first ? "<p class=\"muted\">The newest " + std::to_string(limit) + " of " + std::to_string(results.size()) +
                      " conclusions.</p>\n"
                : "");
}

std::string deploysSection(const DashboardInput& input, const ir::Node& model) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h2 id=\"deploys\">Deploys and monitors</h2>\n";
  bool any = false;
  for (const ir::Node& d : g.nodes) {
    if (d.kind != ir::NodeKind::Deploy || d.model != model.id) continue;
    any = true;
    const NodeRun* last = latestRun(input, d.id);
    out += "<h3 id=\"" + nodeAnchor(d) + "\">deploy " + escape(d.name) + " " + badge(last ? last->status : "not run yet") +
           "</h3>\n";
    if (!d.doc.empty()) out += "<p class=\"doc\">" + escape(d.doc) + "</p>\n";
    out += "<p>Strategy " + escape(d.strategy.kind);
    if (d.strategy.split) out += ", split " + number(*d.strategy.split);
    if (!d.strategy.metric.empty()) out += ", metric <code>" + escape(d.strategy.metric) + "</code>";
    out += "; target <code>" + escape(d.deployTarget) + "</code>.</p>\n" + abSection(input, d) + historyTable(input, d.id, 10);
    for (const ir::Node& m : g.nodes) {
      if (m.kind != ir::NodeKind::Monitor || m.deploy != d.id) continue;
      const NodeRun* ml = latestRun(input, m.id);
      out += "<h3 id=\"" + nodeAnchor(m) + "\">monitor " + escape(m.name) + " " +
             badge(ml ? ml->status : "not run yet") + "</h3>\n<p><code>" + escape(m.expect.source) + "</code></p>\n";
      if (!m.doc.empty()) out += "<p class=\"doc\">" + escape(m.doc) + "</p>\n";
      out += historyTable(input, m.id, 10);
    }
  }
  if (!any) out += "<p class=\"muted\">The spec does not deploy this model.</p>\n";
  return out;
}

}  // namespace

std::string modelsPage(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string rows;
  for (const ir::Node& m : g.nodes) {
    if (m.kind != ir::NodeKind::Model) continue;
    const std::vector<ArtifactInfo>& artifacts = artifactsOf(input, m.id);
    std::string metrics;
    if (!artifacts.empty()) {
      size_t shown = 0;
      for (const auto& [key, value] : artifacts.back().metrics) {
        if (shown++ == 4) {
          metrics += ", …";
          break;
        }
        metrics += (metrics.empty() ? "" : ", ") + escape(key) + " " + number(value);
      }
    }
    size_t tests = 0, passing = 0;
    for (const ir::Node& t : g.nodes)
      if (t.kind == ir::NodeKind::Test && t.target == m.id) {
        ++tests;
        const NodeRun* r = latestRun(input, t.id);
        if (r && r->status != "failed" && r->status != "skipped") ++passing;
      }
    const NodeRun* last = latestRun(input, m.id);
    rows += "<tr><td><a href=\"" + modelPage(m) + "\">" + escape(m.name) + "</a></td><td><a href=\"teams.html#role-" +
            slug(m.owner) + "\">" + escape(m.owner) + "</a></td><td>" + (last ? badge(last->status) : badge("not run yet")) +
            "</td><td class=\"num\">" + std::to_string(artifacts.size()) + "</td><td>" + metrics +
            "</td><td class=\"num\">" + std::to_string(passing) + " of " + std::to_string(tests) + "</td></tr>\n";
  }
  std::string out = "<h1>Models</h1>\n";
  if (rows.empty()) return out + "<p class=\"muted\">The spec declares no model.</p>\n";
  return out +
         "<table>\n<thead><tr><th scope=\"col\">model</th><th scope=\"col\">owner</th><th scope=\"col\">latest run</th>"
         "<th scope=\"col\">artifacts</th><th scope=\"col\">newest metrics</th><th scope=\"col\">tests passing</th></tr>"
         "</thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n";
}

std::string modelPageBody(const DashboardInput& input, const ir::Node& model) {
  std::string out = "<h1 id=\"" + nodeAnchor(model) + "\">Model " + escape(model.name) + "</h1>\n";
  if (!model.doc.empty()) out += "<p class=\"doc\">" + escape(model.doc) + "</p>\n";
  out += "<p>Owner <a href=\"teams.html#role-" + slug(model.owner) + "\">" + escape(model.owner) + "</a>";
  if (!model.framework.empty()) out += ", framework " + escape(model.framework);
  if (!model.kpi.empty()) out += ", serves KPI <a href=\"index.html#kpi-" + slug(model.kpi) + "\">" + escape(model.kpi) + "</a>";
  out += ".</p>\n";
  for (auto section : {metricsSection, plotSection, testsSection, gatesSection, driftSection, deploysSection})
    out += section(input, model);
  return out;
}

}  // namespace mlops::emit::dashboard

// Overview (index.html), the subject-matter expert's page: each KPI against
// its target over time in the words of its doc comment, each production
// model's state, the gates waiting for approvals and who must act, the
// newest runs.
#include "emit/dashboard/dashboard_site.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"
#include "emit/dashboard/svg_chart.h"

#include <algorithm>
#include <map>

namespace mlops::emit::dashboard {

namespace {

// At most this many lines in a KPI's chart, the models (and sources) with
// the newest readings; the others are in the table of latest readings and
// on their models' pages.
constexpr size_t kMaxKpiSeries = 6;

// Each model's newest reading of the KPI, when more than one model serves it.
std::string latestPerModel(const std::vector<const KpiPoint*>& readings) {
  std::vector<const KpiPoint*> latest;
  for (auto it = readings.rbegin(); it != readings.rend(); ++it)
    if (std::none_of(latest.begin(), latest.end(), [&](const KpiPoint* p) { return p->model == (*it)->model; }))
      latest.push_back(*it);
  if (latest.size() < 2) return "";
  std::string out = "<table>\n<thead><tr><th scope=\"col\">model</th><th scope=\"col\">latest</th><th scope=\"col\">"
                    "target</th><th scope=\"col\">run</th></tr></thead>\n<tbody>\n";
  for (const KpiPoint* p : latest)
    out += "<tr><td>" + escape(p->model) + "</td><td class=\"num\">" + number(p->value) + "</td><td>" +
           badge(p->met ? "met" : "missed") + "</td><td class=\"num\">" + std::to_string(p->run) + "</td></tr>\n";
  return out + "</tbody>\n</table>\n";
}

std::string readingsChart(const ir::Kpi& k, const std::string& target, const std::vector<const KpiPoint*>& readings) {
  LineChart chart;
  chart.title = k.name + " over runs";
  chart.valueName = k.metric;
  chart.target = k.target;
  chart.targetLabel = target;
  // One line per model and source, the ones with the newest readings first.
  std::vector<std::string> order;
  std::map<std::string, ChartSeries> series;
  bool manyModels = false;
  for (const KpiPoint* p : readings) manyModels = manyModels || p->model != readings.front()->model;
  for (auto it = readings.rbegin(); it != readings.rend(); ++it) {
    std::string name = (manyModels ? (*it)->model + " " : std::string()) + ((*it)->source.empty() ? "reading" : (*it)->source);
    if (series.emplace(name, ChartSeries{name, {}}).second) order.push_back(name);
  }
  size_t omitted = order.size() > kMaxKpiSeries ? order.size() - kMaxKpiSeries : 0;
  order.resize(order.size() - omitted);
  for (const KpiPoint* p : readings) {
    std::string name = (manyModels ? p->model + " " : std::string()) + (p->source.empty() ? "reading" : p->source);
    auto it = series.find(name);
    if (std::find(order.begin(), order.end(), name) == order.end()) continue;
    it->second.points.push_back({static_cast<double>(p->run), p->value,
                                 std::string(p->met ? "met" : "missed") + " · model " + p->model +
                                     (p->artifact.empty() ? "" : " · artifact " + shortDigest(p->artifact))});
  }
  for (const std::string& name : order) chart.series.push_back(std::move(series[name]));
  std::string out = renderLineChart(chart);
  if (omitted)
    out += "<p class=\"muted\">" + std::to_string(omitted) + " more lines (models and sources) are not drawn: their "
           "latest readings are in the table above, their history on their models' pages.</p>\n";
  return out;
}

std::string kpiSection(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h2 id=\"kpis\">Business KPIs</h2>\n";
  if (g.kpis.empty()) return out + "<p class=\"muted\">The spec declares no KPI.</p>\n";
  out += "<div class=\"cards\">\n";
  for (const ir::Kpi& k : g.kpis) {
    std::string target = k.comparison + " " + number(k.target);
    std::vector<const KpiPoint*> readings;
    for (const KpiPoint& p : input.kpiReadings)
      if (p.kpi == k.name) readings.push_back(&p);
    out += "<section class=\"card\" id=\"kpi-" + slug(k.name) + "\">\n<h3>" + escape(k.name) + " ";
    out += readings.empty() ? badge("no reading yet") : badge(readings.back()->met ? "met" : "missed");
    out += "</h3>\n";
    if (!k.doc.empty()) out += "<p class=\"doc\">" + escape(k.doc) + "</p>\n";
    if (!k.description.empty()) out += "<p class=\"muted\">" + escape(k.description) + "</p>\n";
    out += "<p>Target: <code>" + escape(k.metric) + " " + escape(target) + "</code>; owner <a href=\"teams.html#role-" +
           slug(k.owner) + "\">" + escape(k.owner) + "</a>.";
    if (!readings.empty()) {
      const KpiPoint& last = *readings.back();
      out += " Latest: <strong>" + number(last.value) + "</strong> (" + escape(last.source) + ", model " +
             escape(last.model) + ", run " + std::to_string(last.run) + (last.at.empty() ? "" : ", " + escape(last.at)) +
             ").";
    }
    out += "</p>\n";
    if (!readings.empty()) out += latestPerModel(readings) + readingsChart(k, target, readings);
    out += "</section>\n";
  }
  return out + "</div>\n";
}

std::string productionSection(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h2 id=\"production\">Models in production</h2>\n";
  std::string rows;
  for (const ir::Node& m : g.nodes) {
    if (m.kind != ir::NodeKind::Model) continue;
    std::string deploys, monitors;
    for (const ir::Node& d : g.nodes) {
      if (d.kind != ir::NodeKind::Deploy || d.model != m.id) continue;
      const NodeRun* r = latestRun(input, d.id);
      deploys += "<div><a href=\"" + nodeHref(g, d) + "\">" + escape(d.name) + "</a> " +
                 badge(r ? r->status : "not run yet") + "</div>";
      for (const ir::Node& mon : g.nodes) {
        if (mon.kind != ir::NodeKind::Monitor || mon.deploy != d.id) continue;
        const NodeRun* mr = latestRun(input, mon.id);
        monitors += "<div><a href=\"" + nodeHref(g, mon) + "\">" + escape(mon.name) + "</a> " +
                    badge(mr ? mr->status : "not run yet") + "</div>";
      }
    }
    if (deploys.empty()) continue;
    auto a = input.artifacts.find(m.id);
    std::string artifact = a == input.artifacts.end() || a->second.empty()
                               ? "<span class=\"muted\">none yet</span>"
                               : "<code>" + escape(shortDigest(a->second.back().digest)) + "</code> (run " +
                                     std::to_string(a->second.back().run) + ")";
    std::string passed = "<span class=\"muted\">never</span>";
    for (auto it = input.gatePasses.rbegin(); it != input.gatePasses.rend(); ++it)
      if (it->model == m.id) {
        passed = "<code>" + escape(shortDigest(it->artifact)) + "</code> at " + escape(it->at);
        break;
      }
    rows += "<tr><td><a href=\"" + modelPage(m) + "\">" + escape(m.name) + "</a></td><td>" + artifact + "</td><td>" +
            passed + "</td><td>" + deploys + "</td><td>" + (monitors.empty() ? "<span class=\"muted\">none</span>" : monitors) +
            "</td></tr>\n";
  }
  if (rows.empty()) return out + "<p class=\"muted\">No model is deployed by the spec.</p>\n";
  return out +
         "<table>\n<thead><tr><th scope=\"col\">model</th><th scope=\"col\">newest artifact</th><th scope=\"col\">last "
         "released artifact</th><th scope=\"col\">deploys</th><th scope=\"col\">monitors</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n";
}

std::string pendingSection(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h2 id=\"approvals\">Waiting for approval</h2>\n";
  if (input.pending.empty()) return out + "<p class=\"muted\">No gate is waiting for approvals.</p>\n";
  for (const PendingGate& p : input.pending) {
    const ir::Node* gate = g.find(p.gate);
    const ir::Node* model = g.find(p.model);
    out += "<h3>" + (gate ? "<a href=\"" + nodeHref(g, *gate) + "\">gate " + escape(gate->name) + "</a>" : escape(p.gate)) +
           (model ? " for model " + escape(model->name) : "") + ", artifact <code>" + escape(shortDigest(p.artifact)) +
           "</code></h3>\n<p>Needs approval by " + escape(p.missing) + ".</p>\n";
    out += "<table>\n<thead><tr><th scope=\"col\">role</th><th scope=\"col\">quorum</th><th scope=\"col\">members</th>"
           "<th scope=\"col\">approved so far</th></tr></thead>\n<tbody>\n";
    for (const PendingGate::Role& r : p.roles) {
      std::string members, approved;
      for (const std::string& m : r.members) members += (members.empty() ? "" : ", ") + escape(m);
      for (const std::string& m : r.approvedBy) approved += (approved.empty() ? "" : ", ") + escape(m);
      out += "<tr><td><a href=\"teams.html#role-" + slug(r.role) + "\">" + escape(r.role) + "</a></td><td class=\"num\">" +
             std::to_string(r.quorum) + "</td><td>" + members + "</td><td>" +
             (approved.empty() ? "<span class=\"muted\">nobody</span>" : approved) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  return out;
}

std::string runsSection(const DashboardInput& input) {
  std::string out = "<h2 id=\"runs\">Newest runs</h2>\n";
  if (input.runs.empty()) return out + "<p class=\"muted\">No run is recorded yet.</p>\n";
  out += "<table>\n<thead><tr><th scope=\"col\">run</th><th scope=\"col\">started</th><th scope=\"col\">status</th></tr>"
         "</thead>\n<tbody>\n";
  size_t shown = 0;
  for (auto it = input.runs.rbegin(); it != input.runs.rend() && shown < 10; ++it, ++shown)
    out += "<tr><td class=\"num\">" + std::to_string(it->id) + "</td><td>" + escape(it->startedAt) + "</td><td>" +
           badge(it->status) + "</td></tr>\n";
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string overviewPage(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h1>" + escape(g.projectName) + "</h1>\n";
  if (!g.projectDoc.empty()) out += "<p class=\"doc\">" + escape(g.projectDoc) + "</p>\n";
  if (!g.riskTier.empty()) out += "<p class=\"muted\">Risk tier " + escape(g.riskTier) + ".</p>\n";
  return out + kpiSection(input) + productionSection(input) + pendingSection(input) + runsSection(input);
}

}  // namespace mlops::emit::dashboard

// Data (data.html), the data engineers' page: the pipeline graph from each
// source to the deploys it feeds (each node a link to where it is shown),
// every data source's freshness against its `freshness`, schema, rows and
// checks, the steps' results, and the log of each node whose newest result
// is a failure.
#include "emit/dashboard/dashboard_site.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"
#include "emit/dashboard/plot_section.h"
#include "emit/value_text.h"

namespace mlops::emit::dashboard {

namespace {

// Graphviz's SVG without its XML prolog and doctype (invalid inside HTML).
std::string inlineSvg(const std::string& svg) {
  size_t start = svg.find("<svg");
  return start == std::string::npos ? "" : svg.substr(start);
}

std::string sourceText(const ir::Node& n) {
  std::string text = n.source.kind;
  for (const auto& [key, value] : n.source.arguments) text += " " + key + "=" + value;
  return text;
}

std::string dataSection(const DashboardInput& input, const ir::Node& n) {
  const ir::PipelineGraph& g = *input.graph;
  const NodeRun* last = latestRun(input, n.id);
  std::string out = "<section id=\"" + nodeAnchor(n) + "\">\n<h3>data " + escape(n.name) + " " +
                    badge(last ? last->status : "not run yet") + "</h3>\n";
  if (!n.doc.empty()) out += "<p class=\"doc\">" + escape(n.doc) + "</p>\n";
  auto info = input.data.find(n.id);
  out += "<table class=\"facts\">\n<tbody>\n<tr><th scope=\"row\">owner</th><td><a href=\"teams.html#role-" + slug(n.owner) + "\">" +
         escape(n.owner) + "</a></td></tr>\n<tr><th scope=\"row\">source</th><td><code>" + escape(sourceText(n)) +
         "</code>" + (n.format.empty() ? "" : " (" + escape(n.format) + ")") + "</td></tr>\n";
  if (info != input.data.end()) {
    const DataInfo& d = info->second;
    if (d.rows) out += "<tr><th scope=\"row\">rows</th><td>" + std::to_string(*d.rows) + "</td></tr>\n";
    if (!d.modifiedAt.empty()) out += "<tr><th scope=\"row\">last changed</th><td>" + escape(d.modifiedAt) + "</td></tr>\n";
    if (!d.problem.empty()) out += "<tr><th scope=\"row\">not read</th><td>" + escape(d.problem) + "</td></tr>\n";
  }
  if (n.freshnessSeconds) {
    out += "<tr><th scope=\"row\">freshness</th><td>at most " + escape(durationText(*n.freshnessSeconds)) + " old; ";
    if (info != input.data.end() && info->second.ageAtLatestRun) {
      double age = *info->second.ageAtLatestRun;
      bool fresh = age <= *n.freshnessSeconds;
      out += badge(fresh ? "fresh" : "stale") + " at the newest run (" + escape(ageText(age)) + " old)";
    } else {
      out += "<span class=\"muted\">not known (no run, or the source is not a file)</span>";
    }
    out += "</td></tr>\n";
  }
  if (!n.pii.empty()) {
    std::string pii;
    for (const std::string& c : n.pii) pii += (pii.empty() ? "" : ", ") + escape(c);
    out += "<tr><th scope=\"row\">personal data</th><td>" + pii + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (!n.schema.empty()) {
    out += "<table>\n<thead><tr><th scope=\"col\">column</th><th scope=\"col\">type</th><th scope=\"col\">where</th></tr>"
           "</thead>\n<tbody>\n";
    for (const ir::Column& c : n.schema)
      out += "<tr><td>" + escape(c.name) + "</td><td>" + escape(c.type) + "</td><td><code>" + escape(c.where.source) +
             "</code></td></tr>\n";
    out += "</tbody>\n</table>\n";
  }
  std::string checks;
  for (const ir::Node& t : g.nodes) {
    if (t.kind != ir::NodeKind::Test || t.target != n.id) continue;
    const NodeRun* r = latestRun(input, t.id);
    auto h = input.history.find(t.id);
    bool failing = r && r->status == "failed";
    checks += "<tr id=\"" + nodeAnchor(t) + "\"><td>" + escape(t.name) + "</td><td><code>" + escape(t.expect.source) +
              "</code></td><td>" + (r ? badge(r->status) : badge("not run yet")) + "</td><td>" +
              (failing ? escape(r->why) : std::string()) + "</td><td>" +
              (h == input.history.end() ? std::string() : resultStrip(h->second, 30)) + "</td></tr>\n";
  }
  if (!checks.empty())
    out += "<table>\n<thead><tr><th scope=\"col\">check</th><th scope=\"col\">expects</th><th scope=\"col\">latest</th>"
           "<th scope=\"col\">why it fails</th><th scope=\"col\">results, newest last</th></tr></thead>\n<tbody>\n" +
           checks + "</tbody>\n</table>\n";
  return out + "</section>\n";
}

}  // namespace

std::string dataPage(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h1>Data and lineage</h1>\n<h2 id=\"lineage\">Pipeline</h2>\n";
  if (input.svg.empty()) out += "<p class=\"muted\">The pipeline graph was not drawn.</p>\n";
  else
    out += "<p>From each data source to the deploys it feeds; each node links to where the dashboard shows it.</p>\n"
           "<figure class=\"graph\">" +
           inlineSvg(input.svg) + "</figure>\n";
  out += "<h2 id=\"sources\">Data sources</h2>\n";
  bool anyData = false;
  for (const ir::Node& n : g.nodes)
    if (n.kind == ir::NodeKind::Data) {
      anyData = true;
      out += dataSection(input, n);
    }
  if (!anyData) out += "<p class=\"muted\">The spec declares no data.</p>\n";
  std::string steps;
  for (const ir::Node& n : g.nodes) {
    if (n.kind != ir::NodeKind::Step) continue;
    const NodeRun* r = latestRun(input, n.id);
    auto h = input.history.find(n.id);
    steps += "<tr id=\"" + nodeAnchor(n) + "\"><td>" + escape(n.name) + "</td><td><a href=\"teams.html#role-" +
             slug(n.owner) + "\">" + escape(n.owner) + "</a></td><td>" + (r ? badge(r->status) : badge("not run yet")) +
             "</td><td>" + (r ? escape(r->why) : std::string()) + "</td><td>" +
             (h == input.history.end() ? std::string() : resultStrip(h->second, 30)) + "</td></tr>\n";
  }
  if (!steps.empty())
    out += "<h2 id=\"steps\">Steps</h2>\n<table>\n<thead><tr><th scope=\"col\">step</th><th scope=\"col\">owner</th>"
           "<th scope=\"col\">latest</th><th scope=\"col\">why</th><th scope=\"col\">results, newest last</th></tr>"
           "</thead>\n<tbody>\n" +
           steps + "</tbody>\n</table>\n";
  for (const ir::Node& n : g.nodes)
    if (n.kind == ir::NodeKind::Step) out += plotSection(input, n);
  out += "<h2 id=\"failures\">What failed</h2>\n";
  if (input.failedLogs.empty()) out += "<p class=\"muted\">No node's newest result is a failure.</p>\n";
  for (const FailedLog& f : input.failedLogs) {
    const ir::Node* n = g.find(f.node);
    const NodeRun* r = latestRun(input, f.node);
    out += "<h3>" + (n ? "<a href=\"" + nodeHref(g, *n) + "\">" + escape(f.node) + "</a>" : escape(f.node)) +
           ", run " + std::to_string(f.run) + "</h3>\n";
    if (r && !r->why.empty()) out += "<p>" + escape(r->why) + "</p>\n";
    if (f.text.empty()) out += "<p class=\"muted\">No log was kept for it.</p>\n";
    else
      out += std::string(f.truncated ? "<p class=\"muted\">The end of its log:</p>\n" : "") + "<pre class=\"log\">" +
             escape(f.text) + "</pre>\n";
  }
  return out;
}

}  // namespace mlops::emit::dashboard

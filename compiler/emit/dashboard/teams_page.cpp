// Teams and resources (teams.html), the ML architect's page: per role, its
// members, what it owns, the resources its nodes request against its quota
// and what their commands measurably used (node_results: wall time, CPU
// seconds, peak memory), and the approvals its members gave.
#include "emit/dashboard/dashboard_site.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"
#include "emit/value_text.h"

#include <algorithm>
#include <cmath>

namespace mlops::emit::dashboard {

namespace {

std::string optionalNumber(const std::optional<double>& v, bool bytes) {
  if (!v) return "<span class=\"muted\">—</span>";
  return escape(bytes ? bytesText(*v) : number(*v));
}

struct Usage {
  size_t commands = 0;        // results that ran a command
  double seconds = 0, cpuSeconds = 0;
  int64_t peakRss = 0;
};

Usage usageOf(const DashboardInput& input, const std::string& node) {
  Usage u;
  auto it = input.history.find(node);
  if (it == input.history.end()) return u;
  for (const NodeRun& r : it->second) {
    if (r.cpuSeconds <= 0 && r.maxRssBytes <= 0) continue;  // cached, checked, skipped: no command ran
    ++u.commands;
    u.seconds += r.seconds;
    u.cpuSeconds += r.cpuSeconds;
    u.peakRss = std::max(u.peakRss, r.maxRssBytes);
  }
  return u;
}

std::string resourcesTable(const DashboardInput& input, const ir::Role& role) {
  const ir::PipelineGraph& g = *input.graph;
  std::string rows;
  double cpu = 0, memory = 0, gpu = 0;
  for (const ir::Node& n : g.nodes) {
    if (n.owner != role.name ||
        (n.kind != ir::NodeKind::Step && n.kind != ir::NodeKind::Model && n.kind != ir::NodeKind::Deploy))
      continue;
    const ir::Resources& r = n.resources;
    cpu += r.cpu.value_or(0), memory += r.memoryBytes.value_or(0), gpu += r.gpu.value_or(0);
    Usage u = usageOf(input, n.id);
    std::string used = "<span class=\"muted\">no command measured</span>", cores, peak;
    if (u.commands) {
      double meanCores = u.seconds > 0 ? u.cpuSeconds / u.seconds : 0;
      cores = escape(number(std::round(meanCores * 100) / 100));
      if (r.cpu && meanCores > *r.cpu) cores += " " + badge("over");
      peak = escape(memoryText(static_cast<double>(u.peakRss)));
      if (r.memoryBytes && static_cast<double>(u.peakRss) > *r.memoryBytes) peak += " " + badge("over");
      used = std::to_string(u.commands) + (u.commands == 1 ? " command, " : " commands, ") + secondsText(u.seconds) +
             " wall, " + secondsText(u.cpuSeconds) + " CPU";
    }
    rows += "<tr><td><a href=\"" + nodeHref(g, n) + "\">" + escape(n.id) + "</a></td><td class=\"num\">" +
            optionalNumber(r.cpu, false) + "</td><td class=\"num\">" + optionalNumber(r.memoryBytes, true) +
            "</td><td class=\"num\">" + optionalNumber(r.gpu, false) + "</td><td>" + used + "</td><td class=\"num\">" +
            cores + "</td><td class=\"num\">" + peak + "</td></tr>\n";
  }
  if (rows.empty()) return "<p class=\"muted\">It owns no step, model or deploy.</p>\n";
  std::string quota = "<tr><th scope=\"row\">quota</th><td class=\"num\">" + optionalNumber(role.quotaCpu, false) +
                      "</td><td class=\"num\">" + optionalNumber(role.quotaMemoryBytes, true) + "</td><td class=\"num\">" +
                      optionalNumber(role.quotaGpu, false) + "</td><td colspan=\"3\" class=\"muted\">" +
                      (role.quotaCpu || role.quotaMemoryBytes || role.quotaGpu
                           ? "what its nodes may use at once"
                           : "no quota: its nodes share the machine's limits") +
                      "</td></tr>\n";
  return "<table>\n<thead><tr><th scope=\"col\">node</th><th scope=\"col\">CPU requested</th><th scope=\"col\">memory "
         "requested</th><th scope=\"col\">GPU requested</th><th scope=\"col\">used (all runs)</th><th scope=\"col\">mean "
         "cores</th><th scope=\"col\">peak memory</th></tr></thead>\n<tbody>\n" +
         rows + "<tr><th scope=\"row\">all at once</th><td class=\"num\">" + escape(number(cpu)) +
         "</td><td class=\"num\">" + escape(bytesText(memory)) + "</td><td class=\"num\">" + escape(number(gpu)) +
         "</td><td colspan=\"3\"></td></tr>\n" + quota + "</tbody>\n</table>\n";
}

std::string approvalsGiven(const DashboardInput& input, const ir::Role& role) {
  std::string rows;
  size_t count = 0;
  for (auto a = input.approvals.rbegin(); a != input.approvals.rend(); ++a) {
    if (a->role != role.name) continue;
    if (++count > 20) continue;
    rows += "<tr><td class=\"num\">" + std::to_string(a->id) + "</td><td>" + escape(a->gate) + "</td><td>" +
            escape(a->email) + "</td><td><code>" + escape(shortDigest(a->artifact)) + "</code></td><td>" + escape(a->at) +
            "</td><td>" + escape(a->comment) + "</td></tr>\n";
  }
  if (!count) return "<p class=\"muted\">No approval given as this role.</p>\n";
  return "<table>\n<thead><tr><th scope=\"col\">row</th><th scope=\"col\">gate</th><th scope=\"col\">by</th><th "
         "scope=\"col\">artifact</th><th scope=\"col\">at</th><th scope=\"col\">comment</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n" +
         (count > 20 ? "<p class=\"muted\">The newest 20 of " + std::to_string(count) + " approvals.</p>\n" : "");
}

}  // namespace

std::string teamsPage(const DashboardInput& input) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<h1>Teams and resources</h1>\n";
  for (const ir::Role& role : g.roles) {
    bool owns = false;
    for (const ir::Node& n : g.nodes) owns = owns || n.owner == role.name;
    if (role.stdlib && role.members.empty() && !owns) continue;
    out += "<section id=\"role-" + slug(role.name) + "\">\n<h2>" + escape(role.name) +
           (role.title.empty() ? "" : " <span class=\"muted\">" + escape(role.title) + "</span>") + "</h2>\n";
    if (!role.doc.empty()) out += "<p class=\"doc\">" + escape(role.doc) + "</p>\n";
    std::string members, permissions, owned;
    for (const std::string& m : role.members) members += (members.empty() ? "" : ", ") + escape(m);
    for (const std::string& p : role.permissions) permissions += (permissions.empty() ? "" : ", ") + escape(p);
    for (const ir::Node& n : g.nodes)
      if (n.owner == role.name)
        owned += std::string(owned.empty() ? "" : ", ") + "<a href=\"" + nodeHref(g, n) + "\">" + escape(n.id) + "</a>";
    for (const ir::Kpi& k : g.kpis)
      if (k.owner == role.name)
        owned += std::string(owned.empty() ? "" : ", ") + "<a href=\"index.html#kpi-" + slug(k.name) + "\">kpi:" +
                 escape(k.name) + "</a>";
    out += "<table class=\"facts\">\n<tbody>\n<tr><th scope=\"row\">members</th><td>" +
           (members.empty() ? "<span class=\"muted\">none</span>" : members) + "</td></tr>\n";
    if (!role.base.empty()) out += "<tr><th scope=\"row\">based on</th><td>" + escape(role.base) + "</td></tr>\n";
    out += "<tr><th scope=\"row\">may</th><td>" + (permissions.empty() ? "<span class=\"muted\">nothing</span>" : permissions) +
           "</td></tr>\n<tr><th scope=\"row\">owns</th><td>" +
           (owned.empty() ? "<span class=\"muted\">nothing</span>" : owned) + "</td></tr>\n</tbody>\n</table>\n";
    out += "<h3>Resources</h3>\n" + resourcesTable(input, role) + "<h3>Approvals given</h3>\n" +
           approvalsGiven(input, role) + "</section>\n";
  }
  return out;
}

}  // namespace mlops::emit::dashboard

#include "emit/dashboard/page_layout.h"

#include "emit/dashboard/html_text.h"

#include <cstdio>

namespace mlops::emit::dashboard {

std::string modelPage(const ir::Node& model) { return "model-" + slug(model.name) + ".html"; }

std::string nodeAnchor(const ir::Node& node) { return std::string(ir::nodeKindName(node.kind)) + "-" + slug(node.name); }

std::string nodeHref(const ir::PipelineGraph& graph, const ir::Node& node) {
  const ir::Node* model = nullptr;
  switch (node.kind) {
    case ir::NodeKind::Model: return modelPage(node);
    case ir::NodeKind::Test: model = graph.find(node.target); break;
    case ir::NodeKind::Gate:
    case ir::NodeKind::Deploy: model = graph.find(node.model); break;
    case ir::NodeKind::Monitor:
      if (const ir::Node* deploy = graph.find(node.deploy)) model = graph.find(deploy->model);
      break;
    case ir::NodeKind::Data:
    case ir::NodeKind::Step: break;
  }
  if (model && model->kind == ir::NodeKind::Model) return modelPage(*model) + "#" + nodeAnchor(node);
  return "data.html#" + nodeAnchor(node);
}

std::string pageDocument(const DashboardInput& input, const std::string& path, const std::string& title,
                         const std::string& body) {
  const ir::PipelineGraph& g = *input.graph;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kContentSecurityPolicy) + "\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light dark\">\n";
  out += "<title>" + escape(title) + " · " + escape(g.projectName) + "</title>\n";
  // An empty icon: without one a browser asks the server for /favicon.ico,
  // which the site does not have (a failed request on every page).
  out += "<link rel=\"icon\" href=\"data:,\">\n";
  out += "<link rel=\"stylesheet\" href=\"dashboard.css\">\n<script src=\"dashboard.js\" defer></script>\n";
  out += "</head>\n<body>\n<header class=\"top\"><span class=\"project\">" + escape(g.projectName) +
         (g.version.empty() ? "" : " " + escape(g.version)) + "</span>\n<nav class=\"pages\" aria-label=\"Pages\">";
  static const std::pair<const char*, const char*> pages[] = {
      {"index.html", "Overview"}, {"models.html", "Models"}, {"data.html", "Data"}, {"teams.html", "Teams and resources"}};
  for (const auto& [file, name] : pages) {
    bool current = path == file || (std::string(file) == "models.html" && path.rfind("model-", 0) == 0);
    out += std::string("<a href=\"") + file + "\"" + (current ? " aria-current=\"page\"" : "") + ">" + name + "</a>";
  }
  out += "</nav></header>\n<main>\n";
  out += body;
  out += "<footer>Made by mlopsc dashboard from the spec and the record " + escape(input.record) +
         (input.runs.empty() ? std::string(" (no run yet)")
                             : " up to run " + std::to_string(input.runs.back().id)) +
         (input.generatedAt.empty() ? "" : ", at " + escape(input.generatedAt)) + ".</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string badge(const std::string& status) {
  static const char* good[] = {"succeeded", "passed", "checked", "cached", "met", "promoted", "promote", "would pass", "fresh"};
  static const char* bad[] = {"failed", "missed", "rolled back", "roll back", "interrupted", "stale", "over"};
  const char* tone = "warn";
  for (const char* s : good)
    if (status == s) tone = "good";
  for (const char* s : bad)
    if (status == s) tone = "bad";
  return std::string("<span class=\"badge ") + tone + "\">" + escape(status) + "</span>";
}

const NodeRun* latestRun(const DashboardInput& input, const std::string& node) {
  auto it = input.history.find(node);
  return it == input.history.end() || it->second.empty() ? nullptr : &it->second.back();
}

std::string resultStrip(const std::vector<NodeRun>& runs, size_t limit) {
  std::string out = "<div class=\"strip\">";
  for (size_t i = runs.size() > limit ? runs.size() - limit : 0; i < runs.size(); ++i) {
    const NodeRun& r = runs[i];
    std::string tone = r.status == "failed" ? "bad" : r.status == "waiting" || r.status == "skipped" ? "warn" : "good";
    std::string mark = tone == "bad" ? "✗" : tone == "warn" ? "…" : "✓";
    std::string text = escape("run " + std::to_string(r.run) + ": " + r.status + (r.why.empty() ? "" : " — " + r.why));
    out += "<span class=\"" + tone + "\" tabindex=\"0\" data-tip=\"" + text + "\" title=\"" + text + "\">" +
           mark + "</span>";
  }
  return out + "</div>";
}

std::string shortDigest(const std::string& digest) { return digest.substr(0, 8); }

std::string secondsText(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, seconds < 10 ? "%.2f s" : "%.1f s", seconds);
  return buf;
}

std::string memoryText(double bytes) {
  char buf[32];
  if (bytes >= 1073741824.0) std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / 1073741824.0);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  return buf;
}

}  // namespace mlops::emit::dashboard

namespace mlops::emit::dashboard {

std::string ageText(double seconds) {
  static const std::pair<double, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}};
  for (const auto& [size, unit] : units)
    if (seconds >= 2 * size) return std::to_string(static_cast<long long>(seconds / size)) + " " + unit;
  return std::to_string(static_cast<long long>(seconds)) + " s";
}

}  // namespace mlops::emit::dashboard

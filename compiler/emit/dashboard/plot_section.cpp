#include "emit/dashboard/plot_section.h"

#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"
#include "emit/plot_svg.h"

namespace mlops::emit::dashboard {

std::string plotSection(const DashboardInput& input, const ir::Node& node) {
  if (node.plots.empty()) return "";
  std::string out = "<h2 id=\"plots-" + nodeAnchor(node) + "\">" +
                    (node.kind == ir::NodeKind::Model ? std::string("Plots") : "Plots of step " + escape(node.name)) +
                    "</h2>\n<div class=\"charts\">\n";
  auto found = input.plots.find(node.id);
  for (size_t i = 0; i < node.plots.size(); ++i) {
    const ir::Plot& p = node.plots[i];
    const PlotData* data = found != input.plots.end() && i < found->second.size() ? &found->second[i] : nullptr;
    PlotChart chart{p.title, p.x, p.y, p.chartTemplate, data};
    out += "<figure class=\"plot\">\n<figcaption>" + escape(plotTitle(chart)) + " <code>" + escape(p.path) +
           "</code></figcaption>\n";
    if (!data || data->points.empty()) {
      out += "<p class=\"muted\">No data: " + escape(data ? data->problem : "the file was not read") + ".</p>\n";
    } else {
      out += renderPlotSvg(chart);
      std::string counted = std::to_string(data->points.size()) + " point(s)";
      if (data->skipped) counted += ", " + std::to_string(data->skipped) + " record(s) without a numeric x and y";
      if (data->dropped) counted += ", " + std::to_string(data->dropped) + " left out";
      out += "<p class=\"muted\">" + escape(counted) + "</p>\n";
    }
    out += "</figure>\n";
  }
  return out + "</div>\n";
}

}  // namespace mlops::emit::dashboard

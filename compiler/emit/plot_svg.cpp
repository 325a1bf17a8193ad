#include "emit/plot_svg.h"

#include "emit/dashboard/html_text.h"
#include "emit/dashboard/svg_chart.h"

#include <algorithm>
#include <cmath>

namespace mlops::emit {
namespace {

using dashboard::coordinate;
using dashboard::escape;
using dashboard::number;

constexpr double kWidth = 480, kHeight = 300, kLeft = 64, kRight = 16, kTop = 34, kBottom = 48;

double place(double v, const dashboard::AxisScale& s, double from, double to) {
  return from + (v - s.min) / (s.max - s.min) * (to - from);
}

std::string attr(const char* name, double v) { return std::string(" ") + name + "=\"" + coordinate(v) + "\""; }

std::string line(const char* cls, double x1, double y1, double x2, double y2, const char* stroke, double opacity) {
  return std::string("<line class=\"") + cls + "\"" + attr("x1", x1) + attr("y1", y1) + attr("x2", x2) +
         attr("y2", y2) + " stroke=\"" + stroke + "\" stroke-opacity=\"" + coordinate(opacity) + "\"/>\n";
}

std::string text(const char* cls, double x, double y, const char* anchor, const std::string& content,
                 const std::string& extra = "") {
  return std::string("<text class=\"") + cls + "\"" + attr("x", x) + attr("y", y) + " text-anchor=\"" + anchor +
         "\" fill=\"currentColor\" font-size=\"" + (std::string(cls) == "title" ? "14" : "11") + "\"" + extra + ">" +
         escape(content) + "</text>\n";
}

}  // namespace

std::string plotTitle(const PlotChart& chart) {
  return chart.title.empty() ? chart.y + " by " + chart.x : chart.title;
}

std::string renderPlotSvg(const PlotChart& chart) {
  if (!chart.data || chart.data->points.empty()) return "";
  const std::vector<PlotPoint>& all = chart.data->points;
  // Thinned evenly to kMaxDrawnPoints, first and last kept.
  std::vector<PlotPoint> points;
  if (all.size() <= kMaxDrawnPoints) {
    points = all;
  } else {
    for (size_t i = 0; i < kMaxDrawnPoints; ++i) points.push_back(all[i * (all.size() - 1) / (kMaxDrawnPoints - 1)]);
  }
  double xLow = points[0].x, xHigh = xLow, yLow = points[0].y, yHigh = yLow;
  for (const PlotPoint& p : points) {
    xLow = std::min(xLow, p.x), xHigh = std::max(xHigh, p.x);
    yLow = std::min(yLow, p.y), yHigh = std::max(yHigh, p.y);
  }
  bool bars = chart.chartTemplate == "bar";
  if (bars) yLow = std::min(yLow, 0.0), yHigh = std::max(yHigh, 0.0);  // bars stand on zero
  dashboard::AxisScale xs = dashboard::niceScale(xLow, xHigh, 6);
  dashboard::AxisScale ys = dashboard::niceScale(yLow, yHigh, 5);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  const std::string title = plotTitle(chart);

  std::string out = "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + coordinate(kWidth) +
                    " " + coordinate(kHeight) + "\" width=\"" + coordinate(kWidth) + "\" height=\"" +
                    coordinate(kHeight) + "\" role=\"img\" aria-label=\"" + escape(title) + "\">\n";
  out += "<title>" + escape(title) + "</title>\n";
  out += text("title", kWidth / 2, 20, "middle", title);
  for (double t : ys.ticks) {
    double y = place(t, ys, y0, y1);
    out += line("grid", x0, y, x1, y, "currentColor", 0.15);
    out += text("tick", x0 - 6, y + 4, "end", number(t));
  }
  for (double t : xs.ticks) {
    double x = place(t, xs, x0, x1);
    out += line("grid", x, y0, x, y1, "currentColor", 0.15);
    out += text("tick", x, y0 + 16, "middle", number(t));
  }
  out += line("axis", x0, y0, x1, y0, "currentColor", 1);
  out += line("axis", x0, y0, x0, y1, "currentColor", 1);
  out += text("label", (x0 + x1) / 2, kHeight - 8, "middle", chart.x);
  out += text("label", 14, (y0 + y1) / 2, "middle", chart.y,
              " transform=\"rotate(-90 14 " + coordinate((y0 + y1) / 2) + ")\"");
  const char* colour = "#3b6fd8";
  if (bars) {
    double width = std::max(1.0, std::min(24.0, (x1 - x0) / static_cast<double>(points.size()) * 0.8));
    double zero = place(0, ys, y0, y1);
    for (const PlotPoint& p : points) {
      double x = place(p.x, xs, x0, x1), y = place(p.y, ys, y0, y1);
      out += "<rect class=\"series\"" + attr("x", x - width / 2) + attr("y", std::min(y, zero)) + attr("width", width) +
             attr("height", std::max(0.5, std::abs(zero - y))) + " fill=\"" + colour + "\"><title>" +
             escape(chart.x + " = " + number(p.x) + ", " + chart.y + " = " + number(p.y)) + "</title></rect>\n";
    }
  } else if (chart.chartTemplate == "scatter") {
    for (const PlotPoint& p : points)
      out += "<circle class=\"series\"" + attr("cx", place(p.x, xs, x0, x1)) + attr("cy", place(p.y, ys, y0, y1)) +
             " r=\"2.5\" fill=\"" + colour + "\"><title>" +
             escape(chart.x + " = " + number(p.x) + ", " + chart.y + " = " + number(p.y)) + "</title></circle>\n";
  } else {
    out += "<polyline class=\"series\" fill=\"none\" stroke=\"" + std::string(colour) +
           "\" stroke-width=\"2\" points=\"";
    for (size_t k = 0; k < points.size(); ++k)
      out += (k ? " " : "") + coordinate(place(points[k].x, xs, x0, x1)) + "," +
             coordinate(place(points[k].y, ys, y0, y1));
    out += "\"/>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace mlops::emit

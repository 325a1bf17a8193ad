#include "emit/dashboard/svg_chart.h"

#include "emit/dashboard/html_text.h"

#include <algorithm>
#include <cmath>

namespace mlops::emit::dashboard {

AxisScale niceScale(double low, double high, int targetTicks, bool integral) {
  if (!std::isfinite(low) || !std::isfinite(high)) low = high = 0;
  if (high < low) std::swap(low, high);
  if (high == low) {
    double pad = integral ? 1 : (low == 0 ? 1 : std::fabs(low) * 0.1);
    low -= pad;
    high += pad;
  }
  double rough = (high - low) / std::max(1, targetTicks);
  double magnitude = std::pow(10, std::floor(std::log10(rough)));
  double normalized = rough / magnitude;
  double step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
  if (integral) step = std::max(1.0, std::round(step));
  AxisScale scale;
  scale.step = step;
  scale.min = std::floor(low / step) * step;
  scale.max = std::ceil(high / step) * step;
  if (scale.max == scale.min) scale.max = scale.min + step;
  long count = std::lround((scale.max - scale.min) / step);
  for (long i = 0; i <= count; ++i) {
    double tick = scale.min + static_cast<double>(i) * step;
    // Snap to the step's grid so 0.1 * 3 prints as 0.3.
    tick = std::round(tick / step) * step;
    scale.ticks.push_back(tick == 0 ? 0 : tick);
  }
  return scale;
}

namespace {

constexpr double kWidth = 640, kLeft = 60, kRight = 16, kTop = 14, kBottom = 34;
constexpr int kSeriesColours = 6;

double place(double v, const AxisScale& s, double from, double to) {
  return from + (v - s.min) / (s.max - s.min) * (to - from);
}

// The first `limit` code points of `text`, with an ellipsis when cut.
std::string shortened(const std::string& text, size_t limit) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == limit) return text.substr(0, i) + "…";
  }
  return text;
}

// A point's or bar's text: its <title>, which the browser shows as a
// tooltip, screen readers read, and dashboard.js shows at once on hover or
// focus (the element is focusable for that).
std::string tip(const std::string& text) { return " tabindex=\"0\"><title>" + escape(text) + "</title>"; }

std::string figureStart(const std::string& title) {
  return "<figure class=\"chart\">\n<figcaption>" + escape(title) + "</figcaption>\n";
}

std::string svgStart(double height, const std::string& title) {
  return "<svg class=\"chart\" viewBox=\"0 0 " + coordinate(kWidth) + " " + coordinate(height) + "\" role=\"img\" aria-label=\"" +
         escape(title) + "\">\n";
}

}  // namespace

std::string renderLineChart(const LineChart& chart) {
  const double height = 220;
  double xLow = 0, xHigh = 0, yLow = 0, yHigh = 0;
  bool any = false;
  for (const ChartSeries& s : chart.series)
    for (const ChartPoint& p : s.points) {
      if (!any) xLow = xHigh = p.x, yLow = yHigh = p.y, any = true;
      xLow = std::min(xLow, p.x), xHigh = std::max(xHigh, p.x);
      yLow = std::min(yLow, p.y), yHigh = std::max(yHigh, p.y);
    }
  if (chart.target) {
    if (!any) yLow = yHigh = *chart.target;
    yLow = std::min(yLow, *chart.target), yHigh = std::max(yHigh, *chart.target);
  }
  AxisScale xs = niceScale(xLow, xHigh, 6, /*integral=*/true);
  AxisScale ys = niceScale(yLow, yHigh, 5);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = height - kBottom, y1 = kTop;
  std::string out = figureStart(chart.title) + svgStart(height, chart.title);
  for (double t : ys.ticks) {
    std::string y = coordinate(place(t, ys, y0, y1));
    out += "<line class=\"grid\" x1=\"" + coordinate(x0) + "\" y1=\"" + y + "\" x2=\"" + coordinate(x1) + "\" y2=\"" + y +
           "\"/><text class=\"tick\" x=\"" + coordinate(x0 - 6) + "\" y=\"" + y + "\" text-anchor=\"end\" dy=\"0.32em\">" +
           escape(number(t)) + "</text>\n";
  }
  for (double t : xs.ticks)
    out += "<text class=\"tick\" x=\"" + coordinate(place(t, xs, x0, x1)) + "\" y=\"" + coordinate(y0 + 18) +
           "\" text-anchor=\"middle\">run " + escape(number(t)) + "</text>\n";
  out += "<line class=\"axis\" x1=\"" + coordinate(x0) + "\" y1=\"" + coordinate(y0) + "\" x2=\"" + coordinate(x1) +
         "\" y2=\"" + coordinate(y0) + "\"/>\n";
  if (chart.target) {
    std::string y = coordinate(place(*chart.target, ys, y0, y1));
    out += "<line class=\"target\" x1=\"" + coordinate(x0) + "\" y1=\"" + y + "\" x2=\"" + coordinate(x1) + "\" y2=\"" +
           y + "\"/><text class=\"target-label\" x=\"" + coordinate(x1) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dy=\"-0.4em\">target " + escape(chart.targetLabel) + "</text>\n";
  }
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    std::string cls = "s" + std::to_string(i % kSeriesColours);
    if (s.points.size() > 1) {
      out += "<polyline class=\"line " + cls + "\" points=\"";
      for (size_t k = 0; k < s.points.size(); ++k)
        out += (k ? " " : "") + coordinate(place(s.points[k].x, xs, x0, x1)) + "," +
               coordinate(place(s.points[k].y, ys, y0, y1));
      out += "\"/>\n";
    }
    size_t markers = std::max<size_t>(1, kMaxMarkers / chart.series.size());
    size_t first = s.points.size() > markers ? s.points.size() - markers : 0;
    for (size_t k = first; k < s.points.size(); ++k) {
      const ChartPoint& p = s.points[k];
      std::string text = "run " + number(p.x) + (chart.series.size() > 1 ? " · " + s.name : "") + " · " +
                         chart.valueName + " = " + number(p.y) + (p.note.empty() ? "" : " · " + p.note);
      out += "<circle class=\"pt " + cls + "\" cx=\"" + coordinate(place(p.x, xs, x0, x1)) + "\" cy=\"" +
             coordinate(place(p.y, ys, y0, y1)) + "\" r=\"3.5\"" + tip(text) + "</circle>\n";
    }
  }
  out += "</svg>\n";
  if (chart.series.size() > 1) {
    out += "<ul class=\"legend\">";
    for (size_t i = 0; i < chart.series.size(); ++i)
      out += "<li><span class=\"key s" + std::to_string(i % kSeriesColours) + "\"></span>" +
             escape(chart.series[i].name) + "</li>";
    out += "</ul>\n";
  }
  size_t total = 0, shown = 0;
  const size_t rowsPerSeries = std::max<size_t>(1, kMaxTableRows / std::max<size_t>(1, chart.series.size()));
  for (const ChartSeries& s : chart.series) {
    total += s.points.size();
    shown += std::min(s.points.size(), rowsPerSeries);
  }
  out += "<details><summary>Data (" +
         (shown < total ? "the newest " + std::to_string(shown) + " of " : std::string()) + std::to_string(total) +
         (total == 1 ? " point" : " points") + ")</summary>\n<table>\n<thead><tr><th scope=\"col\">run</th>" +
         (chart.series.size() > 1 ? std::string("<th scope=\"col\">series</th>") : std::string()) +
         "<th scope=\"col\">" + escape(chart.valueName) + "</th><th scope=\"col\">note</th></tr></thead>\n<tbody>\n";
  for (const ChartSeries& s : chart.series)
    for (size_t k = s.points.size() > rowsPerSeries ? s.points.size() - rowsPerSeries : 0; k < s.points.size(); ++k) {
      const ChartPoint& p = s.points[k];
      out += "<tr><td>";
      out += number(p.x);
      out += "</td>";
      if (chart.series.size() > 1) {
        out += "<td>";
        out += escape(s.name);
        out += "</td>";
      }
      out += "<td>";
      out += number(p.y);
      out += "</td><td>";
      out += escape(p.note);
      out += "</td></tr>\n";
    }
  out += "</tbody>\n</table>\n</details>\n</figure>\n";
  return out;
}

std::string renderBarChart(const BarChart& chart) {
  const double rowHeight = 24, labelWidth = 170;
  const double height = kTop + rowHeight * static_cast<double>(std::max<size_t>(chart.bars.size(), 1)) + kBottom;
  double high = 0;
  for (const Bar& b : chart.bars) high = std::max(high, b.value);
  if (chart.threshold) high = std::max(high, *chart.threshold);
  AxisScale vs = niceScale(0, high > 0 ? high : 1, 5);
  const double x0 = labelWidth, x1 = kWidth - kRight - 40, y0 = height - kBottom;
  std::string out = figureStart(chart.title) + svgStart(height, chart.title);
  for (double t : vs.ticks) {
    std::string x = coordinate(place(t, vs, x0, x1));
    out += "<line class=\"grid\" x1=\"" + x + "\" y1=\"" + coordinate(kTop) + "\" x2=\"" + x + "\" y2=\"" +
           coordinate(y0) + "\"/><text class=\"tick\" x=\"" + x + "\" y=\"" + coordinate(y0 + 18) +
           "\" text-anchor=\"middle\">" + escape(number(t)) + "</text>\n";
  }
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& b = chart.bars[i];
    double top = kTop + rowHeight * static_cast<double>(i) + 4;
    bool over = chart.threshold && b.value >= *chart.threshold;
    double value = std::max(0.0, b.value);
    std::string text = b.label + " · " + chart.valueName + " = " + number(b.value) +
                       (chart.threshold ? (over ? " (at or over " : " (under ") + chart.thresholdLabel + ")" : "") +
                       (b.note.empty() ? "" : " · " + b.note);
    out += "<text class=\"label\" x=\"" + coordinate(x0 - 6) + "\" y=\"" + coordinate(top + (rowHeight - 8) / 2) +
           "\" text-anchor=\"end\" dy=\"0.32em\">" + escape(shortened(b.label, 26)) + "</text>\n";
    out += "<rect class=\"bar" + std::string(over ? " over" : "") + "\" x=\"" + coordinate(x0) + "\" y=\"" +
           coordinate(top) + "\" width=\"" + coordinate(std::max(1.0, place(value, vs, x0, x1) - x0)) +
           "\" height=\"" + coordinate(rowHeight - 8) + "\"" + tip(text) + "</rect>\n";
    out += "<text class=\"value\" x=\"" + coordinate(place(value, vs, x0, x1) + 4) + "\" y=\"" +
           coordinate(top + (rowHeight - 8) / 2) + "\" dy=\"0.32em\">" + escape(number(b.value)) + "</text>\n";
  }
  if (chart.threshold) {
    std::string x = coordinate(place(*chart.threshold, vs, x0, x1));
    out += "<line class=\"target\" x1=\"" + x + "\" y1=\"" + coordinate(kTop - 4) + "\" x2=\"" + x + "\" y2=\"" +
           coordinate(y0) + "\"/>\n";
  }
  out += "<line class=\"axis\" x1=\"" + coordinate(x0) + "\" y1=\"" + coordinate(kTop - 4) + "\" x2=\"" +
         coordinate(x0) + "\" y2=\"" + coordinate(y0) + "\"/>\n</svg>\n";
  out += "<details><summary>Data (" + std::to_string(chart.bars.size()) + (chart.bars.size() == 1 ? " bar" : " bars") +
         ")</summary>\n<table>\n<thead><tr><th scope=\"col\">what</th><th scope=\"col\">" + escape(chart.valueName) +
         "</th>" + (chart.threshold ? "<th scope=\"col\">threshold</th>" : "") +
         "<th scope=\"col\">note</th></tr></thead>\n<tbody>\n";
  for (const Bar& b : chart.bars)
    out += "<tr><td>" + escape(b.label) + "</td><td>" + number(b.value) + "</td>" +
           (chart.threshold ? "<td>" + escape(chart.thresholdLabel) + "</td>" : "") + "<td>" + escape(b.note) +
           "</td></tr>\n";
  out += "</tbody>\n</table>\n</details>\n</figure>\n";
  return out;
}

}  // namespace mlops::emit::dashboard

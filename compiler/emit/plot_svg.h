// A plot (docs/language.md 5.5.3) as an inline SVG chart, drawn by our own
// code from its points: axes with round ticks, the x and y column names as
// axis labels, the title, and the points as a line, dots or bars. One
// renderer for the audit report's HTML and the dashboard's model and step
// pages, so both draw the same chart from the same data.
//
// Deterministic (the same points give the same bytes) and safe to inline:
// every text is escaped, the SVG has no script, no style attribute (the
// dashboard's Content-Security-Policy forbids inline styles) and no
// external reference. Colours are presentation attributes (`currentColor`
// for axes and text, so they follow the page's colour scheme) that a page's
// CSS may override through the classes `plot`, `axis`, `grid`, `tick`,
// `label` and `series`.
#pragma once

#include "emit/plot_data.h"

#include <string>

namespace mlops::emit {

struct PlotChart {
  std::string title;     // "" gives "Y by X"
  std::string x, y;      // the columns: the axis labels
  std::string chartTemplate = "line";  // line | scatter | bar
  const PlotData* data = nullptr;
};

// At most this many points are drawn (every point is kept in the order of
// the file, thinned evenly beyond it); the data table keeps the rest.
inline constexpr size_t kMaxDrawnPoints = 1000;

// The <svg> element, or "" when there is no point to draw.
std::string renderPlotSvg(const PlotChart& chart);

// The chart's title as shown: the plot's own, else "Y by X".
std::string plotTitle(const PlotChart& chart);

}  // namespace mlops::emit

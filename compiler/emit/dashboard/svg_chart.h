// The dashboard's charts, drawn as inline SVG by hand (no chart library:
// docs/dashboard.md says why): a line chart of values over runs, with an
// optional target line, and a bar chart with a threshold line. Each chart
// is a <figure> holding the SVG and the same data as a <table> (inside a
// <details>) for screen readers and for copying. Every point and bar is
// focusable and carries its exact value and run in an SVG <title>: the
// browser's own tooltip, read by screen readers, and shown at once on
// hover or keyboard focus by the dashboard's script.
//
// Colours come from CSS classes (`s0`…`s5`, `target`, `over`), so the
// page's light and dark schemes apply; the SVG has no style attribute
// (the Content-Security-Policy forbids inline styles).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlops::emit::dashboard {

// An axis from `min` to `max` with ticks every `step`, all "nice" numbers
// (1, 2 or 5 times a power of ten) covering the data.
struct AxisScale {
  double min = 0, max = 1, step = 1;
  std::vector<double> ticks;
};

// The axis for values from `low` to `high` with about `targetTicks` ticks.
// An empty range (one value, or all equal) is widened around the value;
// `integral` keeps the step at 1 or more (run numbers).
AxisScale niceScale(double low, double high, int targetTicks = 5, bool integral = false);

struct ChartPoint {
  double x = 0;       // the run id
  double y = 0;
  std::string note;   // more for the tooltip and table ("artifact 3fa2c1d0", "offline")
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;  // increasing x
};

struct LineChart {
  std::string title;          // the figure's caption
  std::string valueName;      // the y values' name, in tooltips and the table's header
  std::vector<ChartSeries> series;
  std::optional<double> target;  // a horizontal line (a KPI's target, a test's floor)
  std::string targetLabel;       // ">= 0.3"
};

// At most this many markers per chart carry a tooltip (the newest of each
// series, shared evenly): a thousand runs would otherwise weigh more than
// the line they sit on. The line keeps every point.
inline constexpr size_t kMaxMarkers = 200;
// At most this many rows in a chart's table (the newest of each series,
// shared evenly; the summary says how many of how many).
inline constexpr size_t kMaxTableRows = 1000;

std::string renderLineChart(const LineChart& chart);

struct Bar {
  std::string label;
  double value = 0;
  std::string note;
};

struct BarChart {
  std::string title;
  std::string valueName;
  std::vector<Bar> bars;
  std::optional<double> threshold;  // bars at or above it are drawn as over
  std::string thresholdLabel;
};

std::string renderBarChart(const BarChart& chart);

}  // namespace mlops::emit::dashboard

// Plots (docs/language.md 5.5.3): the points of a plot file read as hostile
// input (emit/plot_data.h) and the one SVG renderer the audit report and the
// dashboard share (emit/plot_svg.h).
#include "emit/plot_data.h"
#include "emit/plot_svg.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mlops::emit;

TEST_CASE("plot files: JSON records, CSV and TSV with named columns", "[plots]") {
  SECTION("a JSON list of records, numbers as numbers or numeric strings") {
    PlotData d = parsePlotData(R"([{"fpr": 0, "tpr": 0}, {"fpr": "0.5", "tpr": 0.8}, {"fpr": 1, "tpr": 1}])",
                               "build/roc.json", "fpr", "tpr");
    CHECK(d.problem.empty());
    REQUIRE(d.points.size() == 3);
    CHECK(d.points[1].x == 0.5);
    CHECK(d.points[1].y == 0.8);
  }
  SECTION("DVC's form: an object whose first list holds the records") {
    PlotData d = parsePlotData(R"({"name": "x", "prc": [{"recall": 1, "precision": 0.5}]})", "prc.json", "recall",
                               "precision");
    REQUIRE(d.points.size() == 1);
    CHECK(d.points[0].y == 0.5);
  }
  SECTION("CSV with quotes, a byte order mark and CRLF; TSV") {
    PlotData csv = parsePlotData("\xEF\xBB\xBF\"epoch\",loss,\"note, with comma\"\r\n1,0.9,\"a\"\r\n2,0.5,b\r\n", "l.csv",
                                 "epoch", "loss");
    REQUIRE(csv.points.size() == 2);
    CHECK(csv.points[1].x == 2);
    CHECK(csv.points[1].y == 0.5);
    PlotData tsv = parsePlotData("k\thit\n1\t0.1\n2\t0.2\n", "h.tsv", "k", "hit");
    CHECK(tsv.points.size() == 2);
  }
}

TEST_CASE("plot files are hostile input: skipped, counted, bounded, never a crash", "[plots]") {
  SECTION("records without a numeric x and y are skipped and counted") {
    PlotData d = parsePlotData(R"([{"x": 1, "y": 2}, {"x": "a", "y": 1}, {"x": 1}, 7, {"x": null, "y": 1},
                                   {"x": "nan", "y": 1}, {"x": "0x10", "y": 1}, {"x": "1e999", "y": 1}])",
                               "p.json", "x", "y");
    CHECK(d.points.size() == 1);
    CHECK(d.skipped == 7);
  }
  SECTION("points past the bound are counted, not kept") {
    std::string csv = "x,y\n";
    for (size_t i = 0; i < kMaxPlotPoints + 10; ++i) csv += std::to_string(i) + ",1\n";
    PlotData d = parsePlotData(csv, "big.csv", "x", "y");
    CHECK(d.points.size() == kMaxPlotPoints);
    CHECK(d.dropped == 10);
  }
  SECTION("each failure says why") {
    CHECK(parsePlotData("{", "roc.json", "x", "y").problem == "it is not JSON");
    CHECK(parsePlotData(R"({"a": 1})", "roc.json", "x", "y").problem == "it holds no list of records");
    CHECK(parsePlotData("a,b\n1,2\n", "p.csv", "x", "b").problem == "its header has no column `x`");
    CHECK(parsePlotData("", "p.csv", "x", "y").problem == "it is empty");
    CHECK(parsePlotData("[]", "p.json", "x", "y").problem == "it holds no records");
    CHECK(parsePlotData(R"([{"x": "a", "y": 1}])", "p.json", "x", "y").problem ==
          "none of its 1 record(s) has a numeric `x` and `y`");
    CHECK(parsePlotData(std::string(kMaxPlotBytes + 1, ' '), "p.csv", "x", "y").problem ==
          "it is larger than " + std::to_string(kMaxPlotBytes) + " bytes");
  }
  SECTION("an unterminated quote, deep nesting and binary bytes") {
    CHECK(parsePlotData("x,y\n\"1,2\n", "p.csv", "x", "y").points.empty());
    CHECK(!parsePlotData(std::string(100000, '['), "p.json", "x", "y").problem.empty());
    CHECK(!parsePlotData(std::string("x,y\n\x01\xff,\x00\n", 10), "p.csv", "x", "y").problem.empty());
  }
}

TEST_CASE("the plot SVG: axes, labels, title, escaped and deterministic", "[plots]") {
  PlotData d;
  d.points = {{0, 0}, {0.1, 0.6}, {0.4, 0.9}, {1, 1}};
  PlotChart chart{"ROC <curve> & \"more\"", "fpr", "t'pr", "line", &d};
  std::string svg = renderPlotSvg(chart);
  CHECK(svg == renderPlotSvg(chart));
  CHECK(svg.rfind("<svg class=\"plot\"", 0) == 0);
  CHECK(svg.find("<title>ROC &lt;curve&gt; &amp; &quot;more&quot;</title>") != std::string::npos);
  CHECK(svg.find(">fpr</text>") != std::string::npos);
  CHECK(svg.find(">t&#39;pr</text>") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("style=") == std::string::npos);

  SECTION("templates and titles") {
    chart.chartTemplate = "bar";
    CHECK(renderPlotSvg(chart).find("<rect class=\"series\"") != std::string::npos);
    chart.chartTemplate = "scatter";
    CHECK(renderPlotSvg(chart).find("<circle class=\"series\"") != std::string::npos);
    chart.title.clear();
    CHECK(plotTitle(chart) == "t'pr by fpr");
  }
  SECTION("no points, no chart; many points are thinned to the bound") {
    PlotData none;
    chart.data = &none;
    CHECK(renderPlotSvg(chart).empty());
    PlotData many;
    for (int i = 0; i < 4000; ++i) many.points.push_back({static_cast<double>(i), static_cast<double>(i % 7)});
    chart.data = &many;
    chart.chartTemplate = "scatter";
    std::string big = renderPlotSvg(chart);
    size_t circles = 0;
    for (size_t at = big.find("<circle"); at != std::string::npos; at = big.find("<circle", at + 1)) ++circles;
    CHECK(circles == kMaxDrawnPoints);
  }
}

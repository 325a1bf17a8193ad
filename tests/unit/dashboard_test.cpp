// The dashboard's text and charts (emit/dashboard/): hostile strings from a
// spec, the record or a metrics file come out escaped wherever they land
// (element content, attributes, SVG titles, tooltips), slugs never collide
// or carry markup, chart axes cover the data with round ticks, and a metrics
// file that is not JSON or is deeply nested is read without a crash.
#include "driver/dashboard_server.h"
#include "driver/dashboard_state.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/svg_chart.h"

#include <catch2/catch.hpp>

using namespace mlops::emit::dashboard;

TEST_CASE("dashboard: user text is escaped for HTML content and attributes", "[dashboard][security]") {
  CHECK(escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(escape("a \"quoted\" & more") == "a &quot;quoted&quot; &amp; more");
  // Control and bidi characters become visible escapes before HTML
  // escaping; a log's newlines stay.
  CHECK(escape("red\x1b[31m\nnext") == "red\\x1b[31m\nnext");
  CHECK(escape("admin\xe2\x80\xae" "txt") == "admin\\u{202e}txt");
  CHECK(escape("bad \xff byte") == "bad \\xff byte");
  CHECK(escape("Zürich 東京") == "Zürich 東京");
}

TEST_CASE("dashboard: slugs are safe in ids, file names and URLs, and never collide", "[dashboard][security]") {
  CHECK(slug("scorer_v2-b") == "scorer_v2-b");
  CHECK(slug("std.roles.sme") == "std.2eroles.2esme");
  CHECK(slug("../etc/passwd") == ".2e.2e.2fetc.2fpasswd");
  CHECK(slug("a\"><script>") == "a.22.3e.3cscript.3e");
  CHECK(slug("a.b") != slug("a_b"));
  CHECK(slug("a.2eb") != slug("a.b"));
}

TEST_CASE("dashboard: axes cover the data with 1, 2 or 5 times a power of ten", "[dashboard]") {
  AxisScale s = niceScale(0.712, 0.834, 5);
  CHECK(s.min <= 0.712);
  CHECK(s.max >= 0.834);
  CHECK(s.step == Approx(0.05));
  CHECK(s.ticks.size() == 4);
  CHECK(s.ticks.front() == Approx(0.7));
  CHECK(s.ticks.back() == Approx(0.85));
  CHECK(number(s.ticks[1]) == "0.75");  // snapped to the grid, no binary tail
  CHECK(niceScale(0, 0.3, 3).step == Approx(0.1));
  CHECK(number(niceScale(0, 0.3, 3).ticks[3]) == "0.3");

  AxisScale runs = niceScale(1, 1000, 6, /*integral=*/true);
  CHECK(runs.step == 200);
  CHECK(runs.min == 0);
  CHECK(runs.max == 1000);

  // One value: widened around it, never a zero range.
  AxisScale one = niceScale(5, 5, 5, true);
  CHECK(one.min < 5);
  CHECK(one.max > 5);
  AxisScale zero = niceScale(0, 0, 5);
  CHECK(zero.max > zero.min);
  // Few runs: whole steps.
  CHECK(niceScale(1, 3, 6, true).step == 1);
  CHECK(niceScale(-3, -1, 4).max == Approx(-1));
}

TEST_CASE("dashboard: a line chart carries each point's run and value, escaped", "[dashboard][security]") {
  LineChart chart;
  chart.title = "auc <b>\"x\"</b>";
  chart.valueName = "auc'<";
  chart.series.push_back({"offline", {{1, 0.7, "artifact 3fa2"}, {2, 0.75, "<img src=x>"}}});
  chart.target = 0.72;
  chart.targetLabel = ">= 0.72";
  std::string svg = renderLineChart(chart);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("<img") == std::string::npos);
  CHECK(svg.find("auc &lt;b&gt;&quot;x&quot;&lt;/b&gt;") != std::string::npos);
  CHECK(svg.find("<title>run 2 · auc&#39;&lt; = 0.75 · &lt;img src=x&gt;</title>") != std::string::npos);
  CHECK(svg.find("<title>run 1 · auc&#39;&lt; = 0.7 · artifact 3fa2</title>") != std::string::npos);
  CHECK(svg.find("class=\"target\"") != std::string::npos);
  CHECK(svg.find("target &gt;= 0.72") != std::string::npos);
  CHECK(svg.find("<td>0.75</td>") != std::string::npos);  // the table holds the data too
  CHECK(svg.find("style=") == std::string::npos);         // the CSP forbids inline styles
}

TEST_CASE("dashboard: a long series keeps every point on the line, markers and rows for the newest", "[dashboard]") {
  LineChart chart;
  chart.title = "loss";
  chart.valueName = "loss";
  ChartSeries s{"loss", {}};
  for (int run = 1; run <= 1000; ++run) s.points.push_back({static_cast<double>(run), 1.0 / run, ""});
  chart.series.push_back(s);
  std::string svg = renderLineChart(chart);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("<circle") == kMaxMarkers);
  CHECK(count("<tr><td>") == kMaxTableRows);
  CHECK(svg.find("Data (the newest 1000 of 1000 points)") == std::string::npos);
  CHECK(svg.find("Data (1000 points)") != std::string::npos);
  // Two series share the markers and the rows.
  chart.series.push_back(s);
  chart.series[1].name = "other";
  svg = renderLineChart(chart);
  CHECK(count("<circle") == kMaxMarkers);
  CHECK(count("<tr><td>") == kMaxTableRows);
  CHECK(svg.find("Data (the newest 1000 of 2000 points)") != std::string::npos);
  CHECK(count("<polyline") == 2);
  CHECK(svg.find("<title>run 1000 ·") != std::string::npos);
  CHECK(svg.find("<title>run 1 ·") == std::string::npos);
}

TEST_CASE("dashboard: bars at or over the threshold are marked, in words too", "[dashboard]") {
  BarChart chart;
  chart.title = "PSI per column";
  chart.valueName = "PSI";
  chart.bars = {{"applications.income", 0.05, ""}, {"applications.age", 0.31, "test age_drift"}};
  chart.threshold = 0.2;
  chart.thresholdLabel = "0.2";
  std::string svg = renderBarChart(chart);
  CHECK(svg.find("class=\"bar over\"") != std::string::npos);
  CHECK(svg.find("applications.age · PSI = 0.31 (at or over 0.2) · test age_drift") != std::string::npos);
  CHECK(svg.find("applications.income · PSI = 0.05 (under 0.2)") != std::string::npos);
}

TEST_CASE("dashboard: metrics files are read as numbers only, hostile ones without a crash", "[dashboard][security]") {
  using mlops::driver::numericMetrics;
  auto m = numericMetrics(R"({"auc": 0.8, "business": {"approval_rate": 0.6}, "name": "x", "ok": true, "n": 3})");
  REQUIRE(m.size() == 3);
  CHECK(m[0] == std::pair<std::string, double>("auc", 0.8));
  CHECK(m[1] == std::pair<std::string, double>("business.approval_rate", 0.6));
  CHECK(m[2] == std::pair<std::string, double>("n", 3));
  CHECK(numericMetrics("not json").empty());
  CHECK(numericMetrics("[1, 2]").empty());
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 10000; ++i) deep += "}";
  CHECK(numericMetrics(deep).empty());
  std::string wide = "{";
  for (int i = 0; i < 500; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  CHECK(numericMetrics(wide + "}").size() == 100);
}

TEST_CASE("dashboard --serve: listen addresses and the loopback rule", "[dashboard][security]") {
  using mlops::driver::isLoopback;
  using mlops::driver::parseListenAddress;
  std::string host, error;
  int port = 0;
  REQUIRE(parseListenAddress("", host, port, error));
  CHECK((host == "127.0.0.1" && port == 8080));
  REQUIRE(parseListenAddress("127.0.0.1:0", host, port, error));
  CHECK((host == "127.0.0.1" && port == 0));
  REQUIRE(parseListenAddress(":9000", host, port, error));
  CHECK((host == "127.0.0.1" && port == 9000));
  REQUIRE(parseListenAddress("[::1]:8081", host, port, error));
  CHECK((host == "::1" && port == 8081));
  CHECK_FALSE(parseListenAddress("127.0.0.1:http", host, port, error));
  CHECK_FALSE(parseListenAddress("127.0.0.1:70000", host, port, error));
  CHECK_FALSE(parseListenAddress("[::1", host, port, error));
  CHECK(isLoopback("127.0.0.1"));
  CHECK(isLoopback("127.8.9.10"));
  CHECK(isLoopback("::1"));
  CHECK(isLoopback("localhost"));
  CHECK_FALSE(isLoopback("0.0.0.0"));
  CHECK_FALSE(isLoopback("::"));
  CHECK_FALSE(isLoopback("192.168.1.2"));
  CHECK_FALSE(isLoopback("example.com"));
}

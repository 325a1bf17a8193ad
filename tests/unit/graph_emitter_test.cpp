// The Graphviz backend on hand-built IR: escaping, labels, clusters,
// determinism (the e2e test graph.sh covers the examples and the CLI).
#include "emit/graph_emitter.h"

#include <catch2/catch.hpp>

using namespace mlops;
using emit::GraphEmitter;
using emit::GraphFormat;

namespace {

ir::Node node(ir::NodeKind kind, const std::string& name, const std::string& owner) {
  ir::Node n;
  n.kind = kind;
  n.name = name;
  n.id = std::string(ir::nodeKindName(kind)) + ":" + name;
  n.owner = owner;
  return n;
}

ir::Role role(const std::string& name, const std::string& base, std::vector<std::string> members) {
  ir::Role r;
  r.name = name;
  r.base = base;
  r.members = std::move(members);
  return r;
}

ir::PipelineGraph sampleGraph() {
  ir::PipelineGraph g;
  g.projectName = "demo";
  g.version = "1.0.0";
  g.riskTier = "high";
  g.roles.push_back(role("risk", "std.roles.sme", {"a@x.example"}));
  g.roles.push_back(role("modelers", "data_scientist", {"b@x.example", "c@x.example"}));
  ir::Node model = node(ir::NodeKind::Model, "scorer", "modelers");
  model.framework = "python";
  ir::Node test = node(ir::NodeKind::Test, "auc_floor", "modelers");
  test.expect.source = "metrics.auc >= 0.75";
  test.target = model.id;
  ir::Node gate = node(ir::NodeKind::Gate, "production", "risk");
  gate.approvals = {{"validators", 2, {}}, {"risk_owner", 1, {}}};
  gate.model = model.id;
  g.nodes = {model, test, gate};
  g.edges = {{model.id, test.id, "test"}, {test.id, gate.id, "requires"}, {model.id, gate.id, "gate-model"},
             {model.id, "model:nowhere", "input"}};
  return g;
}

std::string render(const ir::PipelineGraph& graph, GraphFormat format) {
  GraphEmitter emitter(graph);
  std::string error;
  std::optional<std::string> out = emitter.render(format, error);
  INFO(error);
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("graphvizText keeps text literal for Graphviz labels", "[emit]") {
  CHECK(emit::graphvizText("plain") == "plain");
  CHECK(emit::graphvizText("a\\b") == "a\\\\b");
  CHECK(emit::graphvizText("x & &amp; y") == "x &amp; &amp;amp; y");
  CHECK(emit::graphvizText("two\nlines") == "two\\nlines");
  CHECK(emit::graphvizText("tab\there") == "tab here");
  CHECK(emit::graphvizText("<b>\"q\"</b>") == "<b>\"q\"</b>");  // cgraph and the SVG writer escape these
  CHECK(emit::graphvizText("ü ✓ 中文") == "ü ✓ 中文");
  CHECK(emit::graphvizText(std::string("c\x01") + "\x7f") == "c\uFFFD\uFFFD");
  CHECK(emit::graphvizText("\uFFFE\uFFFF\uFFFD") == "\uFFFD\uFFFD\uFFFD");
}

TEST_CASE("graph formats by name", "[emit]") {
  CHECK(emit::parseGraphFormat("dot") == GraphFormat::Dot);
  CHECK(emit::parseGraphFormat("svg") == GraphFormat::Svg);
  CHECK(emit::parseGraphFormat("png") == GraphFormat::Png);
  CHECK_FALSE(emit::parseGraphFormat("jpg"));
  CHECK(std::string(emit::graphFormatName(GraphFormat::Png)) == "png");
}

TEST_CASE("DOT: clusters by owner in role order, labels by kind", "[emit]") {
  std::string dot = render(sampleGraph(), GraphFormat::Dot);
  size_t risk = dot.find("subgraph cluster_risk {"), modelers = dot.find("subgraph cluster_modelers {");
  REQUIRE(risk != std::string::npos);
  REQUIRE(modelers != std::string::npos);
  CHECK(risk < modelers);
  CHECK(dot.find("label=\"modelers : data_scientist\\lb@x.example, c@x.example\\l\"") != std::string::npos);
  CHECK(dot.find("label=\"risk : sme\\la@x.example\\l\"") != std::string::npos);  // stdlib names shortened
  CHECK(dot.find("label=\"production\\n2 of validators, risk_owner\"") != std::string::npos);
  CHECK(dot.find("label=\"auc_floor\\nmetrics.auc >= 0.75\"") != std::string::npos);
  CHECK(dot.find("shape=doubleoctagon") != std::string::npos);
  CHECK(dot.find("shape=box3d") != std::string::npos);
  CHECK(dot.find("model:nowhere") == std::string::npos);  // an edge to no node is left out
}

TEST_CASE("the same graph renders to the same bytes", "[emit]") {
  ir::PipelineGraph graph = sampleGraph();
  CHECK(render(graph, GraphFormat::Dot) == render(graph, GraphFormat::Dot));
  CHECK(render(graph, GraphFormat::Svg) == render(graph, GraphFormat::Svg));
  GraphEmitter emitter(graph);
  std::string error;
  std::optional<std::string> first = emitter.render(GraphFormat::Svg, error);
  std::optional<std::string> dotAfterLayout = emitter.render(GraphFormat::Dot, error);
  std::optional<std::string> second = emitter.render(GraphFormat::Svg, error);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first == *second);
  REQUIRE(dotAfterLayout);
  CHECK(dotAfterLayout->find("pos=") == std::string::npos);  // DOT is the graph before layout
}

TEST_CASE("SVG escapes text from the spec", "[emit]") {
  ir::PipelineGraph graph = sampleGraph();
  graph.nodes[2].environment = "<script>\"x\"</script> & ✓";
  graph.roles[0].members = {"<script>@x.example"};
  std::string svg = render(graph, GraphFormat::Svg);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("environment &lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; ✓") != std::string::npos);
  CHECK(svg.find("&lt;script&gt;@x.example") != std::string::npos);
}

TEST_CASE("an empty project renders", "[emit]") {
  ir::PipelineGraph graph;
  graph.projectName = "empty";
  CHECK(render(graph, GraphFormat::Svg).find("<svg") != std::string::npos);
  std::string png = render(graph, GraphFormat::Png);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
}

#include "runtime/rollout/kpi_readings.h"

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::runtime;

namespace {

ir::PipelineGraph graphWithKpi(const std::string& comparison, double target, const std::string& strategy = "canary") {
  ir::PipelineGraph g;
  ir::Role owner;
  owner.name = "risk_owner";
  owner.members = {"ana@bank.example", "ben@bank.example"};
  g.roles.push_back(owner);
  g.kpis.push_back({"approval_rate", "risk_owner", "business.approval_rate", "", "", comparison, target, {}, {}});
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.id = "model:scorer";
  model.name = "scorer";
  model.kpi = "approval_rate";
  ir::Node deploy;
  deploy.kind = ir::NodeKind::Deploy;
  deploy.id = "deploy:prod";
  deploy.name = "prod";
  deploy.model = "model:scorer";
  deploy.strategy.kind = strategy;
  deploy.strategy.metric = "business.approval_rate";
  ir::Node monitor;
  monitor.kind = ir::NodeKind::Monitor;
  monitor.id = "monitor:live";
  monitor.name = "live";
  monitor.deploy = "deploy:prod";
  g.nodes = {model, deploy, monitor};
  return g;
}

nlohmann::ordered_json parse(const char* text) { return nlohmann::ordered_json::parse(text); }

}  // namespace

TEST_CASE("a KPI's metric is read by its whole name, else by its dotted path", "[runtime][kpi]") {
  CHECK(metricValue(parse(R"({"business.approval_rate": 0.5, "business": {"approval_rate": 0.6}})"),
                    "business.approval_rate") == 0.5);
  CHECK(metricValue(parse(R"({"business": {"approval_rate": 0.6}})"), "business.approval_rate") == 0.6);
  CHECK(metricValue(parse(R"({"a": {"b": {"c": 3}}})"), "a.b.c") == 3.0);
  // Anything but a finite number reads as no value.
  CHECK(!metricValue(parse(R"({"business": {"approval_rate": "0.6"}})"), "business.approval_rate"));
  CHECK(!metricValue(parse(R"({"business": [0.6]})"), "business.approval_rate"));
  CHECK(!metricValue(parse(R"({"business": 0.6})"), "business.approval_rate"));
  CHECK(!metricValue(parse(R"({"business.approval_rate": null})"), "business.approval_rate"));
  CHECK(!metricValue(parse(R"([1, 2])"), "business"));
  CHECK(!metricValue(parse(R"({"a": 1})"), ""));
  CHECK(!metricValue(parse(R"({"a": {"": 1}})"), "a."));
  CHECK(!metricValue(parse(R"({"x": 1e308})"), "y"));
}

TEST_CASE("a KPI's target is met as its comparison says", "[runtime][kpi]") {
  using ir::kpiTargetMet;
  using ir::kpiTargetText;
  ir::Kpi k{"k", "o", "m", "", "", ">=", 0.3, {}, {}};
  CHECK(kpiTargetMet(k, 0.3));
  CHECK(!kpiTargetMet(k, 0.29999));
  k.comparison = "<";
  CHECK(kpiTargetMet(k, 0.29));
  CHECK(!kpiTargetMet(k, 0.3));
  k.comparison = "<=";
  CHECK(kpiTargetMet(k, 0.3));
  k.comparison = ">";
  CHECK(!kpiTargetMet(k, 0.3));
  k.comparison = "==";
  CHECK(kpiTargetMet(k, 0.3));
  k.comparison = "!=";
  CHECK(!kpiTargetMet(k, 0.3));
  k.comparison = "~";  // not a comparison the analyzer admits: met by nothing
  CHECK(!kpiTargetMet(k, 0.3));
  CHECK(kpiTargetText(ir::Kpi{"k", "o", "m", "", "", ">=", 0.3, {}, {}}) == ">= 0.3");
}

TEST_CASE("a model run's metrics are an offline reading of its KPI", "[runtime][kpi]") {
  ir::PipelineGraph g = graphWithKpi(">=", 0.3);
  const ir::Node& model = g.nodes[0];
  std::optional<KpiReading> r =
      offlineReading(g, model, R"({"business": {"approval_rate": 0.25}})", "build/m.json", "2e67", 7);
  REQUIRE(r);
  CHECK(r->kpi == "approval_rate");
  CHECK(r->value == 0.25);
  CHECK(!r->met);
  CHECK(r->target == ">= 0.3");
  CHECK(r->source == "offline");
  CHECK(r->node == "model:scorer");
  CHECK(r->model == "model:scorer");
  CHECK(r->artifact == "2e67");
  CHECK(r->run == 7);
  CHECK(r->origin == "build/m.json");
  CHECK(describeReading(*r) == "kpi `approval_rate` (business.approval_rate = 0.25, target >= 0.3): missed");
  CHECK(kpiAlert(g, "approval_rate") == "risk_owner (ana@bank.example, ben@bank.example)");
  // No number for the metric, malformed metrics, or no KPI: no reading.
  CHECK(!offlineReading(g, model, R"({"auc": 0.8})", "m.json", "", 1));
  CHECK(!offlineReading(g, model, "not json", "m.json", "", 1));
  ir::Node plain = model;
  plain.kpi.clear();
  CHECK(!offlineReading(g, plain, R"({"business": {"approval_rate": 0.5}})", "m.json", "", 1));
}

TEST_CASE("a monitor's live source is an online reading of its deploy's model's KPI", "[runtime][kpi]") {
  ir::PipelineGraph g = graphWithKpi(">=", 0.3);
  const ir::Node& monitor = g.nodes[2];
  std::optional<KpiReading> r =
      onlineReading(g, monitor, parse(R"({"business.approval_rate": 0.41})"), "serving/live.json", "2e67", 3);
  REQUIRE(r);
  CHECK(r->met);
  CHECK(r->source == "online");
  CHECK(r->node == "monitor:live");
  CHECK(r->origin == "serving/live.json");
  CHECK(!onlineReading(g, monitor, parse(R"({"error_rate": 0.01})"), "live.json", "", 3));
  // An A/B source without the metric itself: the treatment arm is the new model's.
  const char* ab = R"({"ab": {"business.approval_rate": {"control": {"value": 0.2, "n": 100},
                                                          "treatment": {"value": 0.35, "n": 100}}}})";
  CHECK(!onlineReading(g, monitor, parse(ab), "live.json", "", 3));  // not an ab deploy
  ir::PipelineGraph abGraph = graphWithKpi(">=", 0.3, "ab");
  std::optional<KpiReading> arm = onlineReading(abGraph, abGraph.nodes[2], parse(ab), "live.json", "", 3);
  REQUIRE(arm);
  CHECK(arm->value == 0.35);
  CHECK(arm->origin == "live.json (the A/B test's treatment arm)");
}

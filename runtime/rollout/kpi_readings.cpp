#include "runtime/rollout/kpi_readings.h"

#include "compiler/support/display_text.h"
#include "runtime/approvals.h"
#include "runtime/expression.h"

#include <cmath>

namespace mlops::runtime {

namespace {

std::optional<double> finiteNumber(const nlohmann::ordered_json& v) {
  if (!v.is_number()) return std::nullopt;
  double d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string number(double d) { return Value{d}.describe(); }

}  // namespace

std::optional<double> metricValue(const nlohmann::ordered_json& document, const std::string& metric) {
  if (!document.is_object() || metric.empty()) return std::nullopt;
  if (auto it = document.find(metric); it != document.end()) return finiteNumber(*it);
  const nlohmann::ordered_json* at = &document;
  size_t start = 0;
  for (;;) {
    size_t dot = metric.find('.', start);
    std::string segment = metric.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty() || !at->is_object()) return std::nullopt;
    auto it = at->find(segment);
    if (it == at->end()) return std::nullopt;
    at = &*it;
    if (dot == std::string::npos) return finiteNumber(*at);
    start = dot + 1;
  }
}

const ir::Kpi* kpiOfModel(const ir::PipelineGraph& graph, const ir::Node& model) {
  if (model.kpi.empty()) return nullptr;
  for (const ir::Kpi& k : graph.kpis)
    if (k.name == model.kpi) return &k;
  return nullptr;
}

namespace {

KpiReading reading(const ir::Kpi& kpi, const ir::Node& model, double value, const std::string& artifact, int64_t run) {
  KpiReading r;
  r.run = run;
  r.kpi = kpi.name;
  r.metric = kpi.metric;
  r.value = value;
  r.target = ir::kpiTargetText(kpi);
  r.met = ir::kpiTargetMet(kpi, value);
  r.model = model.id;
  r.artifact = artifact;
  return r;
}

}  // namespace

std::optional<KpiReading> offlineReading(const ir::PipelineGraph& graph, const ir::Node& model,
                                         const std::string& metricsJson, const std::string& metricsPath,
                                         const std::string& artifact, int64_t run) {
  const ir::Kpi* kpi = kpiOfModel(graph, model);
  if (!kpi) return std::nullopt;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::parse(metricsJson, nullptr, false);
  std::optional<double> value = metricValue(metrics, kpi->metric);
  if (!value) return std::nullopt;
  KpiReading r = reading(*kpi, model, *value, artifact, run);
  r.source = "offline";
  r.node = model.id;
  r.origin = metricsPath;
  return r;
}

std::optional<KpiReading> onlineReading(const ir::PipelineGraph& graph, const ir::Node& monitor,
                                        const nlohmann::ordered_json& live, const std::string& livePath,
                                        const std::string& artifact, int64_t run) {
  const ir::Node* deploy = graph.find(monitor.deploy);
  const ir::Node* model = deploy ? graph.find(deploy->model) : nullptr;
  const ir::Kpi* kpi = model ? kpiOfModel(graph, *model) : nullptr;
  if (!kpi) return std::nullopt;
  std::optional<double> value = metricValue(live, kpi->metric);
  std::string origin = livePath;
  if (!value && deploy->strategy.kind == "ab" && deploy->strategy.metric == kpi->metric && live.is_object()) {
    // The new model serves the treatment arm: that arm is the model's reading.
    auto ab = live.find("ab");
    if (ab != live.end() && ab->is_object())
      if (auto m = ab->find(kpi->metric); m != ab->end() && m->is_object())
        if (auto t = m->find("treatment"); t != m->end() && t->is_object())
          if (auto v = t->find("value"); v != t->end()) {
            value = finiteNumber(*v);
            origin = livePath + " (the A/B test's treatment arm)";
          }
  }
  if (!value) return std::nullopt;
  KpiReading r = reading(*kpi, *model, *value, artifact, run);
  r.source = "online";
  r.node = monitor.id;
  r.origin = origin;
  return r;
}

std::string describeReading(const KpiReading& r) {
  return "kpi `" + support::escapeControls(r.kpi) + "` (" + support::escapeControls(r.metric) + " = " +
         number(r.value) + ", target " + r.target + "): " + (r.met ? "met" : "missed");
}

std::string kpiAlert(const ir::PipelineGraph& graph, const std::string& kpiName) {
  for (const ir::Kpi& k : graph.kpis)
    if (k.name == kpiName) return roleWithMembers(graph, k.owner);
  return "";
}

}  // namespace mlops::runtime

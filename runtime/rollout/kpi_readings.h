// KPI readings (docs/language.md 5.3.1): a KPI's `metric` read from the
// metrics of a model run (offline) and from the live source of a monitor
// on one of the model's deploys (online), each compared with the KPI's
// target. The files are hostile input: a value is taken only when it is a
// finite JSON number, and nothing else of them is kept.
#pragma once

#include "compiler/ir/pipeline_graph.h"
#include "runtime/state/records.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

// The number a metric names in a metrics or live document: the member whose
// name is the whole metric ("business.approval_rate": 0.6) or, when there is
// none, the path its dots spell through nested objects ({"business":
// {"approval_rate": 0.6}}). Nullopt when neither holds a finite number.
std::optional<double> metricValue(const nlohmann::ordered_json& document, const std::string& metric);

// The KPI's target as written in readings and messages: ">= 0.3".
std::string kpiTargetText(const ir::Kpi& kpi);
// Whether `value` meets the KPI's target (compared exactly, as written).
bool kpiTargetMet(const ir::Kpi& kpi, double value);

// The KPI a model declares (`kpi = K`), or null.
const ir::Kpi* kpiOfModel(const ir::PipelineGraph& graph, const ir::Node& model);

// What a model run wrote, as a reading of its KPI: nullopt when the model
// declares no KPI or its metrics (`metricsJson`, the object the run wrote)
// hold no number for the KPI's metric.
std::optional<KpiReading> offlineReading(const ir::PipelineGraph& graph, const ir::Node& model,
                                         const std::string& metricsJson, const std::string& metricsPath,
                                         const std::string& artifact, int64_t run);

// What a monitor's live source shows of the KPI of its deploy's model: the
// metric's value, or else, for an `ab` deploy measured on the KPI's metric,
// the treatment arm's value (`ab[METRIC].treatment.value`: the new model's
// traffic). Nullopt when the deploy's model declares no KPI or the source
// shows neither.
std::optional<KpiReading> onlineReading(const ir::PipelineGraph& graph, const ir::Node& monitor,
                                        const nlohmann::ordered_json& live, const std::string& livePath,
                                        const std::string& artifact, int64_t run);

// "kpi `approval_rate` (business.approval_rate = 0.61, target >= 0.3): met".
std::string describeReading(const KpiReading& reading);

// Who a missed KPI alerts: its owner role with the role's members,
// "risk_owner (ana@bank.example, ben@bank.example)".
std::string kpiAlert(const ir::PipelineGraph& graph, const std::string& kpiName);

}  // namespace mlops::runtime

// The conclusion of an `ab` deploy's test (docs/language.md, "Concluding an
// A/B test"): each arm's reading of the strategy's `metric`, taken from a
// monitor's live source, turned into the difference treatment - control
// with its confidence interval, a p-value, and a decision: promote the new
// model, roll it back, or go on (inconclusive) with the sample size each arm
// still needs.
//
// Rates (no `sd`): Newcombe's hybrid score interval for the difference of two
// proportions, the pooled two-proportion z-test for the p-value. Means
// (`sd` in both arms): Welch's t interval and test with the
// Welch-Satterthwaite degrees of freedom. The decision follows the interval
// alone. A reading that is missing or invalid is inconclusive with its
// reason: never a promotion.
#pragma once

#include "compiler/ir/pipeline_graph.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

// What the deploy asks of the test.
struct AbSettings {
  double confidence = 0.95;    // of the two-sided interval, in [0.5, 1)
  double power = 0.80;         // for the sample size still needed, in [0.5, 1)
  double split = 0.5;          // the treatment's share of traffic, in (0, 1)
  bool higherIsBetter = true;  // the metric's direction (abHigherIsBetter)
};

// One arm's reading: `value` (a rate in [0, 1], or a mean), its sample size,
// and for a mean the standard deviation of the observations.
struct AbArm {
  double value = 0, n = 0;
  std::optional<double> sd;
};

enum class AbKind { Rate, Mean };
enum class AbDecision { Promote, RollBack, Inconclusive };

// "promote", "roll back", "inconclusive".
const char* abDecisionName(AbDecision decision);

struct AbConclusion {
  AbDecision decision = AbDecision::Inconclusive;
  // Why the test is inconclusive when it could not be computed (a missing or
  // invalid reading, no variation); empty when the figures below are set.
  std::string problem;

  // Set when the readings were valid.
  AbKind kind = AbKind::Rate;
  AbArm control, treatment;
  double confidence = 0, power = 0;
  double difference = 0;     // treatment - control
  double standardError = 0;  // of the difference (unpooled)
  double lower = 0, upper = 0;
  double statistic = 0;  // z (rates) or t (means)
  double pValue = 1;     // two-sided
  std::optional<double> degreesOfFreedom;  // means only
  // Per-arm sample sizes at which the observed difference would be detected
  // at the settings' confidence and power (whole observations), and how many
  // more each arm needs beyond what it has; unset when the observed
  // difference is 0 (no sample size detects it) or the size overflows.
  std::optional<double> neededControl, neededTreatment, moreControl, moreTreatment;

  // One line for the deploy's record and progress, e.g. "treatment - control
  // = +0.0150 (95% CI +0.0082 to +0.0218, p = 1.7e-05): promote".
  std::string describe() const;
  // The figures for the state and the dashboard; `problem` when unset.
  nlohmann::ordered_json toJson() const;
};

// Reads `ab[METRIC]` of a live source document (`path` names it in
// messages) and concludes the test. The convention:
//   {"ab": {"METRIC": {"control":   {"value": 0.874, "n": 20600},
//                      "treatment": {"value": 0.889, "n": 20600}}}}
// with "sd" in both arms for a mean.
AbConclusion concludeAbTest(const nlohmann::ordered_json& source, const std::string& path, const std::string& metric,
                            const AbSettings& settings);

// A monitor's live source document and the path that names it.
struct AbSource {
  std::string path;
  nlohmann::ordered_json document;  // null when the source could not be read
};

// The deploy's reading: the first of its monitors' sources (in declaration
// order) whose `ab` object has a member named `metric`; inconclusive, naming
// the sources, when none has.
AbConclusion concludeAbTest(const std::vector<AbSource>& sources, const std::string& metric,
                            const AbSettings& settings);

// Concludes the test from two readings already validated by the caller's
// own means (the same checks apply: an invalid arm is inconclusive).
AbConclusion concludeAbTest(const AbArm& control, const AbArm& treatment, const AbSettings& settings);

// The metric's direction: lower is better when a KPI of the graph measures
// `metric` with a `<` or `<=` target; higher is better otherwise.
bool abHigherIsBetter(const ir::PipelineGraph& graph, const std::string& metric);

}  // namespace mlops::runtime

// A node's `when` (docs/language.md 6.5): evaluated just before the node
// would run, after everything it reads has finished. It reads a model's
// metrics output (`model:train` `metrics` KEY…) and whether a test passed
// (`test:t` `passed`); a false condition skips the node and its dependants,
// which is not a failure. A condition that cannot be evaluated (the metric
// missing, a test without a result) fails the node: it never runs or skips by
// default.
#pragma once

#include "ir/pipeline_graph.h"

#include <functional>
#include <optional>
#include <string>

namespace mlops::runtime {

struct ConditionResult {
  bool holds = false;
  std::string values;  // ", with train.metrics.auc = 0.71": what it read, for the summary
};

// The status a test's line has in this run (`passed`, `warning`, `failed`),
// or nullopt when the test has none (it ran in another CI job: the caller
// looks at its result there, or it did not run).
using TestStatusLookup = std::function<std::optional<std::string>(const std::string& testId)>;

// Evaluates `n.when` against the project at `root`; nullopt with `error`
// when it cannot be evaluated.
std::optional<ConditionResult> evaluateWhen(const ir::PipelineGraph& g, const ir::Node& n, const std::string& root,
                                            const TestStatusLookup& testStatus, std::string& error);

// `model:train` `metrics` `auc` → `train.metrics.auc`: a path of a condition
// as the user wrote it.
std::string conditionPathText(const std::vector<std::string>& segments);

}  // namespace mlops::runtime

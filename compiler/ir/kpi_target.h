// What a KPI's target means (docs/language.md 5.3, 5.3.1): a value meets it
// when `value OP target` holds, compared exactly as written. The runtime
// judges readings with it, the report and `status` judge recorded ones
// against the target as the spec says it now.
#pragma once

#include "ir/pipeline_graph.h"

#include <string>

namespace mlops::ir {

// ">= 0.3": the comparison and the target, percentages as fractions.
std::string kpiTargetText(const Kpi& kpi);
// False for a comparison the analyzer does not admit.
bool kpiTargetMet(const Kpi& kpi, double value);

}  // namespace mlops::ir

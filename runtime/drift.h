// Drift: `drift.psi(column)`, the population stability index of a data
// column against the reference profile stored when a gate last passed.
//
// A profile is JSON. A numeric column (every non-null value a number) keeps
// the deciles of its reference values as bin edges and the share of values
// in each bin: {"kind": "numeric", "edges": [...], "shares": [...], "count": N}.
// Any other column keeps each value's share: {"kind": "categorical",
// "shares": {"north": 0.5, ...}, "count": N}. Nulls are left out of both.
//
// PSI = sum over bins of (actual - expected) * ln(actual / expected), each
// share floored at 0.0001 so an empty bin counts as rare, not infinite.
// 0.1 is commonly read as a moderate shift, 0.2 as a significant one.
#pragma once

#include "runtime/data_table.h"

#include <optional>
#include <string>

namespace mlops::runtime {

std::string buildProfile(const DataTable& table, size_t column);

// The PSI of `column` of `table` against `profile`, or nullopt with `error`.
std::optional<double> populationStabilityIndex(const std::string& profile, const DataTable& table, size_t column,
                                               std::string& error);

}  // namespace mlops::runtime

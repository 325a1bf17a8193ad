// The governance diff (governance_diff.h) as JSON (`mlopsc diff --format
// json`): the same content as the Markdown, complete (never cut), keys in a
// fixed order, deterministic. The shape is documented in docs/diff.md.
#pragma once

#include "emit/governance_diff.h"

#include <nlohmann/json.hpp>

#include <string>

namespace mlops::emit {

inline constexpr int kDiffJsonVersion = 1;

nlohmann::ordered_json diffJson(const GovernanceDiff& diff);
std::string renderDiffJson(const GovernanceDiff& diff);  // dump(2) and a final newline

}  // namespace mlops::emit

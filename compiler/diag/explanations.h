// Long explanations of diagnostic codes (`mlopsc explain CODE`), from
// diagnostic_explanations.def: a paragraph, a spec that triggers the code and
// the same spec fixed. tests/unit/explanations_test.cpp checks every example.
#pragma once

#include "diag/diagnostic.h"

namespace mlops::diag {

struct Explanation {
  DiagCode code;
  const char* text;   // paragraph(s)
  const char* wrong;  // a complete spec that produces `code`
  const char* right;  // the same spec, fixed: checks without errors
};

// Null when the code has no explanation yet.
const Explanation* findExplanation(DiagCode code);
const std::vector<Explanation>& allExplanations();

}  // namespace mlops::diag

#include "diag/explanations.h"

namespace mlops::diag {

const std::vector<Explanation>& allExplanations() {
  static const std::vector<Explanation> all = {
#define EXPLAIN(Code, Text, Wrong, Right) {DiagCode::Code, Text, Wrong, Right},
#include "diag/diagnostic_explanations.def"
#undef EXPLAIN
  };
  return all;
}

const Explanation* findExplanation(DiagCode code) {
  for (const Explanation& e : allExplanations())
    if (e.code == code) return &e;
  return nullptr;
}

}  // namespace mlops::diag

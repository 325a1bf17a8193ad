#include "ir/kpi_target.h"

#include <sstream>

namespace mlops::ir {

std::string kpiTargetText(const Kpi& kpi) {
  std::ostringstream out;
  out.precision(15);
  out << kpi.target;
  return kpi.comparison + " " + out.str();
}

bool kpiTargetMet(const Kpi& kpi, double value) {
  const std::string& op = kpi.comparison;
  if (op == ">=") return value >= kpi.target;
  if (op == ">") return value > kpi.target;
  if (op == "<=") return value <= kpi.target;
  if (op == "<") return value < kpi.target;
  if (op == "==") return value == kpi.target;
  if (op == "!=") return value != kpi.target;
  return false;
}

}  // namespace mlops::ir

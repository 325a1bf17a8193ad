// A step's or model's plots (docs/language.md 5.5.3) on its dashboard page:
// each chart drawn by emit/plot_svg.h from the file as the driver read it
// (DashboardInput::plots), with the number of points and, when there are
// none, why (the file is not written yet, is not JSON, lacks a column).
#pragma once

#include "emit/dashboard/dashboard_input.h"

#include <string>

namespace mlops::emit::dashboard {

// "" when the node declares no plots.
std::string plotSection(const DashboardInput& input, const ir::Node& node);

}  // namespace mlops::emit::dashboard

// The team dashboard (docs/dashboard.md): a static site of a few pages
// and two assets, made from what the driver read (dashboard_input.h).
// Pages: index.html (Overview, the subject-matter expert's: KPIs against
// their targets, production models, approvals waiting), models.html and a
// page per model (metrics over runs, tests, gates and approvers, drift,
// deploys and monitors), data.html (lineage, freshness, schema, checks,
// the log of what failed), teams.html (members, ownership, resources
// requested vs quota vs used, approvals given).
//
// The same input gives the same bytes: no time is written unless the
// input carries one, everything is in declaration or run order.
#pragma once

#include "emit/dashboard/dashboard_input.h"

#include <string>
#include <utility>
#include <vector>

namespace mlops::emit::dashboard {

// (path, content) of every file of the site, pages first, then
// dashboard.css and dashboard.js. Paths are flat file names made of
// [A-Za-z0-9._-]: the server answers exactly these and nothing else.
std::vector<std::pair<std::string, std::string>> renderDashboard(const DashboardInput& input);

// The body of each page (overview_page.cpp, model_pages.cpp, data_page.cpp,
// teams_page.cpp).
std::string overviewPage(const DashboardInput& input);
std::string modelsPage(const DashboardInput& input);
std::string modelPageBody(const DashboardInput& input, const ir::Node& model);
std::string dataPage(const DashboardInput& input);
std::string teamsPage(const DashboardInput& input);

}  // namespace mlops::emit::dashboard

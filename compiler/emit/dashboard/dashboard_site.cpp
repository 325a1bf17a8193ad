#include "emit/dashboard/dashboard_site.h"

#include "emit/dashboard/dashboard_assets.h"
#include "emit/dashboard/html_text.h"
#include "emit/dashboard/page_layout.h"

namespace mlops::emit::dashboard {

std::vector<std::pair<std::string, std::string>> renderDashboard(const DashboardInput& input) {
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("index.html", pageDocument(input, "index.html", "Overview", overviewPage(input)));
  files.emplace_back("models.html", pageDocument(input, "models.html", "Models", modelsPage(input)));
  for (const ir::Node& n : input.graph->nodes)
    if (n.kind == ir::NodeKind::Model)
      files.emplace_back(modelPage(n), pageDocument(input, modelPage(n), "Model " + n.name, modelPageBody(input, n)));
  files.emplace_back("data.html", pageDocument(input, "data.html", "Data", dataPage(input)));
  files.emplace_back("teams.html", pageDocument(input, "teams.html", "Teams and resources", teamsPage(input)));
  files.emplace_back("dashboard.css", std::string(kStyleSheet));
  files.emplace_back("dashboard.js", std::string(kScript));
  return files;
}

}  // namespace mlops::emit::dashboard

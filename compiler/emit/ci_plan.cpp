#include "emit/ci_plan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <unordered_map>

namespace mlops::emit {

std::vector<CiJob> planJobs(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline) {
  std::vector<CiJob> jobs;
  std::unordered_map<std::string, size_t> jobOf;
  for (const std::string& id : pipeline.nodes) {
    const ir::Node* node = graph.find(id);
    if (!node || node->kind == ir::NodeKind::Data) continue;
    jobOf.emplace(id, jobs.size());
    jobs.push_back({node, {}});
  }
  for (const ir::Edge& e : graph.edges) {
    auto from = jobOf.find(e.from), to = jobOf.find(e.to);
    if (from == jobOf.end() || to == jobOf.end()) continue;
    jobs[to->second].needs.push_back(from->second);
  }
  for (CiJob& j : jobs) {
    std::sort(j.needs.begin(), j.needs.end());
    j.needs.erase(std::unique(j.needs.begin(), j.needs.end()), j.needs.end());
  }
  return jobs;
}

bool hasPullRequestTrigger(const ir::Pipeline& pipeline) {
  return std::any_of(pipeline.triggers.begin(), pipeline.triggers.end(),
                     [](const ir::Trigger& t) { return t.kind == "pull_request"; });
}

std::vector<bool> gatedJobs(const std::vector<CiJob>& jobs) {
  std::vector<bool> gated(jobs.size(), false);
  for (size_t i = 0; i < jobs.size(); ++i) {
    ir::NodeKind k = jobs[i].node->kind;
    gated[i] = k == ir::NodeKind::Gate || k == ir::NodeKind::Deploy || k == ir::NodeKind::Monitor ||
               std::any_of(jobs[i].needs.begin(), jobs[i].needs.end(), [&](size_t n) { return gated[n]; });
  }
  return gated;
}

std::vector<const ir::Node*> scheduledMonitors(const ir::PipelineGraph& graph) {
  std::vector<const ir::Node*> out;
  for (const ir::Node& n : graph.nodes)
    if (n.kind == ir::NodeKind::Monitor && n.everySeconds) out.push_back(&n);
  return out;
}

std::string artifactDirName(const std::string& nodeId) {
  std::string out = nodeId;
  std::replace(out.begin(), out.end(), ':', '-');
  return out;
}

std::string shortName(const std::string& qualified) {
  size_t dot = qualified.rfind('.');
  return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

CronSchedule cronEvery(double seconds, double minimumSeconds) {
  struct Candidate {
    double seconds;
    const char* cron;
  };
  static const std::array<Candidate, 21> candidates = {{
      {7 * 86400.0, "0 0 * * 0"}, {86400, "0 0 * * *"},   {12 * 3600.0, "0 */12 * * *"},
      {8 * 3600.0, "0 */8 * * *"}, {6 * 3600.0, "0 */6 * * *"}, {4 * 3600.0, "0 */4 * * *"},
      {3 * 3600.0, "0 */3 * * *"}, {2 * 3600.0, "0 */2 * * *"}, {3600, "0 * * * *"},
      {1800, "*/30 * * * *"},     {1200, "*/20 * * * *"},   {900, "*/15 * * * *"},
      {720, "*/12 * * * *"},      {600, "*/10 * * * *"},    {360, "*/6 * * * *"},
      {300, "*/5 * * * *"},       {240, "*/4 * * * *"},     {180, "*/3 * * * *"},
      {120, "*/2 * * * *"},       {60, "* * * * *"},        {0, nullptr},
  }};
  const Candidate* best = nullptr;
  for (const Candidate& c : candidates) {
    if (!c.cron || c.seconds < minimumSeconds) break;
    best = &c;  // the smallest allowed so far, used when seconds is below all
    if (c.seconds <= seconds) break;
  }
  if (!best) best = &candidates[0];
  return {best->cron, best->seconds, best->seconds == seconds};
}

std::optional<double> jobTimeoutMinutes(const ir::Node& node) {
  if (!node.resources.timeoutSeconds) return std::nullopt;
  double attempts = 1 + node.resources.retries.value_or(0);
  double runs = 1, waits = 0;
  if (node.kind == ir::NodeKind::Deploy && node.strategy.kind == "canary" && !node.strategy.steps.empty()) {
    runs = static_cast<double>(node.strategy.steps.size());
    waits = node.strategy.intervalSeconds.value_or(0) * (runs - 1);
  }
  double seconds = *node.resources.timeoutSeconds * attempts * runs + waits + 60 * (attempts - 1);
  return std::max(1.0, std::ceil(seconds / 60));
}

std::string displayName(const ir::Node& node) { return std::string(ir::nodeKindName(node.kind)) + " " + node.name; }

std::string IdAllocator::key(const std::string& id) const {
  if (!caseInsensitive_) return id;
  std::string k = id;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

std::string IdAllocator::take(const std::string& proposed) {
  std::string id = proposed;
  for (unsigned n = 2; used_.count(key(id)); ++n) id = proposed + "-" + std::to_string(n);
  used_.insert(key(id));
  return id;
}

std::string dnsLabel(const std::string& name, size_t limit) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if ((c == '_' || c == '-' || c == '.' || c == ':' || c == '@') && !out.empty() && out.back() != '-') out += '-';
  }
  if (out.size() > limit) out.resize(limit);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "x";
  return out;
}

}  // namespace mlops::emit

#include "emit/target_limits.h"

#include "emit/ci_params.h"
#include "emit/ci_plan.h"
#include "emit/codeowners.h"
#include "emit/github_emitter.h"

#include <cmath>
#include <vector>

namespace mlops::emit {
namespace {

std::string rangeText(llvm::SMRange range) {
  if (!range.isValid()) return {};
  return std::string(range.Start.getPointer(), range.End.getPointer());
}

const ir::Role* findRole(const ir::PipelineGraph& graph, const std::string& name) {
  for (const ir::Role& r : graph.roles)
    if (r.name == name) return &r;
  return nullptr;
}

std::string quorumText(const ir::Approval& a) {
  return a.quorum > 1 ? std::to_string(a.quorum) + " of " + shortName(a.role) : shortName(a.role);
}

std::string joinAnd(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

bool executes(const ir::Node& n) {
  return n.kind == ir::NodeKind::Step || n.kind == ir::NodeKind::Model || n.kind == ir::NodeKind::Deploy;
}

void gitHub(const ir::PipelineGraph& graph, diag::DiagnosticEngine& diags) {
  reportParamInputs(graph, "GitHub workflow_dispatch", diags);
  for (const ir::Node& n : graph.nodes) {
    if (n.kind == ir::NodeKind::Gate)
      for (const ir::Approval& a : n.approvals) {
        std::string env = gitHubApprovalEnvironment(n, a);
        if (a.quorum > 1)
          diags.report(a.range, diag::kinds::GitHubQuorum, env, quorumText(a), a.quorum)
              .note("compensating measure: the job `" + artifactDirName(n.id) + "` runs `mlopsc run --node " + n.id +
                    "`, which passes only when " + std::to_string(a.quorum) + " distinct members of `" +
                    shortName(a.role) + "` have approved the model's artifact with `mlopsc approve` in the team's "
                    "record (the CI secret MLOPS_STATE)");
        const ir::Role* role = findRole(graph, a.role);
        if (role && role->members.size() > kGitHubMaxReviewers)
          diags
              .report(a.range, diag::kinds::GitHubTooManyReviewers, env, kGitHubMaxReviewers, shortName(a.role),
                      role->members.size())
              .note("compensating measure: github/environments.json lists all " +
                    std::to_string(role->members.size()) +
                    " members; make a GitHub team of them the environment's reviewer, and the gate job checks "
                    "every approval against the role");
      }
    if (!executes(n)) continue;
    std::vector<std::string> what;
    if (n.resources.cpu) what.push_back("cpu");
    if (n.resources.memoryBytes) what.push_back("memory");
    if (n.resources.gpu) what.push_back("gpu");
    if (!what.empty())
      diags
          .report(n.resources.range.isValid() ? n.resources.range : n.location.range, diag::kinds::CannotReserve,
                  "GitHub-hosted runners", joinAnd(what), ir::nodeKindName(n.kind), n.name)
          .note("compensating measure: the job runs on `ubuntu-latest`, a fixed size; point its `runs-on` at a "
                "larger or self-hosted runner to guarantee these, while the runtime keeps enforcing the owner's "
                "quota");
    if (std::optional<double> minutes = jobTimeoutMinutes(n); minutes && *minutes > kGitHubHostedJobMinutes)
      diags
          .report(n.resources.range.isValid() ? n.resources.range : n.location.range, diag::kinds::JobTooLong,
                  ir::nodeKindName(n.kind), n.name, static_cast<uint64_t>(*minutes), "GitHub-hosted runner",
                  static_cast<uint64_t>(kGitHubHostedJobMinutes))
          .note("compensating measure: the workflow asks for the full " +
                std::to_string(static_cast<uint64_t>(*minutes)) +
                " minutes (`timeout` × attempts, plus canary intervals), which a self-hosted runner honours; "
                "on a GitHub-hosted runner, shorten `timeout`, `retries` or the canary `interval`");
  }
}

void gitLab(const ir::PipelineGraph& graph, diag::DiagnosticEngine& diags) {
  for (const ir::Node& n : graph.nodes)
    if (executes(n) && n.resources.gpu)
      diags
          .report(n.resources.range.isValid() ? n.resources.range : n.location.range, diag::kinds::CannotReserve,
                  "GitLab CI", "gpu", ir::nodeKindName(n.kind), n.name)
          .note("compensating measure: the job's `MLOPS_GPU` variable says how many it needs; give it a runner "
                "with GPUs through `tags` or the Kubernetes executor's node selector");
}

void schedules(const ir::PipelineGraph& graph, const char* platform, double minimumSeconds,
               diag::DiagnosticEngine& diags) {
  for (const ir::Node* m : scheduledMonitors(graph)) {
    CronSchedule c = cronEvery(*m->everySeconds, minimumSeconds);
    if (c.exact) continue;
    std::string every = rangeText(m->everyRange);
    if (every.empty()) every = formatDuration(*m->everySeconds);
    auto d = diags.report(m->everyRange.isValid() ? m->everyRange : m->location.range, diag::kinds::ScheduleNotExact,
                          platform, m->name, every, c.cron, formatDuration(c.seconds));
    if (c.seconds > *m->everySeconds)
      d.note(std::string(platform) + " runs scheduled jobs at most every " + formatDuration(minimumSeconds) +
             "; the runtime still evaluates the monitor between canary steps");
    else
      d.note("checking more often than asked is the safe side; write an `every` that divides an hour or a day "
             "(such as 30m, 1h, 2h, 6h, 1d) to schedule it exactly");
  }
}

}  // namespace

const char* ciTargetName(CiTarget target) {
  switch (target) {
    case CiTarget::GitHub: return "github";
    case CiTarget::GitLab: return "gitlab";
    case CiTarget::Argo: return "argo";
  }
  return "?";
}

const char* ciTargetTitle(CiTarget target) {
  switch (target) {
    case CiTarget::GitHub: return "GitHub Actions";
    case CiTarget::GitLab: return "GitLab CI";
    case CiTarget::Argo: return "Argo";
  }
  return "?";
}

std::string formatDuration(double seconds) {
  static const std::pair<double, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  if (seconds < 1) return std::to_string(static_cast<long long>(std::llround(seconds * 1000))) + "ms";
  std::string out;
  double rest = std::round(seconds);
  for (const auto& [size, unit] : units)
    if (rest >= size) {
      double count = std::floor(rest / size);
      out += std::to_string(static_cast<long long>(count)) + unit;
      rest -= count * size;
    }
  return out;
}

void reportTargetLimits(const ir::PipelineGraph& graph, CiTarget target, diag::DiagnosticEngine& diags) {
  switch (target) {
    case CiTarget::GitHub:
      gitHub(graph, diags);
      reportCodeOwners(graph, diags);
      schedules(graph, "GitHub Actions", kGitHubMinimumScheduleSeconds, diags);
      break;
    case CiTarget::GitLab:
      gitLab(graph, diags);
      reportCodeOwners(graph, diags);
      schedules(graph, "GitLab CI", 60, diags);
      break;
    case CiTarget::Argo:
      schedules(graph, "Argo Workflows", 60, diags);
      break;
  }
}

}  // namespace mlops::emit

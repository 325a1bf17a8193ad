// NodeRunner (runtime/node_runner.h): deploys (rollout steps, pauses,
// rollback, an A/B test's conclusion), monitors, KPI readings.
#include "runtime/node_runner.h"

#include "runtime/approvals.h"
#include "runtime/exec/process.h"
#include "runtime/interpolation.h"
#include "runtime/live_metrics.h"
#include "runtime/runner_support.h"

#include <cstdio>

namespace mlops::runtime {

using namespace runner_support;
namespace {

std::string formatDuration(double s) {
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%gh", s / 3600);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%gm", s / 60);
  else std::snprintf(buf, sizeof buf, "%.3gs", s);
  return buf;
}

}  // namespace

// ---- deploys -----------------------------------------------------------

void NodeRunner::startRollout(size_t i, const ir::Node& n, Prepared p) {
  // Another run of the project (another machine, the same record) rolling
  // out this node: this one does not deploy over it.
  if (state_) {
    if (std::string holder = state_->tryLease(n.id, run_); !holder.empty())
      return immediate(i, false, "another run holds node `" + n.id + "` (" + holder + "): not deployed");
    leased_.insert(n.id);
  }
  Rollout r;
  const ir::Strategy& s = n.strategy;
  if (s.kind == "canary" && !s.steps.empty()) r.steps = s.steps;
  else if (s.kind == "shadow") r.steps = {0.0};
  else if (s.kind == "ab") r.steps = {s.split.value_or(0.5)};
  else r.steps = {1.0};
  r.pauseSeconds = s.intervalSeconds.value_or(0) * o_.intervalScale;
  r.settles = s.kind == "shadow" || s.kind == "ab";
  r.settleSeconds = r.settles ? s.durationSeconds.value_or(0) * o_.intervalScale : 0;
  r.base = p.job;
  r.startedAt = monotonicSeconds();
  r.artifact = p.artifact;
  r.base.spec.environment.emplace_back("MLOPS_STRATEGY", s.kind);
  if (!n.deployTarget.empty()) r.base.spec.environment.emplace_back("MLOPS_DEPLOY_TARGET", n.deployTarget);
  prepared_[i] = std::move(p);
  rollouts_[i] = std::move(r);
  progress_.started(label(n));
  runRolloutStep(i);
}

void NodeRunner::runRolloutStep(size_t i) {
  Rollout& r = rollouts_.at(i);
  // Before each later step: the bytes it rolls out must still be the
  // artifact the gate passed (a file rewritten since, its mtime put back,
  // is not). Step 1 starts in the call of startCommand that just hashed
  // them and compared them with the gate's digest.
  if (r.next > 0)
    if (std::string why = artifactChanged(*order_[i], r.artifact); !why.empty()) {
      r.failure = why;
      return startRollback(i);
    }
  Job job = r.base;
  job.spec.environment.emplace_back("MLOPS_TRAFFIC_PERCENT", percentText(r.steps[r.next]));
  job.spec.environment.emplace_back("MLOPS_ROLLOUT_STEP", std::to_string(r.next + 1) + "/" + std::to_string(r.steps.size()));
  prepared_.at(i).job = std::move(job);
  commands_->start(i);
}

void NodeRunner::startRollback(size_t i) {
  const ir::Node& n = *order_[i];
  Rollout& r = rollouts_.at(i);
  r.rollingBack = true;
  std::string error;
  std::optional<Interpolated> command = n.rollback.empty() ? std::nullopt : interpolate(g_, n, n.rollback, error);
  if (!command) {
    r.failure += n.rollback.empty() ? "; no `rollback` declared: nothing was undone" : "; cannot roll back: " + error;
    record(i, "failed", r.failure, monotonicSeconds() - r.startedAt, nullptr, 1, nullptr, rolloutJobIds(r));
    done_.emplace_back(i, false);
    return;
  }
  progress_.note("deploy " + n.name + ": " + r.failure + "; rolling back");
  Job job = r.base;
  job.spec.command = command->command;
  job.retries = 0;
  job.spec.environment.emplace_back("MLOPS_ROLLBACK", "1");
  if (r.next > 0) job.spec.environment.emplace_back("MLOPS_TRAFFIC_PERCENT", percentText(r.steps[r.next - 1]));
  prepared_.at(i).job = std::move(job);
  commands_->start(i);
}

// "; slurm jobs 11, 12, 13" for a rollout whose steps ran on SLURM.
std::string NodeRunner::slurmJobsText(const Rollout& r) {
  std::string out;
  for (const std::string& id : r.jobs) out += (out.empty() ? "" : ", ") + id;
  if (out.empty()) return "";
  return (r.jobs.size() == 1 ? "; slurm job " : "; slurm jobs ") + out;
}

// The record's job_id of a rollout: "slurm:11 slurm:12 slurm:13", the
// first kMaxRecordedJobIds of them (what the record reads back; `why`
// names them all).
std::string NodeRunner::rolloutJobIds(const Rollout& r) {
  std::string out;
  for (size_t k = 0; k < r.jobs.size() && k < kMaxRecordedJobIds; ++k) out += (k ? " slurm:" : "slurm:") + r.jobs[k];
  return out;
}

// A rollout's process ended: the final result, or nullopt when the rollout
// goes on (a pause, the next step, the rollback).
std::optional<bool> NodeRunner::rolloutStepDone(size_t i, bool ok) {
  const ir::Node& n = *order_[i];
  Rollout& r = rollouts_.at(i);
  Prepared& p = prepared_.at(i);
  const JobReport& report = commands_->reports().at(i);
  if (report.jobId.rfind("slurm:", 0) == 0) r.jobs.push_back(report.jobId.substr(6));
  if (r.rollingBack) {
    std::string why = r.failure + (ok ? "; rolled back" : "; the rollback failed too: " + report.failure()) +
                      "; log: " + p.job.spec.logPath + slurmJobsText(r);
    record(i, "failed", why, monotonicSeconds() - r.startedAt, nullptr, 1, nullptr, rolloutJobIds(r));
    return false;
  }
  if (!ok) {
    r.failure = "the rollout step at " + percentText(r.steps[r.next]) + "% failed: " +
                report.failure();
    startRollback(i);
    return std::nullopt;
  }
  ++r.next;
  if (r.promoting) return rolloutSucceeded(i);
  if (r.next < r.steps.size() || (r.settles && !r.settled)) {
    double pause = r.next < r.steps.size() ? r.pauseSeconds : r.settleSeconds;
    progress_.note("deploy " + n.name + ": at " + percentText(r.steps[r.next - 1]) + "% of traffic; monitors in " +
                   formatDuration(pause));
    r.resumeAt = monotonicSeconds() + pause;
    return std::nullopt;
  }
  return rolloutSucceeded(i);
}

bool NodeRunner::rolloutSucceeded(size_t i) {
  Rollout& r = rollouts_.at(i);
  Prepared& p = prepared_.at(i);
  NodeSuccess success;
  success.run = run_;
  success.cacheKey = p.parts.key().hex();
  success.cacheParts = p.parts.toJson();
  std::string steps;
  for (double s : r.steps) steps += (steps.empty() ? "" : " → ") + percentText(s) + "%";
  std::string why = whys_[i];
  record(i, "rolled out", steps + (why.empty() ? "" : "; " + why) + slurmJobsText(r), monotonicSeconds() - r.startedAt,
         &success, 0, nullptr, rolloutJobIds(r));
  return true;
}

// After a pause: the deploy's monitors decide between the next step and
// the rollback.
void NodeRunner::resumeRollout(size_t i) {
  const ir::Node& n = *order_[i];
  Rollout& r = rollouts_.at(i);
  for (const ir::Node& m : g_.nodes) {
    if (m.kind != ir::NodeKind::Monitor || m.deploy != n.id) continue;
    std::string why;
    if (!evaluateMonitor(m, why, r.artifact)) {
      r.failure = "monitor `" + m.name + "` failed at " + percentText(r.steps[r.next - 1]) + "%: " + why;
      startRollback(i);
      return;
    }
    progress_.note("deploy " + n.name + ": monitor " + m.name + " passed (" + why + ")");
  }
  if (r.next < r.steps.size()) return runRolloutStep(i);
  r.settled = true;
  if (n.strategy.kind == "ab") return concludeAbRollout(i);
  done_.emplace_back(i, rolloutSucceeded(i));
}

// The end of an A/B test's duration: its conclusion decides. Promote sends
// all traffic to the new model (one more step, at 100%); roll back and
// inconclusive (the new model was not shown better) undo the deploy.
void NodeRunner::concludeAbRollout(size_t i) {
  const ir::Node& n = *order_[i];
  Rollout& r = rollouts_.at(i);
  AbCheck check = checkAbTest(g_, n, "final", r.artifact, run_);
  abConcluded_.insert(n.id);
  const AbConclusion& c = check.conclusion;
  recordAb(check, c.decision == AbDecision::Promote ? "promoted" : "rolled back");
  std::string line = c.describe();
  if (c.decision == AbDecision::Promote) {
    progress_.note("deploy " + n.name + ": A/B test concluded: " + line + "; sending all traffic to the new model");
    r.promoting = true;
    r.steps.push_back(1.0);
    r.base.spec.environment.emplace_back("MLOPS_AB_DECISION", "promote");
    return runRolloutStep(i);
  }
  r.base.spec.environment.emplace_back("MLOPS_AB_DECISION", c.decision == AbDecision::RollBack ? "roll back" : "inconclusive");
  r.failure = "the A/B test on " + n.strategy.metric + " concluded at the end of its duration: " + line +
              (c.decision == AbDecision::Inconclusive ? "; the new model was not shown better, so the current model stays" : "");
  startRollback(i);
}

// ---- monitors ----------------------------------------------------------

// `artifact`: what the monitor's deploy serves, for its KPI reading.
bool NodeRunner::evaluateMonitor(const ir::Node& m, std::string& why, const std::string& artifact) {
  std::string alert;
  for (const std::string& roleName : m.alert) alert += (alert.empty() ? "" : "; ") + roleWithMembers(g_, roleName);
  auto fail = [&](const std::string& what) {
    why = what + (alert.empty() ? "" : "; alert " + alert);
    return false;
  };
  if (m.expect.empty()) {
    why = "nothing to check";
    return true;
  }
  std::string path, error;
  for (const auto& [k, v] : m.source.arguments)
    if (k == "path") path = v;
  if (m.source.kind != "file") return fail("source `" + m.source.kind + "` cannot be read by this runtime: only file()");
  std::optional<std::string> text = readFile(join(g_.root, path), error);
  if (!text) return fail(error);
  std::optional<LiveMetrics> live = LiveMetrics::parse(*text, path, error);
  if (!live) return fail(error);
  EvaluationContext context;
  context.path = [&](const std::vector<std::string>& p, std::string& e) -> std::optional<Value> {
    if (p.size() >= 2 && p[0] == "live") {
      if (std::optional<double> v = live->value({p.begin() + 1, p.end()}, e)) return Value{*v};
      return std::nullopt;
    }
    e = "`" + p[0] + "` cannot be read in a monitor";
    return std::nullopt;
  };
  std::optional<bool> result = evaluateCondition(m.expect.tree, context, error);
  // The deploy's model's KPI, as production shows it (docs/language.md
  // 5.3.1): recorded whatever the expectation says; a miss fails the check.
  std::string kpi;
  if (std::optional<KpiReading> reading = onlineReading(g_, m, live->document(), path, artifact, run_)) {
    recordKpi(*reading);
    kpi = describeReading(*reading) + (reading->met ? "" : "; alert " + kpiAlert(g_, reading->kpi));
    if (!reading->met && result && *result) return fail(kpi);
  }
  std::string also = kpi.empty() ? "" : "; " + kpi;
  if (!result) return fail(error + also);
  if (!*result) return fail("expected " + m.expect.source + describeValues(m, context) + also);
  why = m.expect.source + describeValues(m, context) + also;
  return true;
}

// ---- KPIs and A/B tests --------------------------------------------------

void NodeRunner::recordKpi(const KpiReading& reading) {
  if (state_ && !o_.dryRun) state_->recordKpiReadings({reading});
}

// A model run's metrics as a reading of its KPI; a miss is said, with
// whom it concerns, but does not fail the model: its tests gate releases.
void NodeRunner::readOfflineKpi(const ir::Node& model, const std::string& metrics, const std::string& artifact) {
  std::string path;
  for (const auto& [name, p] : model.outputs)
    if (name == model.metricsOutput) path = p;
  std::optional<KpiReading> reading = offlineReading(g_, model, metrics, path, artifact, run_);
  if (!reading) return;
  recordKpi(*reading);
  progress_.note(model.name + ": " + describeReading(*reading) +
                 (reading->met ? "" : "; alert " + kpiAlert(g_, reading->kpi)));
}

// What a deploy serves: the artifact it is rolling out in this run, else
// the newest its gate passed ("" when none is known).
std::string NodeRunner::deployedArtifact(const ir::Node& deploy) const {
  for (const auto& [i, r] : rollouts_)
    if (order_[i]->id == deploy.id) return r.artifact;
  for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
    if (it->gate == deploy.after && it->model == deploy.model) return it->artifact;
  return "";
}

// One A/B check per monitor run of the deploy's monitors, not one per monitor.
bool NodeRunner::isFirstMonitorOf(const ir::Node& monitor, const ir::Node& deploy) const {
  for (const ir::Node& m : g_.nodes)
    if (m.kind == ir::NodeKind::Monitor && m.deploy == deploy.id) return m.id == monitor.id;
  return false;
}

// Records an A/B check with what the rollout did on it ("" at a check).
void NodeRunner::recordAb(AbCheck& check, const std::string& action) {
  check.record.action = action;
  if (state_ && !o_.dryRun) state_->recordAbConclusion(check.record);
}

}  // namespace mlops::runtime

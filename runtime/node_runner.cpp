#include "runtime/node_runner.h"

#include "ir/project_params.h"

#include "runtime/approvals.h"
#include "runtime/artifacts.h"
#include "runtime/ci_evidence.h"
#include "runtime/code_files.h"
#include "runtime/condition.h"
#include "runtime/exec/process_executor.h"
#include "runtime/exec/process_registry.h"
#include "runtime/exec/slurm_executor.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/interpolation.h"
#include "runtime/interruption.h"
#include "runtime/node_result.h"
#include "runtime/runner_support.h"
#include "runtime/sources/fetch_source.h"
#include "runtime/state/sqlite_store.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <unistd.h>

namespace mlops::runtime {

using namespace runner_support;
namespace {

// `features.table` → `FEATURES_TABLE`, for MLOPS_INPUT_… names.
std::string envName(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

// Where this run's commands go (runtime/exec/command_executor.h).
std::unique_ptr<CommandExecutor> commandExecutor(const ir::PipelineGraph& g, const RunOptions& o,
                                                 CommandExecutor::Prepare prepare, ProcessRegistry* registry,
                                                 int64_t run) {
  if (o.executor == RunOptions::Executor::Slurm && !o.dryRun) {
    SlurmSettings settings = o.slurm;
    if (settings.mlopscPath.empty()) {
      // The driver says which binary (driver::mainExecutable()); a library
      // caller gets this very process's, at the path the cluster's nodes share.
      char self[4096];
      ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
      settings.mlopscPath = n > 0 ? std::string(self, static_cast<size_t>(n)) : "mlopsc";
    }
    auto slurm = std::make_unique<SlurmExecutor>(g, std::move(settings), std::move(prepare), run,
                                                 (g.root.empty() ? std::string(".") : g.root) + "/.mlops/slurm-jobs", o.err);
    slurm->backoffBaseSeconds = o.backoffBaseSeconds;
    return slurm;
  }
  auto local = std::make_unique<ProcessExecutor>(std::move(prepare));
  local->registry = registry;
  local->killGraceSeconds = o.killGraceSeconds;
  local->backoffBaseSeconds = o.backoffBaseSeconds;
  return local;
}

// The environment every command starts from: the basics of this one.
std::vector<std::pair<std::string, std::string>> baseEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM"})
    if (const char* v = std::getenv(name)) env.emplace_back(name, v);
  return env;
}

std::string strategyText(const ir::Strategy& s) {
  std::string out = s.kind;
  for (double step : s.steps) out += " " + percentText(step) + "%";
  if (s.intervalSeconds) out += " interval=" + std::to_string(*s.intervalSeconds);
  if (s.durationSeconds) out += " duration=" + std::to_string(*s.durationSeconds);
  if (s.split) out += " split=" + std::to_string(*s.split);
  return out;
}

// `why` and where the command ran, when not here: "never ran; slurm job 1234".
std::string withWhere(const std::string& why, const JobReport& report) {
  if (report.jobId.rfind("slurm:", 0) != 0) return why;
  return why + (why.empty() ? "" : "; ") + "slurm job " + report.jobId.substr(6);
}

}  // namespace

NodeRunner::NodeRunner(const ir::PipelineGraph& g, const RunOptions& o, std::vector<const ir::Node*> order,
                       Record* state, LocalCache* cache, int64_t run, std::string logDir, Progress& progress,
                       ProcessRegistry* registry)
    : g_(g), o_(o), order_(std::move(order)), state_(state), cache_(cache), run_(run), logDir_(std::move(logDir)),
      progress_(progress),
      commands_(commandExecutor(g, o, [this](size_t i) { return prepared_.at(i).job; }, registry, run)) {
  if (cache_) {
    cache_->loadHashes(hasher_);
    successes_ = cache_->allSuccesses();
  }
  if (state_) {
    // Gates count approvals, and tests read baselines and references, only
    // from the rows that verify (runtime/gate_pass_chain.h).
    approvals_ = state_->approvals();
    approvals_.resize(verifiedApprovalCount(approvals_));
    passes_ = state_->gatePasses();
    passes_.resize(verifiedGatePassCount(passes_));
  }
}

void NodeRunner::start(size_t i) {
  const ir::Node& n = *order_[i];
  if (stopping()) {  // the run is stopping: nothing new starts
    record(i, "not started", stopWhy(), 0, nullptr);
    done_.emplace_back(i, false);
    return;
  }
  if (!n.when.empty() && !conditionHolds(i, n)) return;
  switch (n.kind) {
    case ir::NodeKind::Data: return checkData(i, n);
    case ir::NodeKind::Test: return runTest(i, n);
    case ir::NodeKind::Gate: return checkGate(i, n);
    case ir::NodeKind::Monitor: {
      std::string why;
      const ir::Node* deploy = g_.find(n.deploy);
      std::string artifact = deploy ? deployedArtifact(*deploy) : "";
      bool ok = evaluateMonitor(n, why, artifact);
      if (!ok) monitorFailed_ = true;
      // A monitor of an A/B test checks the test too; only the rollout's
      // final check acts on it (docs/language.md 5.9.1).
      if (deploy && deploy->strategy.kind == "ab" && isFirstMonitorOf(n, *deploy) && !abConcluded_.count(deploy->id)) {
        AbCheck check = checkAbTest(g_, *deploy, "check", artifact, run_);
        recordAb(check, "");
        why += "; A/B test: " + check.conclusion.describe();
      }
      return immediate(i, ok, why, ok ? "passed" : "failed");
    }
    default: return startCommand(i, n);
  }
}

// A rollout between two steps runs nothing: it reports itself Paused
// (its -j slot goes to other nodes) and, once the pause is over,
// Resumable; the scheduler calls resume() when it has a slot for it.
TaskEvent NodeRunner::wait() {
  stopping();  // a record lost as a node finished stops the running ones too
  for (;;) {
    if (!done_.empty()) {
      auto [i, ok] = done_.front();
      done_.pop_front();
      return {TaskEvent::Finished, i, ok, conditionFalse_.count(i) > 0};
    }
    std::optional<double> next;
    double now = monotonicSeconds();
    for (auto& [i, r] : rollouts_) {
      if (!r.resumeAt) continue;
      if (*r.resumeAt <= now || runStopping()) {
        r.resumeAt.reset();
        return {TaskEvent::Resumable, i};
      }
      next = next ? std::min(*next, *r.resumeAt) : *r.resumeAt;
    }
    progress_.flush();  // about to block: what happened so far reaches the log
    if (state_ && !o_.dryRun)
      if (std::optional<double> due = state_->sendHeldResults()) next = std::min(next.value_or(now + *due), now + *due);
    std::optional<std::pair<size_t, bool>> got = commands_->waitUntil(next);
    if (!got) continue;
    auto [i, ok] = *got;
    if (rollouts_.count(i)) {
      if (std::optional<bool> final = rolloutStepDone(i, ok)) return {TaskEvent::Finished, i, *final};
      if (rollouts_.at(i).resumeAt) return {TaskEvent::Paused, i};
      continue;
    }
    return {TaskEvent::Finished, i, commandDone(i, ok)};
  }
}

void NodeRunner::resume(size_t i) { resumeRollout(i); }

void NodeRunner::skipped(size_t i, const std::string& status, const std::string& why) { record(i, status, why, 0, nullptr); }

bool NodeRunner::skippedByCondition(size_t i) const { return conditionFalse_.count(i) > 0; }
bool NodeRunner::blockingTestFailed() const { return blockingFailed_; }
bool NodeRunner::trustFailed() const { return trustFailed_; }
const FileHasher& NodeRunner::hasher() const { return hasher_; }
const std::unordered_map<std::string, std::vector<std::string>>& NodeRunner::codeFound() const {
  return codePaths_;
}
bool NodeRunner::monitorFailed() const { return monitorFailed_; }
const std::set<std::string>& NodeRunner::waitingGates() const { return waiting_; }

void NodeRunner::finish() {
  commands_->finish();
  if (state_ && !o_.dryRun) {
    flushResults();
    cache_->saveHashes(hasher_);
  }
}

// True when the run is stopping: a signal, or the record lost (a server
// gone mid-run, runtime/state/record.h), which stops the run as a signal
// would: nothing it would write could be recorded any more.
bool NodeRunner::stopping() {
  if (state_ && !o_.dryRun && !state_->ok()) stopRun("the run lost its record");
  return runStopping();
}

void NodeRunner::checkData(size_t i, const ir::Node& n) {
  if (isFetchedSource(n.source)) {  // http, git: into .mlops/sources first
    std::string error;
    std::optional<std::string> done = fetchSource(g_.root, n.source, o_.dryRun, error);
    if (!done) return immediate(i, false, error);
    // A dry run fetches nothing: what reads the data is hashed after it.
    if (o_.dryRun && done->rfind("would", 0) == 0) {
      wouldRun_.insert(n.id);
      return immediate(i, true, *done, "would run");
    }
    return immediate(i, true, *done, "checked");
  }
  if (n.source.kind == "file") {
    std::string path, error;
    for (const auto& [k, v] : n.source.arguments)
      if (k == "path") path = v;
    if (!statEntry(join(g_.root, path), error)) return immediate(i, false, "data source " + error);
  }
  immediate(i, true, "", "checked");
}

// A CI job runs no data node (docs/ci.md section 2): the job reading an
// http or git source fetches it. False with `error` when that fails.
bool NodeRunner::fetchedInCiJob(const std::string& id, std::string& error) {
  const ir::Node* data = g_.find(id);
  if (!ciJob(o_) || !data || data->kind != ir::NodeKind::Data || !isFetchedSource(data->source)) return true;
  return fetchSource(g_.root, data->source, o_.dryRun, error).has_value();
}

// A step, a model or a deploy: its command, unless it is up to date.
void NodeRunner::startCommand(size_t i, const ir::Node& n) {
  std::string error;
  std::optional<Interpolated> command = interpolate(g_, n, n.run, error);
  if (!command) return immediate(i, false, error);
  // A dry run cannot hash inputs that an upstream node would rewrite first.
  if (o_.dryRun)
    for (const std::string& up : upstream(n))
      if (wouldRun_.count(up)) {
        wouldRun_.insert(n.id);
        return immediate(i, true, "`" + up + "` would run first", "would run");
      }
  Prepared p;
  p.parts.command = hashBytes(command->command);
  for (const ir::Param& param : n.params)
    p.parts.params.emplace_back(param.name, param.value.value("text", std::string()));
  // The project params it reads, by key: editing another key of the params
  // file, or `-P` for another key, leaves this node cached.
  for (const std::string& key : n.paramReads)
    if (std::optional<nlohmann::ordered_json> value = ir::paramValue(g_, key))
      p.parts.params.emplace_back(key, ir::paramText(*value));
  std::vector<std::pair<std::string, std::string>> env = baseEnvironment();
  for (const ir::Input& in : n.inputs) {
    if (!fetchedInCiJob(in.node, error)) return immediate(i, false, error);
    std::optional<std::string> path = inputPath(g_, in, error);
    if (!path) return immediate(i, false, error);
    std::optional<Digest> digest = hasher_.hash(join(g_.root, *path), error);
    if (!digest) return immediate(i, false, "input " + error);
    p.parts.inputs.emplace_back(*path, *digest);
    // The items of a fan-out's output: one path a line (docs/language.md, fan-out).
    std::string name = "MLOPS_INPUT_" + envName(in.as);
    auto same = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (same == env.end()) env.emplace_back(name, *path);
    else same->second += "\n" + *path;
  }
  std::optional<std::vector<std::string>> code = codePaths(g_, n, g_.root, error);
  if (!code) return immediate(i, false, error);
  codePaths_[n.id] = *code;
  for (const std::string& path : *code) {
    std::optional<Digest> digest = hasher_.hash(join(g_.root, path), error);
    if (!digest) return immediate(i, false, "code " + error);
    p.parts.code.emplace_back(path, *digest);
  }
  if (n.kind == ir::NodeKind::Deploy) {
    // A deploy's input is the model artifact it rolls out, and its
    // strategy is part of what it does.
    const ir::Node* model = g_.find(n.model);
    if (!model) return immediate(i, false, "its model `" + n.model + "` is not in the graph");
    std::optional<NodeSuccess> built = modelArtifact(*model, error);
    if (!built) return immediate(i, false, error);
    p.artifact = artifactDigest(*built);
    if (ciJob(o_) && !gatePassed(n, o_.artifactsDir, p.artifact, error)) return immediate(i, false, error);
    for (const auto& [path, digest] : built->outputs) p.parts.inputs.emplace_back(path, digest);
    if (std::string why = differsFromGate(n, *model, p.artifact); !why.empty()) return immediate(i, false, why);
    p.parts.params.emplace_back("strategy", strategyText(n.strategy));
    p.parts.params.emplace_back("target", n.deployTarget);
    if (!n.rollback.empty()) p.parts.params.emplace_back("rollback", n.rollback);
  }
  for (const auto& [k, v] : n.env) p.parts.envNames.push_back(k);
  for (const std::string& s : n.secrets) p.parts.envNames.push_back(s);
  p.parts.runtimeVersion = o_.runtimeVersion;

  std::optional<CacheParts> previous;
  std::vector<std::pair<std::string, Digest>> recorded;
  if (auto last = successes_.find(n.id); last != successes_.end()) {
    previous = CacheParts::fromJson(last->second.cacheParts);
    recorded = last->second.outputs;
  }
  std::vector<std::pair<std::string, std::optional<Digest>>> outputsNow;
  for (const auto& [name, path] : n.outputs) {
    std::string ignored;
    outputsNow.emplace_back(path, hasher_.hash(join(g_.root, path), ignored));
  }
  Verdict verdict = judge(previous, p.parts, recorded, outputsNow);
  if (verdict.upToDate)
    return immediate(i, true,
                     n.kind == ir::NodeKind::Deploy ? "this artifact is already rolled out"
                     : n.effects.empty()            ? ""
                                                    : "effects recorded by run " + std::to_string(successes_[n.id].run),
                     "cached");
  if (o_.dryRun) {
    wouldRun_.insert(n.id);
    return immediate(i, true, verdict.why, "would run");
  }

  for (const auto& [name, path] : n.outputs) {
    env.emplace_back("MLOPS_OUTPUT_" + envName(name), path);
    // A stale output is never taken for a new one; commands may write
    // into folders that do not exist yet (runtime/artifacts.h).
    if (!prepareOutput(g_.root, path, error)) return immediate(i, false, error);
  }
  for (const auto& [name, text] : p.parts.params)
    if (n.kind != ir::NodeKind::Deploy) env.emplace_back("MLOPS_PARAM_" + envName(name), text);
  for (const auto& [k, v] : n.env) env.emplace_back(k, v);
  for (const std::string& s : n.secrets) {
    std::optional<std::string> value = secret(s);
    if (!value)
      return immediate(i, false,
                       "secret `" + s + "` is not set in the environment" +
                           (o_.secretsFile.empty() ? " (export it, or give --secrets-file FILE)"
                                                   : " or in `" + o_.secretsFile + "`"));
    env.emplace_back(s, *value);  // to this node's process only
  }
  env.emplace_back("MLOPS_NODE", n.id);
  env.emplace_back("MLOPS_RUN", std::to_string(run_));
  std::string logName = n.id;
  std::replace(logName.begin(), logName.end(), ':', '-');
  p.job.spec = {command->command, g_.root.empty() ? "." : g_.root, std::move(env), logDir_ + "/" + logName + ".log", {}};
  for (const auto& [name, value] : o_.secrets) p.job.spec.maskedValues.push_back(value);
  p.job.spec.maskedValues.insert(p.job.spec.maskedValues.end(), o_.stateCredentials.begin(), o_.stateCredentials.end());
  p.job.timeoutSeconds = n.resources.timeoutSeconds;
  p.job.retries = static_cast<unsigned>(n.resources.retries.value_or(0));
  p.job.nodeId = n.id;
  p.job.cacheKey = p.parts.key().hex();
  whys_[i] = verdict.why;
  if (n.kind == ir::NodeKind::Deploy) return startRollout(i, n, std::move(p));
  prepared_[i] = std::move(p);
  progress_.started(label(n));
  commands_->start(i);
}

std::optional<std::string> NodeRunner::secret(const std::string& name) const {
  if (auto it = o_.secrets.find(name); it != o_.secrets.end()) return it->second;
  return std::nullopt;
}

// A step's or model's process ended: its outputs must exist.
bool NodeRunner::commandDone(size_t i, bool ok) {
  const ir::Node& n = *order_[i];
  const JobReport& report = commands_->reports().at(i);
  Prepared& p = prepared_.at(i);
  std::string failure;
  NodeSuccess success;
  if (ok) {
    for (const auto& [name, path] : n.outputs) {
      std::string error;
      std::optional<Digest> d = hasher_.hash(join(g_.root, path), error);
      if (!d) {
        failure = "exited 0 but did not write its output `" + path + "` (" + name + ")";
        break;
      }
      success.outputs.emplace_back(path, *d);
    }
  } else {
    failure = report.failure();
    if (report.attempts > 1) failure += " (" + std::to_string(report.attempts) + " attempts)";
  }
  double seconds = report.result.seconds;
  if (failure.empty()) {
    success.run = run_;
    success.cacheKey = p.parts.key().hex();
    success.cacheParts = p.parts.toJson();
    // What the model produced, by digest: `approve --artifact` resolves
    // it without the files, and it names the run that built it.
    if (n.kind == ir::NodeKind::Model && state_) {
      std::string metrics = metricsText(n);
      std::string digest = artifactDigest(success);
      state_->recordArtifact({run_, n.id, digest, metrics, "", signedSubjects(n)});
      readOfflineKpi(n, metrics, digest);
    }
    record(i, "ran", withWhere(whys_[i], report), seconds, &success, 0, &report.result, report.jobId);
    return true;
  }
  record(i, "failed", withWhere(failure + "; log: " + p.job.spec.logPath, report), seconds, nullptr,
         report.result.exitCode, &report.result, report.jobId);
  return false;
}

// `when` (runtime/condition.h): true when the node goes on; otherwise it
// has been recorded skipped (condition false) or failed (not evaluable).
bool NodeRunner::conditionHolds(size_t i, const ir::Node& n) {
  TestStatusLookup testStatus = [&](const std::string& id) -> std::optional<std::string> {
    for (const ProgressLine& line : progress_.lines())
      if (line.node == id) return line.status;
    // A CI job: the test ran in an earlier job, whose result is an artifact;
    // it counts only for the model or data this job has (runtime/ci_evidence.h).
    if (o_.node.empty() || o_.artifactsDir.empty()) return std::nullopt;
    const ir::Node* test = g_.find(id);
    std::string error;
    std::optional<NodeResult> result = readNodeResult(o_.artifactsDir, id, error);
    if (!test || !result || result->artifact != judgedArtifact(g_, *test, g_.root)) return std::nullopt;
    return result->status;
  };
  std::string error;
  std::optional<ConditionResult> result = evaluateWhen(g_, n, g_.root, testStatus, error);
  if (!result) {
    immediate(i, false, "cannot evaluate `when = " + n.when.source + "`: " + error);
    return false;
  }
  if (result->holds) return true;
  record(i, "skipped", "condition false: " + n.when.source + result->values, 0, nullptr);
  conditionFalse_.insert(i);
  done_.emplace_back(i, true);
  return false;
}

void NodeRunner::immediate(size_t i, bool ok, const std::string& why, const char* status) {
  std::string failed = status;
  record(i, ok || failed == "waiting" || failed == "would wait" ? failed : "failed", why, 0, nullptr);
  done_.emplace_back(i, ok);
}

void NodeRunner::record(size_t i, const std::string& status, const std::string& why, double seconds,
                        const NodeSuccess* success, int exitCode, const ProcessResult* used, const std::string& jobId) {
  const ir::Node& n = *order_[i];
  progress_.finished({n.id, label(n), status, why, seconds}, o_.explain);
  if (!state_ || o_.dryRun) return;
  if (leased_.erase(n.id)) state_->releaseLease(n.id);  // its rollout is over
  NodeRecord r{n.id, success ? "succeeded" : status, exitCode, seconds, why, used ? used->cpuSeconds : 0.0,
               used ? used->maxRssBytes : 0, jobId};
  // A success is written at once (crash safety: it is what makes the node
  // up to date); other results are batched.
  if (success) {
    recordSuccess(*state_, *cache_, run_, r, *success);
    successes_[n.id] = *success;
    return;
  }
  pending_.push_back(std::move(r));
  if (pending_.size() >= 512 || status == "failed") flushResults();
}

void NodeRunner::flushResults() {
  state_->recordResults(run_, pending_);
  pending_.clear();
}

}  // namespace mlops::runtime

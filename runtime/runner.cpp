#include "runtime/runner.h"

#include "ir/metric_path.h"
#include "ir/project_params.h"
#include "ir/source_kinds.h"

#include "runtime/approvals.h"
#include "runtime/artifacts.h"
#include "runtime/cache.h"
#include "runtime/ci_evidence.h"
#include "runtime/code_files.h"
#include "runtime/condition.h"
#include "runtime/content_hash.h"
#include "runtime/data_table.h"
#include "runtime/drift.h"
#include "runtime/expression.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/gate_policy.h"
#include "runtime/interpolation.h"
#include "runtime/interruption.h"
#include "runtime/live_metrics.h"
#include "runtime/node_result.h"
#include "runtime/noop_manifest.h"
#include "runtime/plot_check.h"
#include "runtime/exec/process_executor.h"
#include "runtime/exec/process_registry.h"
#include "runtime/exec/slurm_executor.h"
#include "runtime/progress.h"
#include "runtime/rollout/ab_check.h"
#include "runtime/rollout/kpi_readings.h"
#include "runtime/scheduler.h"
#include "runtime/secret_environment.h"
#include "runtime/secrets_file.h"
#include "runtime/sources/fetch_source.h"
#include "runtime/state/state_selection.h"
#include "runtime/trust/gate_signatures.h"
#include "runtime/trust/subjects.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <fcntl.h>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <sys/file.h>
#include <unistd.h>

namespace mlops::runtime {
namespace {

// The nodes a node waits for (the graph's edges into it, `after` included).
std::vector<std::string> upstream(const ir::Node& n) {
  std::vector<std::string> out;
  for (const ir::Input& in : n.inputs) out.push_back(in.node);
  out.insert(out.end(), n.orderAfter.begin(), n.orderAfter.end());
  switch (n.kind) {
    case ir::NodeKind::Test: out.push_back(n.target); break;
    case ir::NodeKind::Gate:
      out.push_back(n.model);
      out.insert(out.end(), n.require.begin(), n.require.end());
      break;
    case ir::NodeKind::Deploy:
      out.push_back(n.model);
      if (!n.after.empty()) out.push_back(n.after);
      break;
    case ir::NodeKind::Monitor: out.push_back(n.deploy); break;
    default: break;
  }
  out.insert(out.end(), n.whenReads.begin(), n.whenReads.end());  // a condition reads them
  return out;
}

// A CI job: the node's upstream ran in earlier jobs (runtime/ci_evidence.h).
bool ciJob(const RunOptions& o) { return o.ci && !o.node.empty() && !o.artifactsDir.empty(); }

// Data functions scan a whole table: within one test each call with the
// same arguments is computed once, and the message's values reuse it.
void memoizeCalls(EvaluationContext& context) {
  if (!context.call) return;
  auto memo = std::make_shared<std::map<std::string, Value>>();
  context.call = [memo, inner = context.call](const std::vector<std::string>& name, const std::vector<Value>& args,
                                               std::string& error) -> std::optional<Value> {
    std::string key;
    for (const std::string& s : name) key += s + ".";
    for (const Value& a : args) key += "," + a.describe();
    if (auto it = memo->find(key); it != memo->end()) return it->second;
    std::optional<Value> v = inner(name, args, error);
    if (v) memo->emplace(key, *v);
    return v;
  };
}

std::string label(const ir::Node& n) { return std::string(ir::nodeKindName(n.kind)) + " " + n.name; }

std::string shortDigest(const std::string& hex) { return hex.substr(0, 12); }

std::string percentText(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", fraction * 100);
  return buf;
}

// Reads a whole file; nullopt with `error`.
std::optional<std::string> readFile(const std::string& path, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read `" + path + "`: " + buffer.getError().message();
    return std::nullopt;
  }
  return (*buffer)->getBuffer().str();
}

// `features.table` → `FEATURES_TABLE`, for MLOPS_INPUT_… names.
std::string envName(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

std::string join(const std::string& root, const std::string& path) { return projectPath(root, path); }

// 128 + the signal that interrupted the run (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
RunStatus interruptedStatus() { return static_cast<RunStatus>(128 + interruptSignal()); }


// Holds the project's run lock (flock on .mlops/lock) for the run's life.
class RunLock {
 public:
  bool acquire(const std::string& path, std::FILE* err) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      std::fprintf(err, "mlopsc: error: cannot open the run lock `%s`: %s\n", path.c_str(), std::strerror(errno));
      return false;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
    std::fprintf(err, "mlopsc: waiting for another `mlopsc run` in this project to finish (%s)\n", path.c_str());
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR || interruptSignal()) return false;
    return true;
  }
  ~RunLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

struct Prepared {
  Job job;
  CacheParts parts;
  std::string artifact;                   // a deploy: the digest of the model artifact it rolls out
};

// A deploy being rolled out: its steps (traffic percentages), where it is,
// and whether it is rolling back.
struct Rollout {
  std::vector<double> steps;     // fractions
  size_t next = 0;               // the step to run next
  double pauseSeconds = 0;       // between steps (scaled)
  double settleSeconds = 0;      // after the last step before the final monitor check (shadow, ab)
  bool settles = false;          // shadow, ab: the final check comes even when the (scaled) duration is 0
  bool settled = false;
  bool rollingBack = false;
  std::optional<double> resumeAt;
  std::string failure;
  Job base;                      // the step's job without MLOPS_TRAFFIC_PERCENT
  double startedAt = 0;          // monotonic: the rollout's time includes its pauses
  std::string artifact;          // the model artifact's digest each step must find (its gate's, when it passed here)
  bool promoting = false;        // ab: the test concluded promote; the last step sends all traffic to the new model
};

// Where this run's commands go (runtime/exec/command_executor.h).
std::unique_ptr<CommandExecutor> commandExecutor(const ir::PipelineGraph& g, const RunOptions& o,
                                                 CommandExecutor::Prepare prepare, ProcessRegistry* registry,
                                                 int64_t run) {
  if (o.executor == RunOptions::Executor::Slurm && !o.dryRun) {
    SlurmSettings settings = o.slurm;
    if (settings.mlopscPath.empty()) {
      // This very binary, at the path the cluster's nodes share.
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

class Runner : public Executor {
 public:
  // `state` and `cache` are null when a dry run finds no state.
  Runner(const ir::PipelineGraph& g, const RunOptions& o, std::vector<const ir::Node*> order, Record* state,
         LocalCache* cache, int64_t run, std::string logDir, Progress& progress, ProcessRegistry* registry)
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

  void start(size_t i) override {
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
  TaskEvent wait() override {
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

  void resume(size_t i) override { resumeRollout(i); }

  void skipped(size_t i, const std::string& status, const std::string& why) { record(i, status, why, 0, nullptr); }
  // Whether node i was skipped by its own false `when` (already recorded).
  bool skippedByCondition(size_t i) const { return conditionFalse_.count(i) > 0; }
  bool blockingTestFailed() const { return blockingFailed_; }
  // A gate of a project with signers could not be decided (the signers
  // file changed since compiling, ssh-keygen missing): exit 2, not a wait.
  bool trustFailed() const { return trustFailed_; }
  const FileHasher& hasher() const { return hasher_; }
  // Each step's, model's and deploy's code paths, as this run found them.
  const std::unordered_map<std::string, std::vector<std::string>>& codeFound() const { return codePaths_; }
  bool monitorFailed() const { return monitorFailed_; }
  const std::set<std::string>& waitingGates() const { return waiting_; }

  void finish() {
    commands_->finish();
    if (state_ && !o_.dryRun) {
      flushResults();
      cache_->saveHashes(hasher_);
    }
  }

 private:
  // True when the run is stopping: a signal, or the record lost (a server
  // gone mid-run, runtime/state/record.h), which stops the run as a signal
  // would: nothing it would write could be recorded any more.
  bool stopping() {
    if (state_ && !o_.dryRun && !state_->ok()) stopRun("the run lost its record");
    return runStopping();
  }

  void checkData(size_t i, const ir::Node& n) {
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
  bool fetchedInCiJob(const std::string& id, std::string& error) {
    const ir::Node* data = g_.find(id);
    if (!ciJob(o_) || !data || data->kind != ir::NodeKind::Data || !isFetchedSource(data->source)) return true;
    return fetchSource(g_.root, data->source, o_.dryRun, error).has_value();
  }

  // The environment every command starts from: the basics of this one.
  static std::vector<std::pair<std::string, std::string>> baseEnvironment() {
    std::vector<std::pair<std::string, std::string>> env;
    for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM"})
      if (const char* v = std::getenv(name)) env.emplace_back(name, v);
    return env;
  }

  // A step, a model or a deploy: its command, unless it is up to date.
  void startCommand(size_t i, const ir::Node& n) {
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

  std::optional<std::string> secret(const std::string& name) const {
    if (auto it = o_.secrets.find(name); it != o_.secrets.end()) return it->second;
    return std::nullopt;
  }

  static std::string strategyText(const ir::Strategy& s) {
    std::string out = s.kind;
    for (double step : s.steps) out += " " + percentText(step) + "%";
    if (s.intervalSeconds) out += " interval=" + std::to_string(*s.intervalSeconds);
    if (s.durationSeconds) out += " duration=" + std::to_string(*s.durationSeconds);
    if (s.split) out += " split=" + std::to_string(*s.split);
    return out;
  }

  // A step's or model's process ended: its outputs must exist.
  bool commandDone(size_t i, bool ok) {
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
      failure = report.error.empty() ? report.result.describe() : report.error;
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
      record(i, "ran", withWhere(whys_[i], report), seconds, &success, 0, &report.result);
      return true;
    }
    record(i, "failed", withWhere(failure + "; log: " + p.job.spec.logPath, report), seconds, nullptr,
           report.result.exitCode, &report.result);
    return false;
  }

  // `why` and where the command ran, when not here: "never ran; slurm job 1234".
  static std::string withWhere(const std::string& why, const JobReport& report) {
    if (report.jobId.rfind("slurm:", 0) != 0) return why;
    return why + (why.empty() ? "" : "; ") + "slurm job " + report.jobId.substr(6);
  }

  // ---- deploys -----------------------------------------------------------

  void startRollout(size_t i, const ir::Node& n, Prepared p) {
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

  void runRolloutStep(size_t i) {
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

  void startRollback(size_t i) {
    const ir::Node& n = *order_[i];
    Rollout& r = rollouts_.at(i);
    r.rollingBack = true;
    std::string error;
    std::optional<Interpolated> command = n.rollback.empty() ? std::nullopt : interpolate(g_, n, n.rollback, error);
    if (!command) {
      r.failure += n.rollback.empty() ? "; no `rollback` declared: nothing was undone" : "; cannot roll back: " + error;
      record(i, "failed", r.failure, monotonicSeconds() - r.startedAt, nullptr, 1);
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

  // A rollout's process ended: the final result, or nullopt when the rollout
  // goes on (a pause, the next step, the rollback).
  std::optional<bool> rolloutStepDone(size_t i, bool ok) {
    const ir::Node& n = *order_[i];
    Rollout& r = rollouts_.at(i);
    Prepared& p = prepared_.at(i);
    const JobReport& report = commands_->reports().at(i);
    if (r.rollingBack) {
      std::string why = r.failure + (ok ? "; rolled back" : "; the rollback failed too: " + report.result.describe()) +
                        "; log: " + p.job.spec.logPath;
      record(i, "failed", why, monotonicSeconds() - r.startedAt, nullptr, 1);
      return false;
    }
    if (!ok) {
      r.failure = "the rollout step at " + percentText(r.steps[r.next]) + "% failed: " +
                  (report.error.empty() ? report.result.describe() : report.error);
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

  static std::string formatDuration(double s) {
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%gh", s / 3600);
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%gm", s / 60);
    else std::snprintf(buf, sizeof buf, "%.3gs", s);
    return buf;
  }

  bool rolloutSucceeded(size_t i) {
    Rollout& r = rollouts_.at(i);
    Prepared& p = prepared_.at(i);
    NodeSuccess success;
    success.run = run_;
    success.cacheKey = p.parts.key().hex();
    success.cacheParts = p.parts.toJson();
    std::string steps;
    for (double s : r.steps) steps += (steps.empty() ? "" : " → ") + percentText(s) + "%";
    std::string why = whys_[i];
    record(i, "rolled out", steps + (why.empty() ? "" : "; " + why), monotonicSeconds() - r.startedAt, &success);
    return true;
  }

  // After a pause: the deploy's monitors decide between the next step and
  // the rollback.
  void resumeRollout(size_t i) {
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
  void concludeAbRollout(size_t i) {
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
  bool evaluateMonitor(const ir::Node& m, std::string& why, const std::string& artifact) {
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

  void recordKpi(const KpiReading& reading) {
    if (state_ && !o_.dryRun) state_->recordKpiReadings({reading});
  }

  // A model run's metrics as a reading of its KPI; a miss is said, with
  // whom it concerns, but does not fail the model: its tests gate releases.
  void readOfflineKpi(const ir::Node& model, const std::string& metrics, const std::string& artifact) {
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
  std::string deployedArtifact(const ir::Node& deploy) const {
    for (const auto& [i, r] : rollouts_)
      if (order_[i]->id == deploy.id) return r.artifact;
    for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
      if (it->gate == deploy.after && it->model == deploy.model) return it->artifact;
    return "";
  }

  // One A/B check per monitor run of the deploy's monitors, not one per monitor.
  bool isFirstMonitorOf(const ir::Node& monitor, const ir::Node& deploy) const {
    for (const ir::Node& m : g_.nodes)
      if (m.kind == ir::NodeKind::Monitor && m.deploy == deploy.id) return m.id == monitor.id;
    return false;
  }

  // Records an A/B check with what the rollout did on it ("" at a check).
  void recordAb(AbCheck& check, const std::string& action) {
    check.record.action = action;
    if (state_ && !o_.dryRun) state_->recordAbConclusion(check.record);
  }

  // ---- gates -------------------------------------------------------------

  // The model's artifact as it is on disk now: its declared outputs' digests,
  // hashed from their bytes (what a gate approves and a deploy rolls out).
  std::optional<NodeSuccess> modelArtifact(const ir::Node& model, std::string& error) {
    std::string missing;
    std::optional<NodeSuccess> out = currentOutputs(model, g_.root, missing);
    if (!out)
      error = "model `" + model.name + "` has not been built: its output `" + missing + "` is missing" +
              (o_.node.empty() ? "" : " (restore it with --artifacts)");
    return out;
  }

  // A deploy after a gate that passed in this run rolls out the artifact the
  // gate passed, or nothing: "" when `artifact` is that one.
  std::string differsFromGate(const ir::Node& deploy, const ir::Node& model, const std::string& artifact) const {
    auto it = gatePassed_.find(deploy.after);
    const ir::Node* gate = g_.find(deploy.after);
    if (it == gatePassed_.end() || !gate || gate->model != model.id || it->second == artifact) return "";
    return "the artifact of model `" + model.name + "` changed after `" + deploy.after + "` passed it: expected digest " +
           it->second + ", found " + artifact + "; nothing was rolled out";
  }

  // Hashes the deploy's model again: "" when it is still `expected`.
  std::string artifactChanged(const ir::Node& deploy, const std::string& expected) {
    const ir::Node* model = g_.find(deploy.model);
    std::string error;
    std::optional<NodeSuccess> now = model ? modelArtifact(*model, error) : std::nullopt;
    if (!now) return "cannot hash the artifact to roll out: " + error;
    std::string found = artifactDigest(*now);
    if (found == expected) return "";
    return "the artifact of model `" + model->name + "` changed during the deploy: expected digest " + expected +
           ", found " + found + "; refusing to roll it out";
  }

  // In a project with signers, the model's outputs with their SHA-256
  // digests as an approver without the files signs them (canonical JSON);
  // "" otherwise or when they cannot be signed (approve says why).
  std::string signedSubjects(const ir::Node& model) const {
    if (!g_.signers) return "";
    std::string missing, why;
    std::optional<TrustedOutputs> t = trustedOutputs(model, g_.root, missing);
    if (!t || !t->unsignable.empty()) return "";
    return serializeSubjects(t->subjects, why).value_or("");
  }

  // The signed approvals of the project, opened at its first gate; null
  // after failing the gate (and the run, exit 2) when they cannot be.
  GateSignatures* signatures(size_t i) {
    if (!signatures_) {
      std::string error;
      signatures_ = GateSignatures::open(g_, g_.root, error);
      if (!signatures_) {
        trustFailed_ = true;
        immediate(i, false, error);
        return nullptr;
      }
    }
    return signatures_.get();
  }

  // The newest verified pass of `gate` for `artifact`, or null.
  const GatePass* latestPass(const std::string& gate, const std::string& artifact) const {
    for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
      if (it->gate == gate && it->artifact == artifact) return &*it;
    return nullptr;
  }

  void checkGate(size_t i, const ir::Node& gate) {
    const ir::Node* model = g_.find(gate.model);
    if (!model) return immediate(i, false, "its model `" + gate.model + "` is not in the graph");
    if (o_.dryRun && wouldRun_.count(model->id)) {
      if (gate.approvals.empty()) return immediate(i, true, noApprovalsNeeded(), "would pass");
      // A rebuilt model is a new artifact, which nobody has approved yet: the
      // run would stop here, and what waits for the gate would not run.
      waiting_.insert(gate.id);
      return immediate(i, false,
                       "model `" + model->name + "` would be rebuilt: its new artifact needs approval by " +
                           approvalRoles(gate),
                       "would wait");
    }
    std::string error;
    std::optional<NodeSuccess> built;
    std::vector<Subject> subjects;  // with signers: what approvers signed, recomputed from the bytes
    GateSignatures* signatures = nullptr;
    if (g_.signers) {
      if (!(signatures = this->signatures(i))) return;
      std::string missing;
      std::optional<TrustedOutputs> t = trustedOutputs(*model, g_.root, missing);
      if (!t)
        return immediate(i, false,
                         "model `" + model->name + "` has not been built: its output `" + missing + "` is missing" +
                             (o_.node.empty() ? "" : " (restore it with --artifacts)"));
      if (!t->unsignable.empty())
        return immediate(i, false, "model `" + model->name + "` cannot be approved with signatures: " + t->unsignable);
      built = std::move(t->outputs);
      subjects = std::move(t->subjects);
    } else {
      built = modelArtifact(*model, error);
      if (!built) return immediate(i, false, error);
    }
    std::string artifact = artifactDigest(*built);
    // CI: the required tests ran in earlier jobs; their results are artifacts.
    if (ciJob(o_) && !requiredTestsPassed(g_, gate, o_.artifactsDir, g_.root, artifact, error))
      return immediate(i, false, error);
    // Every run counts the approvals again, from the rows of the log that
    // verify: a recorded pass is reused only under the policy it passed
    // under (runtime/gate_policy.h) and only while its row verifies.
    std::string policy = gatePolicyDigest(g_, gate);
    const GatePass* earlier = latestPass(gate.id, artifact);
    // With signers only the rows whose signatures verify count (membership,
    // separation of duties and quorums then as without).
    SignedApprovals signedRows;
    if (signatures) {
      signedRows = signatures->count(g_, gate, artifact, subjects, approvals_);
      if (!signedRows.unchecked.empty()) {
        trustFailed_ = true;
        return immediate(i, false, "cannot check the approvals' signatures: " + signedRows.unchecked);
      }
    }
    GateTally tally = tallyApprovals(g_, gate, artifact, signatures ? signedRows.rows : approvals_);
    // With signers, a pass from before them (no evidence) is not reused:
    // the new pass records what the signed approvals are.
    if (tally.met() && earlier && earlier->policy == policy && (!signatures || !earlier->evidence.empty())) {
      gatePassed_[gate.id] = artifact;
      return immediate(i, true,
                       (gate.approvals.empty() ? noApprovalsNeeded() + ": passed on its tests" : std::string("approved")) +
                           " for artifact " + shortDigest(artifact) + " (" + earlier->at + ")",
                       "passed");
    }
    if (!tally.met()) {
      // In a CI job too: the platform's approval steps (environments,
      // suspends) are an extra layer; what counts is the team's record,
      // tallied under this run's graph, never one read from the record.
      waiting_.insert(gate.id);
      std::string changed;
      if (earlier && earlier->policy != policy)
        changed = "policy changed since the pass of " + earlier->at +
                  " (approval roles, quorums, their members or the required tests): ";
      // A CI job's approvers have no model files: they name the artifact,
      // which the model's job recorded, by its digest.
      // A shared database holds several projects; an approver's clone has
      // no local run to say which one is meant.
      std::string command = "mlopsc approve " + gate.name +
                            (ciJob(o_) ? " --artifact " + shortDigest(artifact) : std::string()) +
                            (ciJob(o_) && o_.state.backend == StateBackend::Postgres
                                 ? " --state-project " + g_.projectName
                                 : std::string()) +
                            (signatures ? " --key KEY" : " --as EMAIL");
      std::string notCounted;
      for (const std::string& why : signedRows.notCounted) notCounted += (notCounted.empty() ? "" : "; ") + why;
      return immediate(i, false,
                       changed + "artifact " + shortDigest(artifact) + " of model `" + model->name +
                           "` needs approval by " + tally.missing() + "; each runs `" + command + "`" +
                           (signatures ? " (KEY: their SSH key listed in " + g_.signers->path + ")" : "") +
                           (ciJob(o_) ? " with the same MLOPS_STATE, then re-run this job" : "") +
                           (notCounted.empty() ? "" : " (not counted: " + notCounted + ")"),
                       "waiting");
    }
    if (o_.dryRun) return immediate(i, true, gate.approvals.empty() ? noApprovalsNeeded() : "approvals are complete",
                                    "would pass");
    std::string approvers;
    for (const RoleTally& t : tally.roles)
      for (const std::string& e : t.approvedBy) approvers += (approvers.empty() ? "" : ", ") + e;
    GatePass pass;
    pass.gate = gate.id;
    pass.model = model->id;
    pass.artifact = artifact;
    pass.run = run_;
    pass.approvalsCount = approvals_.empty() ? 0 : approvals_.back().id;
    pass.approvalsHead = approvals_.empty() ? "" : approvals_.back().hash;
    pass.policy = policy;
    pass.metrics = metricsText(*model);
    pass.profiles = referenceProfiles(gate);
    if (signatures) {
      std::optional<std::string> evidence =
          signatures->evidence(g_, gate, tally, signedRows.rows, subjects, o_.runtimeVersion, error);
      if (!evidence) return immediate(i, false, "cannot write the gate pass's evidence: " + error);
      pass.evidence = std::move(*evidence);
    }
    passes_.push_back(state_->recordGatePass(std::move(pass)));
    gatePassed_[gate.id] = artifact;
    immediate(i, true,
              (gate.approvals.empty() ? noApprovalsNeeded() + ": passed on its tests" : "approved by " + approvers) +
                  " for artifact " + shortDigest(artifact),
              "passed");
  }

  // A gate with `approvals = []` (low and medium risk, docs/language.md
  // 5.8.1) passes on its required tests alone; the graph's edges from those
  // tests already held it back until they passed.
  std::string noApprovalsNeeded() const { return "no approvals required (" + g_.riskTier + " risk)"; }

  // The model's metrics as compact JSON text (the baseline of later
  // runs): "{}" when it writes none or they are no JSON object.
  std::string metricsText(const ir::Node& model) const {
    std::string error;
    for (const auto& [name, path] : model.outputs)
      if (name == model.metricsOutput)
        if (std::optional<std::string> text = readFile(join(g_.root, path), error)) {
          nlohmann::ordered_json metrics = nlohmann::ordered_json::parse(*text, nullptr, false);
          if (metrics.is_object()) return metrics.dump();
        }
    return "{}";
  }

  // "2 of validators, risk_owner": who approves the gate.
  static std::string approvalRoles(const ir::Node& gate) {
    std::string out;
    for (const ir::Approval& a : gate.approvals)
      out += (out.empty() ? "" : ", ") + (a.quorum > 1 ? std::to_string(a.quorum) + " of " : std::string()) + a.role;
    return out;
  }

  // The profiles of the columns the gate's drift tests read, as the data is
  // now: the reference of later `drift.psi`.
  std::vector<ReferenceProfile> referenceProfiles(const ir::Node& gate) {
    std::vector<ReferenceProfile> out;
    for (const ir::Node& t : g_.nodes) {
      if (t.kind != ir::NodeKind::Test || !ir::readsDrift(t.expect)) continue;
      bool required = std::find(gate.require.begin(), gate.require.end(), t.id) != gate.require.end();
      if (!required && !ancestorOf(t.target, gate.model)) continue;
      const ir::Node* data = g_.find(t.target);
      if (!data || data->kind != ir::NodeKind::Data) continue;
      std::string source = dataPath(*data), error;
      std::optional<DataTable> table = DataTable::readProjectCsv(g_.root, source, error);
      if (!table) continue;
      // The columns: evaluate the expectation, noting each drift.psi column.
      std::vector<std::string> columns;
      EvaluationContext context;
      context.path = checkParameters(t);
      context.call = [&](const std::vector<std::string>& name, const std::vector<Value>& args,
                         std::string&) -> std::optional<Value> {
        if (name.size() == 2 && name[0] == "drift" && args.size() == 1)
          if (const std::string* c = std::get_if<std::string>(&args[0].v)) columns.push_back(*c);
        return Value{0.0};
      };
      std::string ignored;
      evaluate(t.expect.tree, context, ignored);
      for (const std::string& c : columns)
        if (std::optional<size_t> index = table->column(c, ignored))
          out.push_back({data->id, c, buildProfile(*table, *index)});
    }
    return out;
  }

  // The column's profile at the newest verified gate pass that stored one.
  std::optional<std::string> referenceProfile(const std::string& data, const std::string& column) const {
    for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
      for (const ReferenceProfile& r : it->profiles)
        if (r.data == data && r.column == column) return r.profile;
    return std::nullopt;
  }

  bool ancestorOf(const std::string& candidate, const std::string& node) const {
    std::vector<std::string> stack{node};
    std::set<std::string> seen;
    while (!stack.empty()) {
      std::string id = stack.back();
      stack.pop_back();
      if (id == candidate) return true;
      if (!seen.insert(id).second) continue;
      if (const ir::Node* n = g_.find(id))
        for (const std::string& up : upstream(*n)) stack.push_back(up);
    }
    return false;
  }

  static std::string dataPath(const ir::Node& data) { return ir::localDataPath(data.source).value_or(""); }

  // A test's check parameters (`threshold`, `column`) by name.
  std::function<std::optional<Value>(const std::vector<std::string>&, std::string&)> checkParameters(const ir::Node& t) {
    return [&t](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
      if (path.size() == 1)
        for (const auto& [name, literal] : t.uses.arguments)
          if (name == path[0]) return evaluate(literal.value("value", nlohmann::ordered_json()), EvaluationContext{}, error);
      error = "`" + path[0] + "` cannot be read in this test";
      return std::nullopt;
    };
  }

  // ---- tests -------------------------------------------------------------

  // A test: its expectation over the metrics its model wrote (and the
  // baseline from the model's last gate pass), or over the data it checks
  // (a CSV file; drift against the reference profile of the last gate pass).
  void runTest(size_t i, const ir::Node& n) {
    const ir::Node* target = g_.find(n.target);
    bool blocking = n.severity != "warning";
    auto fail = [&](const std::string& why) {
      if (blocking) blockingFailed_ = true;
      immediate(i, !blocking, why, blocking ? "failed" : "warning");
    };
    if (!target) return fail("its target `" + n.target + "` is not in the graph");
    if (n.expect.empty()) return immediate(i, true, "nothing to check", "passed");
    if (o_.dryRun && wouldRun_.count(target->id)) {
      wouldRun_.insert(n.id);
      return immediate(i, true, "after `" + target->id + "` runs", "would run");
    }
    const GatePass* baselinePass = nullptr;
    nlohmann::ordered_json baseline;
    if (ir::readsBaseline(n.expect)) {
      for (auto it = passes_.rbegin(); it != passes_.rend() && !baselinePass; ++it)
        if (it->model == target->id) baselinePass = &*it;
      // Until a gate for the model passes there is no baseline: such a test
      // passes and says so (docs/ir.md 6.2).
      if (!baselinePass) return immediate(i, true, "no baseline yet: no gate for the model has passed", "passed");
      baseline = nlohmann::ordered_json::parse(baselinePass->metrics, nullptr, false);
    }

    EvaluationContext context;
    nlohmann::ordered_json metrics;
    std::string source;
    std::optional<DataTable> table;
    bool noReference = false;
    if (target->kind == ir::NodeKind::Model) {
      for (const auto& [name, path] : target->outputs)
        if (name == target->metricsOutput) source = path;
      if (source.empty()) return fail("model `" + target->name + "` declares no `metrics` output");
      std::string error;
      std::optional<std::string> text = readFile(join(g_.root, source), error);
      if (!text) return fail("cannot read the metrics: " + error);
      metrics = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (!metrics.is_object()) return fail("the metrics `" + source + "` are not a JSON object");
    } else if (target->kind == ir::NodeKind::Data) {
      std::string error;
      if (!fetchedInCiJob(target->id, error)) return fail(error);
      source = dataPath(*target);
      std::string fileName = ir::sourceFileName(target->source);
      bool csv = target->format == "csv" || (target->format.empty() && fileName.size() > 4 &&
                                             fileName.compare(fileName.size() - 4, 4, ".csv") == 0);
      if (source.empty())
        return fail("data `" + target->name + "` is a " + target->source.kind +
                    " source, which this runtime cannot read: data tests check CSV files (file, http, git)");
      if (!csv) return fail("data `" + target->name + "` is not a CSV file: this runtime checks CSV data only");
      table = DataTable::readProjectCsv(g_.root, source, error);
      if (!table) return fail(error);
      context = dataContext(*target, *table, source);
      auto plain = context.call;
      context.call = [&, plain](const std::vector<std::string>& name, const std::vector<Value>& args,
                                std::string& e) -> std::optional<Value> {
        if (name.size() != 2 || name[0] != "drift" || name[1] != "psi") return plain(name, args, e);
        const std::string* column = args.size() == 1 ? std::get_if<std::string>(&args[0].v) : nullptr;
        if (!column) {
          e = "`drift.psi()` takes a column name";
          return std::nullopt;
        }
        std::optional<size_t> index = table->column(*column, e);
        if (!index) return std::nullopt;
        std::optional<std::string> profile = referenceProfile(target->id, *column);
        if (!profile) {
          noReference = true;
          return Value{0.0};
        }
        std::optional<double> psi = populationStabilityIndex(*profile, *table, *index, e);
        if (!psi) return std::nullopt;
        return Value{*psi};
      };
      memoizeCalls(context);
    } else {
      return fail("a test on " + std::string(ir::nodeKindName(target->kind)) + " `" + target->name +
                  "` cannot be evaluated: tests check models and data");
    }
    auto parameters = checkParameters(n);
    context.path = [&](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
      if (path.size() >= 2 && (path[0] == "metrics" || path[0] == "baseline")) {
        // Nested keys walk nested objects: `metrics.roc_auc.test`.
        const nlohmann::ordered_json& from = path[0] == "metrics" ? metrics : baseline;
        std::string where = path[0] == "metrics" ? "`" + source + "`"
                                                 : "the baseline (gate pass of " + baselinePass->at + ")";
        std::string written = ir::keyPathText(path);
        if (from.is_object()) {
          const nlohmann::ordered_json* v = ir::valueAtKeys(from, llvm::ArrayRef<std::string>(path).drop_front(1));
          if (v && v->is_number()) return Value{v->get<double>()};
          error = "`" + written + "` is " + (v ? "not a number in " : "missing from ") + where;
        } else {
          error = "`" + written + "` cannot be read: " + where + " holds no metrics";
        }
        return std::nullopt;
      }
      return parameters(path, error);
    };
    std::string error;
    std::optional<bool> result = evaluateCondition(n.expect.tree, context, error);
    if (noReference && (result || !error.empty()))
      return immediate(i, true, "no reference profile yet: no gate has passed", "passed");
    if (!result) return fail(error);
    if (*result) return immediate(i, true, n.expect.source + describeValues(n, context), "passed");
    fail("expected " + n.expect.source + describeValues(n, context));
  }

  // ", with psi = 0.31" — the values a failed expectation read, for the message.
  static std::string describeValues(const ir::Node& n, const EvaluationContext& context) {
    std::vector<std::string> parts;
    std::function<void(const nlohmann::ordered_json&)> walk = [&](const nlohmann::ordered_json& t) {
      if (!t.is_object()) return;
      if (auto p = t.find("path"); p != t.end() && p->is_array() && !p->empty()) {
        std::vector<std::string> segments = p->get<std::vector<std::string>>();
        std::string e, name = ir::keyPathText(segments);
        if (segments[0] == "value") return;
        if (std::optional<Value> v = context.path(segments, e)) parts.push_back(name + " = " + v->describe());
        return;
      }
      if (auto c = t.find("call"); c != t.end() && context.call) {
        std::string e;
        if (std::optional<Value> v = evaluate(t, context, e)) {
          std::string name;
          for (const auto& s : *c) name += (name.empty() ? "" : ".") + s.get<std::string>();
          std::string args;
          for (const auto& a : t.value("args", nlohmann::ordered_json::array())) {
            std::string ignored;
            std::optional<Value> av = evaluate(a, context, ignored);
            args += (args.empty() ? "" : ", ") + (av ? av->describe() : std::string("…"));
          }
          parts.push_back(name + "(" + args + ") = " + v->describe());
        }
        return;
      }
      if (auto a = t.find("args"); a != t.end())
        for (const auto& x : *a) walk(x);
    };
    walk(n.expect.tree);
    std::string out;
    std::set<std::string> seen;
    for (const std::string& p : parts)
      if (seen.insert(p).second) out += (out.empty() ? ", with " : ", ") + p;
    return out;
  }

  // `when` (runtime/condition.h): true when the node goes on; otherwise it
  // has been recorded skipped (condition false) or failed (not evaluable).
  bool conditionHolds(size_t i, const ir::Node& n) {
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

  void immediate(size_t i, bool ok, const std::string& why, const char* status = "failed") {
    std::string failed = status;
    record(i, ok || failed == "waiting" || failed == "would wait" ? failed : "failed", why, 0, nullptr);
    done_.emplace_back(i, ok);
  }

  void record(size_t i, const std::string& status, const std::string& why, double seconds, const NodeSuccess* success,
              int exitCode = 0, const ProcessResult* used = nullptr) {
    const ir::Node& n = *order_[i];
    progress_.finished({n.id, label(n), status, why, seconds}, o_.explain);
    if (!state_ || o_.dryRun) return;
    if (leased_.erase(n.id)) state_->releaseLease(n.id);  // its rollout is over
    NodeRecord r{n.id, success ? "succeeded" : status, exitCode, seconds, why, used ? used->cpuSeconds : 0.0,
                 used ? used->maxRssBytes : 0};
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

  void flushResults() {
    state_->recordResults(run_, pending_);
    pending_.clear();
  }

  const ir::PipelineGraph& g_;
  const RunOptions& o_;
  std::vector<const ir::Node*> order_;
  Record* state_;
  LocalCache* cache_;
  int64_t run_;
  std::string logDir_;
  Progress& progress_;
  FileHasher hasher_;
  std::unique_ptr<CommandExecutor> commands_;
  std::map<size_t, Prepared> prepared_;
  std::map<size_t, Rollout> rollouts_;
  std::map<size_t, std::string> whys_;
  std::deque<std::pair<size_t, bool>> done_;
  std::set<std::string> wouldRun_;  // dry run: node ids that would run
  std::set<std::string> waiting_;   // gates waiting for approvals
  std::vector<ApprovalRecord> approvals_;  // the rows that verify
  std::unique_ptr<GateSignatures> signatures_;  // a project with signers, from its first gate on
  bool trustFailed_ = false;
  std::vector<GatePass> passes_;          // the gate passes that verify, oldest first
  std::map<std::string, std::string> gatePassed_;  // gate id → the artifact digest it passed in this run
  std::unordered_map<std::string, NodeSuccess> successes_;  // last success by node id
  std::unordered_map<std::string, std::vector<std::string>> codePaths_;  // by node id
  std::vector<NodeRecord> pending_;                         // results not written yet
  std::set<std::string> leased_;                            // deploys rolling out under their lease
  std::set<std::string> abConcluded_;                       // ab deploys whose test this run concluded
  bool blockingFailed_ = false;
  bool monitorFailed_ = false;
  std::set<size_t> conditionFalse_;  // nodes skipped by their own false `when`
};

// --node --artifacts: the outputs of the node's producers, from
// DIR/<producer>/outputs/<declared path> back to their declared paths. Each
// must be there (a copy in the checkout is never taken for it), reached and
// written without following a link (runtime/artifacts.h).
bool restoreArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const RunOptions& o, const std::string& root,
                      std::string& skippedBecause, std::string& error) {
  ByteBudget budget{o.maxArtifactBytes, 0};
  for (const std::string& up : upstream(n)) {
    const ir::Node* producer = g.find(up);
    if (!producer) continue;
    // A producer its condition skipped wrote nothing: this node is skipped too.
    std::string ignored;
    if (std::optional<NodeResult> r = readNodeResult(o.artifactsDir, up, ignored);
        r && r->status == "skipped" && r->why.find("condition false") != std::string::npos) {
      skippedBecause = "`" + up + "` was skipped (condition false)";
      return true;
    }
    for (const auto& [name, path] : producer->outputs) {
      if (!safeRelative(path)) {
        error = "output `" + path + "` of `" + up + "` is not a relative path inside the project: it cannot be an artifact";
        return false;
      }
      if (!copyArtifact(o.artifactsDir, artifactName(up) + "/outputs/" + path, root, path, &budget, error)) {
        error = "cannot restore output `" + name + "` of `" + up + "`: " + error;
        return false;
      }
    }
  }
  return true;
}

// After the node: DIR/<node>/result.json (naming the artifact the node
// judged), and its declared outputs under DIR/<node>/outputs/ when it
// succeeded; nothing is written through a link.
bool exportArtifacts(const ir::PipelineGraph& g, const ir::Node& n, const ProgressLine& line, const std::string& dir,
                     const std::string& root, std::string& error) {
  std::string folder = artifactName(n.id);
  bool ok = line.status != "failed" && line.status != "waiting" && line.status != "skipped";
  if (ok)
    for (const auto& [name, path] : n.outputs) {
      if (!safeRelative(path)) {
        error = "output `" + path + "` of `" + n.id + "` is not a relative path inside the project: it cannot be an artifact";
        return false;
      }
      if (!copyArtifact(root, path, dir, folder + "/outputs/" + path, nullptr, error)) return false;
    }
  std::string artifact = judgedArtifact(g, n, root);
  return writeArtifactFile(dir, folder + "/result.json",
                           writeNodeResult({n.id, line.status, line.why, line.seconds, artifact}), error);
}

// The no-op manifest of a run that left every node up to date: only data,
// steps and models (the rest is evaluated on every run), each `cached`,
// `checked` or `ran`, with the stamps of the files they read and wrote.
// Every file must still have the stamp it had when the run hashed it (the
// memo): a file changed during the run, or rewritten by a later node, leaves
// no manifest, so the next run checks in full.
std::optional<std::string> noopManifestOf(const ir::PipelineGraph& g, const std::vector<const ir::Node*>& order,
                                          const std::vector<ProgressLine>& lines, const std::string& root,
                                          const FileHasher& hasher,
                                          const std::unordered_map<std::string, std::vector<std::string>>& code) {
  if (lines.size() != order.size()) return std::nullopt;
  std::unordered_map<std::string, const ProgressLine*> byId;
  for (const ProgressLine& l : lines) byId[l.node] = &l;
  std::vector<ManifestNode> nodes;
  std::string error;
  for (const ir::Node* n : order) {
    if (n->kind != ir::NodeKind::Data && n->kind != ir::NodeKind::Step && n->kind != ir::NodeKind::Model)
      return std::nullopt;
    auto it = byId.find(n->id);
    if (it == byId.end()) return std::nullopt;
    const std::string& status = it->second->status;
    if (status != "ran" && status != "cached" && status != "checked") return std::nullopt;
    ManifestNode m{n->id, label(*n), n->kind == ir::NodeKind::Data ? "checked" : "cached", {}, {}};
    std::vector<std::string> paths;
    if (n->kind == ir::NodeKind::Data)
      if (std::optional<std::string> local = ir::localDataPath(n->source)) paths.push_back(*local);
    for (const ir::Input& in : n->inputs) {
      std::optional<std::string> path = inputPath(g, in, error);
      if (!path) return std::nullopt;
      paths.push_back(*path);
    }
    for (const auto& [name, path] : n->outputs) paths.push_back(path);
    if (n->kind != ir::NodeKind::Data) {
      auto found = code.find(n->id);
      if (found == code.end()) return std::nullopt;
      paths.insert(paths.end(), found->second.begin(), found->second.end());
    }
    // Every file must have the stamp the run hashed it with (the memo).
    auto hashedAsIs = [&](const std::string& full, const FileStamp& stamp) {
      auto known = hasher.entries().find(full);
      return known != hasher.entries().end() && known->second.stamp == stamp;
    };
    for (const std::string& p : paths) {
      std::string full = join(root, p);
      std::optional<FileStamp> stamp = statEntry(full, error);
      if (!stamp) return std::nullopt;
      if (isFolder(full)) {
        std::optional<std::vector<TreeEntry>> entries = listTree(full, error);
        if (!entries) return std::nullopt;
        for (const TreeEntry& e : *entries) {
          if (e.kind == 'f' && n->kind != ir::NodeKind::Data && !hashedAsIs(full + "/" + e.path, e.stamp))
            return std::nullopt;
          m.treeEntries.emplace_back(p + "/" + e.path, e.stamp);
        }
      } else if (n->kind != ir::NodeKind::Data && !hashedAsIs(full, *stamp)) {
        return std::nullopt;
      }
      m.files.emplace_back(p, *stamp);
    }
    nodes.push_back(std::move(m));
  }
  std::string body = writeNoopManifest(nodes);
  if (body.empty()) return std::nullopt;
  return body;
}

}  // namespace

std::optional<RunStatus> runNoop(const std::string& rootIn, const std::string& irJson, const RunOptions& o) {
  if (o.dryRun || !o.node.empty()) return std::nullopt;
  std::string root = rootIn.empty() ? "." : rootIn;
  std::string mlopsDir = root + "/.mlops";
  if (!llvm::sys::fs::exists(mlopsDir + "/state.db")) return std::nullopt;
  RunLock lock;
  if (!lock.acquire(mlopsDir + "/lock", o.err)) return std::nullopt;
  killOrphanGroups(mlopsDir + "/process-groups", o.err);
  // Only the local file: the fast path never opens a shared record. Beside
  // one, the no-op run is recorded in the local file alone.
  std::string error;
  std::unique_ptr<SqliteStore> state = SqliteStore::open(
      mlopsDir + "/state.db", error,
      o.state.isDefault() ? SqliteStore::Use::RecordAndCache : SqliteStore::Use::LocalCacheOnly);
  if (!state) return std::nullopt;
  int64_t manifestRun = 0;  // the run whose results this one repeats (history shows them as cached)
  std::string digest = hashBytes(irJson).hex();
  std::optional<std::string> body =
      state->noopManifest(noopManifestKey(digest, o.targets, o.runtimeVersion), &manifestRun);
  if (!body) return std::nullopt;
  std::optional<std::vector<ManifestNode>> nodes = readNoopManifest(*body);
  if (!nodes || !manifestHolds(*nodes, root)) return std::nullopt;

  state->saveGraph(digest, irJson);
  int64_t run = state->beginRun(digest, manifestRun);
  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(::fileno(o.out)) && term && std::string(term) != "dumb";
  Progress progress(o.out, o.err, nodes->size(), terminal);
  for (const ManifestNode& n : *nodes) progress.finished({n.id, n.label, n.status, "", 0}, o.explain);
  state->finishRun(run, "succeeded");
  size_t cached = 0;
  for (const ManifestNode& n : *nodes) cached += n.status == "cached";
  progress.summary("run succeeded: 0 ran, " + std::to_string(cached) +
                   " up to date, 0 failed or skipped (no file changed since the last run)");
  return RunStatus::Success;
}

RunStatus runPipeline(const ir::PipelineGraph& g, const RunOptions& given, const std::string& irJson) {
  if (!given.noopChecked)
    if (std::optional<RunStatus> fast = runNoop(g.root, irJson, given)) return *fast;
  // Before anything runs: secrets out of the environment, signals handled.
  RunOptions o = given;
  std::optional<RunInterruptions> interruptions;
  if (!o.dryRun) {
    // First: a node declaring MLOPS_STATE as its secret must not get it.
    o.stateCredentials = takeStateCredentials(o.state);
    o.secrets = takeSecrets(g, std::move(o.secrets));
    interruptions.emplace();
  }
  // The selection: the targets and everything upstream of them (no
  // targets: the whole graph).
  std::vector<bool> selected(g.nodes.size(), false);
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < g.nodes.size(); ++i) index[g.nodes[i].id] = i;
  std::vector<size_t> stack;
  if (o.targets.empty() && o.node.empty())
    for (size_t i = 0; i < g.nodes.size(); ++i) stack.push_back(i);
  std::vector<std::string> wanted = o.targets;
  if (!o.node.empty()) wanted = {o.node};
  for (const std::string& t : wanted) {
    std::vector<size_t> matches;
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].id == t || g.nodes[i].name == t) matches.push_back(i);
    // A fanned-out declaration names all its items (a target only: --node is one CI job's one node).
    bool items = false;
    if (matches.empty() && o.node.empty())
      for (size_t i = 0; i < g.nodes.size(); ++i)
        if (const auto& f = g.nodes[i].fanOut;
            f && (f->of == t || std::string(ir::nodeKindName(g.nodes[i].kind)) + ":" + f->of == t)) {
          matches.push_back(i);
          items = true;
        }
    if (items) {
      stack.insert(stack.end(), matches.begin(), matches.end());
      continue;
    }
    if (matches.empty()) {
      std::fprintf(o.err, "mlopsc: error: no node `%s` in the pipeline graph\n", t.c_str());
      return RunStatus::Usage;
    }
    if (matches.size() > 1) {
      std::string ids;
      for (size_t m : matches) ids += (ids.empty() ? "" : ", ") + g.nodes[m].id;
      std::fprintf(o.err, "mlopsc: error: `%s` names several nodes (%s): give the id\n", t.c_str(), ids.c_str());
      return RunStatus::Usage;
    }
    stack.push_back(matches.front());
  }
  if (!o.node.empty() && o.ci && o.artifactsDir.empty() && needsResults(g.nodes[stack.back()])) {
    std::fprintf(o.err,
                 "mlopsc: error: `%s` runs as a CI job (CI is set) and needs the results of earlier jobs: give "
                 "--artifacts DIR, the folder they left\n",
                 g.nodes[stack.back()].id.c_str());
    return RunStatus::Usage;
  }
  // A CI job starts in a fresh checkout, whose `.mlops/state.db` is an empty
  // record: a gate would find no approvals, a test no baseline. A node that
  // needs the record runs only against the one the job is given.
  if (ciJob(o) && o.state.isDefault() && ir::needsRecord(g.nodes[stack.back()])) {
    std::fprintf(o.err,
                 "mlopsc: error: `%s` needs the team's record, and this CI job has none: set the CI secret "
                 "MLOPS_STATE to its address (docs/ci.md section 2)\n",
                 g.nodes[stack.back()].id.c_str());
    return RunStatus::Usage;
  }
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    if (selected[i]) continue;
    selected[i] = true;
    if (ciJob(o)) continue;  // upstream ran in earlier jobs
    // --node elsewhere: the tests and gates upstream, what a full run checks.
    for (const std::string& up : upstream(g.nodes[i]))
      if (auto it = index.find(up); it != index.end() && (o.node.empty() || isEvidence(g.nodes[it->second])))
        stack.push_back(it->second);
  }
  // Dependency order (ties: declaration order), by Kahn's algorithm.
  std::vector<std::vector<size_t>> downstream(g.nodes.size());
  std::vector<size_t> pending(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!selected[i]) continue;
    for (const std::string& up : upstream(g.nodes[i]))
      if (auto it = index.find(up); it != index.end() && selected[it->second]) {
        downstream[it->second].push_back(i);
        ++pending[i];
      }
  }
  std::vector<const ir::Node*> order;
  std::vector<int> placed(g.nodes.size(), -1);
  std::vector<Task> tasks;
  std::set<size_t> ready;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (selected[i] && pending[i] == 0) ready.insert(i);
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    const ir::Node& n = g.nodes[i];
    std::vector<size_t> deps;
    for (const std::string& up : upstream(n))
      if (auto it = index.find(up); it != index.end() && placed[it->second] >= 0)
        deps.push_back(static_cast<size_t>(placed[it->second]));
    placed[i] = static_cast<int>(order.size());
    order.push_back(&n);
    tasks.push_back({n.id, deps, {n.resources.cpu, n.resources.memoryBytes, n.resources.gpu}, n.owner});
    for (size_t d : downstream[i])
      if (--pending[d] == 0) ready.insert(d);
  }

  std::string root = g.root.empty() ? "." : g.root;
  std::string mlopsDir = root + "/.mlops";
  OpenedState state;
  RunLock lock;
  std::unique_ptr<ProcessRegistry> registry;  // after the lock: emptied while it is held
  int64_t run = 0;
  std::string logDir;
  if (!o.dryRun) {
    std::error_code ec = llvm::sys::fs::create_directories(mlopsDir);
    if (ec) {
      std::fprintf(o.err, "mlopsc: error: cannot create `%s`: %s\n", mlopsDir.c_str(), ec.message().c_str());
      return RunStatus::Usage;
    }
    if (!lock.acquire(mlopsDir + "/lock", o.err)) return interruptSignal() ? interruptedStatus() : RunStatus::Usage;
  }
  std::string error;
  if (!o.dryRun || llvm::sys::fs::exists(mlopsDir + "/state.db")) {
    if (!openState(o.state, root, g.projectName, state, error)) {
      std::fprintf(o.err, "mlopsc: error: %s\n", error.c_str());
      return RunStatus::Usage;
    }
  }
  Record* record = state.local ? &state.record() : nullptr;
  std::string digest;  // of the graph's bytes: its id in the state store and the no-op manifest's key
  if (!o.dryRun) {
    digest = hashBytes(irJson).hex();
    record->saveGraph(digest, irJson);
    // Beside a shared record the checkout keeps the graph too: commands
    // without a spec learn its project from it (SqliteStore::newestGraph).
    if (state.shared) state.local->saveGraph(digest, irJson);
    run = record->beginRun(digest, 0, o.externalRunId);
    logDir = mlopsDir + "/logs/" + std::to_string(run);
    llvm::sys::fs::create_directories(logDir);
    registry = ProcessRegistry::openForRun(mlopsDir + "/process-groups", o.err, error);
    if (!registry) {
      std::fprintf(o.err, "mlopsc: error: %s\n", error.c_str());
      record->finishRun(run, "failed");
      return RunStatus::Usage;
    }
  }

  SchedulerOptions options;
  options.jobs = o.jobs;
  options.failFast = o.failFast;
  // This machine bounds what runs on it; a cluster bounds its own queue
  // (the role quotas still bound what each role has in it at once).
  if (o.executor == RunOptions::Executor::Local) {
    options.machine.cpu = static_cast<double>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
    options.machine.memoryBytes =
        static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  }
  for (const ir::Role& r : g.roles)
    if (r.quotaCpu || r.quotaMemoryBytes || r.quotaGpu) options.quotas[r.name] = {r.quotaCpu, r.quotaMemoryBytes, r.quotaGpu};

  // --node: the node is last in `order` (whatever else runs is upstream of it).
  std::string skippedBecause;
  if (!o.node.empty() && !o.artifactsDir.empty() && !o.dryRun && !order.empty())
    if (!restoreArtifacts(g, *order.back(), o, root, skippedBecause, error)) {
      std::fprintf(o.err, "mlopsc: error: %s\n", error.c_str());
      return RunStatus::Usage;
    }
  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(::fileno(o.out)) && term && std::string(term) != "dumb";
  Progress progress(o.out, o.err, order.size(), terminal, o.statusOnly);
  Runner runner(g, o, order, record, state.local ? &state.cache() : nullptr, run, logDir, progress, registry.get());
  std::vector<TaskResult> results;
  if (skippedBecause.empty()) results = schedule(tasks, options, runner);
  else results.assign(tasks.size(), TaskResult{Outcome::Skipped, skippedBecause, true});
  bool failed = false;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome == Outcome::Failed && !runner.waitingGates().count(order[i]->id)) failed = true;
    std::string reason = results[i].reason;
    // Downstream of a gate waiting for approvals is waiting too, not broken.
    for (const std::string& gate : runner.waitingGates())
      if (reason == "`" + gate + "` failed") reason = "`" + gate + "` is waiting for approvals";
    if (results[i].outcome == Outcome::Skipped && !runner.skippedByCondition(i)) runner.skipped(i, "skipped", reason);
    if (results[i].outcome == Outcome::NotStarted) runner.skipped(i, "not started", reason);
  }
  runner.finish();
  bool waiting = !runner.waitingGates().empty();
  bool interrupted = runStopping();
  if (record && !o.dryRun)
    record->finishRun(run, interrupted ? "interrupted" : failed ? "failed" : waiting ? "waiting" : "succeeded");

  size_t ran = 0, cached = 0, bad = 0, notNeeded = 0;
  for (const ProgressLine& l : progress.lines()) {
    ran += l.status == "ran" || l.status == "would run" || l.status == "rolled out";
    cached += upToDateStatus(l.status);
    bool byCondition = l.status == "skipped" && l.why.find("condition false") != std::string::npos;
    notNeeded += byCondition;
    bad += l.status == "failed" ||
           (l.status == "skipped" && !byCondition && l.why.find("waiting") == std::string::npos) ||
           l.status == "not started";
  }
  std::string verdict = std::string(o.statusOnly ? "status" : o.dryRun ? "dry run" : interrupted ? (interruptSignal() ? std::string("run interrupted by ") + interruptName() : "run stopped: " + stopWhy()) : failed ? "run failed" : waiting ? "run waiting for approvals"
                                                                                          : "run succeeded") +
                        ": " + std::to_string(ran) + (o.dryRun ? " would run" : " ran") + ", " + std::to_string(cached) +
                        " up to date, " + std::to_string(bad) + " failed or skipped";
  if (notNeeded) verdict += ", " + std::to_string(notNeeded) + " skipped (condition false)";
  if (waiting) verdict += ", " + std::to_string(runner.waitingGates().size()) + " gate(s) waiting";
  if (!o.dryRun) verdict += "; logs in " + logDir;
  if (!o.dryRun && !o.statusOnly)
    for (const std::string& missing : missingPlots(g, progress.lines(), root))
      std::fprintf(o.err, "mlopsc: warning: %s\n", missing.c_str());
  progress.summary(verdict);

  if (!o.node.empty() && !o.artifactsDir.empty() && !o.dryRun && !order.empty())
    for (const ProgressLine& line : progress.lines())
      if (line.node == order.back()->id && !exportArtifacts(g, *order.back(), line, o.artifactsDir, root, error)) {
        std::fprintf(o.err, "mlopsc: error: %s\n", error.c_str());
        return RunStatus::NodeFailed;
      }
  // A record that failed mid-run (a server gone) took no writes since: the
  // successes are in the local cache, so the next run records those nodes.
  if (record && !record->ok()) {
    std::fprintf(o.err, "mlopsc: error: lost the state at %s: %s; the results since are recorded on the next run\n",
                 record->describe().c_str(), record->failure().c_str());
    return RunStatus::Usage;
  }
  if (interrupted) return interruptedStatus();
  if (record && !o.dryRun && o.node.empty()) {
    if (std::optional<std::string> manifest = noopManifestOf(g, order, progress.lines(), root, runner.hasher(), runner.codeFound()))
      state.cache().saveNoopManifest(noopManifestKey(digest, o.targets, o.runtimeVersion), *manifest, run);
    else
      state.cache().forgetNoopManifest();
  }
  if (runner.trustFailed()) return RunStatus::Usage;
  bool stepFailed = runner.monitorFailed();
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].outcome == Outcome::Failed && order[i]->kind != ir::NodeKind::Test &&
        !runner.waitingGates().count(order[i]->id))
      stepFailed = true;
  if (stepFailed) return RunStatus::NodeFailed;
  if (runner.blockingTestFailed()) return RunStatus::BlockingTestFailed;
  if (waiting) return RunStatus::WaitingForApproval;
  return RunStatus::Success;
}

std::optional<std::map<std::string, std::string>> readSecretsFile(const std::string& path, std::string& error) {
  std::optional<std::string> text = readFile(path, error);
  if (!text) return std::nullopt;
  return parseSecrets(*text, path, error);
}

}  // namespace mlops::runtime

#include "runtime/runner.h"

#include "runtime/ci_artifacts.h"
#include "runtime/ci_evidence.h"
#include "runtime/content_hash.h"
#include "runtime/exec/process_registry.h"
#include "runtime/interruption.h"
#include "runtime/node_runner.h"
#include "runtime/noop_manifest.h"
#include "runtime/noop_run.h"
#include "runtime/plot_check.h"
#include "runtime/progress.h"
#include "runtime/run_lock.h"
#include "runtime/runner_support.h"
#include "runtime/scheduler.h"
#include "runtime/secret_environment.h"
#include "runtime/secrets_file.h"
#include "runtime/state/state_selection.h"

#include <llvm/Support/FileSystem.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <unordered_map>
#include <unistd.h>

namespace mlops::runtime {

using namespace runner_support;
namespace {

// 128 + the signal that interrupted the run (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
RunStatus interruptedStatus() { return static_cast<RunStatus>(128 + interruptSignal()); }

}  // namespace

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
  RunLock lock;  // before the state: released only after the record is closed
  OpenedState state;
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
  NodeRunner runner(g, o, order, record, state.local ? &state.cache() : nullptr, run, logDir, progress,
                    registry.get());
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

#include "runtime/runner.h"

#include "runtime/cache.h"
#include "runtime/content_hash.h"
#include "runtime/data_table.h"
#include "runtime/expression.h"
#include "runtime/interpolation.h"
#include "runtime/process_executor.h"
#include "runtime/scheduler.h"
#include "runtime/state_store.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/file.h>
#include <unistd.h>

namespace mlops::runtime {
namespace {

// What this runtime runs: data (checked), steps, models, and tests on models.
bool runnable(const ir::PipelineGraph& g, const ir::Node& n) {
  if (n.kind == ir::NodeKind::Test) {
    const ir::Node* target = g.find(n.target);
    return target && (target->kind == ir::NodeKind::Model || target->kind == ir::NodeKind::Data);
  }
  return n.kind == ir::NodeKind::Data || n.kind == ir::NodeKind::Step || n.kind == ir::NodeKind::Model;
}

// The nodes a node waits for.
std::vector<std::string> upstream(const ir::Node& n) {
  std::vector<std::string> out;
  for (const ir::Input& in : n.inputs) out.push_back(in.node);
  if (n.kind == ir::NodeKind::Test) out.push_back(n.target);
  return out;
}

// Whether an expression tree has a `key` node whose segments start with
// `first` (`baseline.…` paths, `drift.psi(…)` calls).
bool mentions(const nlohmann::ordered_json& tree, const char* key, const char* first) {
  if (tree.is_object()) {
    if (auto it = tree.find(key); it != tree.end() && it->is_array() && !it->empty() && (*it)[0] == first) return true;
    for (const auto& [k, v] : tree.items())
      if (mentions(v, key, first)) return true;
  } else if (tree.is_array()) {
    for (const auto& v : tree)
      if (mentions(v, key, first)) return true;
  }
  return false;
}

// `features.table` → `FEATURES_TABLE`, for MLOPS_INPUT_… names.
std::string envName(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

std::string join(const std::string& root, const std::string& path) {
  if (path.empty() || path[0] == '/' || root.empty() || root == ".") return path;
  return root + "/" + path;
}

std::string formatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

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
      if (errno != EINTR) return false;
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
};

class Runner : public Executor {
 public:
  Runner(const ir::PipelineGraph& g, const RunOptions& o, std::vector<const ir::Node*> order, StateStore* state,
         int64_t run, std::string logDir)
      : g_(g), o_(o), order_(std::move(order)), state_(state), run_(run), logDir_(std::move(logDir)),
        processes_([this](size_t i) { return prepared_.at(i).job; }) {
    processes_.killGraceSeconds = o.killGraceSeconds;
    processes_.backoffBaseSeconds = o.backoffBaseSeconds;
    if (state_) state_->loadHashes(hasher_);
  }

  void start(size_t i) override {
    const ir::Node& n = *order_[i];
    std::string why;
    if (n.kind == ir::NodeKind::Data) {
      if (n.source.kind == "file") {
        std::string path, error;
        for (const auto& [k, v] : n.source.arguments)
          if (k == "path") path = v;
        if (!statFile(join(g_.root, path), error)) return immediate(i, false, "data file " + error);
      }
      return immediate(i, true, "", "checked");
    }
    if (n.kind == ir::NodeKind::Test) return runTest(i, n);
    std::string error;
    std::optional<Interpolated> command = interpolate(g_, n, n.run, error);
    if (!command) return immediate(i, false, error);
    // A dry run cannot hash inputs that an upstream node would rewrite first.
    if (o_.dryRun)
      for (const ir::Input& in : n.inputs)
        if (wouldRun_.count(in.node)) {
          wouldRun_.insert(n.id);
          return immediate(i, true, "`" + in.node + "` would run first", "would run");
        }
    Prepared p;
    p.parts.command = hashBytes(command->command);
    for (const ir::Param& param : n.params)
      p.parts.params.emplace_back(param.name, param.value.value("text", std::string()));
    std::vector<std::pair<std::string, std::string>> env;
    for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM"})
      if (const char* v = std::getenv(name)) env.emplace_back(name, v);
    for (const ir::Input& in : n.inputs) {
      std::optional<std::string> path = inputPath(g_, in, error);
      if (!path) return immediate(i, false, error);
      std::optional<Digest> digest = hasher_.hash(join(g_.root, *path), error);
      if (!digest) return immediate(i, false, "input " + error);
      p.parts.inputs.emplace_back(*path, *digest);
      env.emplace_back("MLOPS_INPUT_" + envName(in.as), *path);
    }
    for (const auto& [k, v] : n.env) p.parts.envNames.push_back(k);
    for (const std::string& s : n.secrets) p.parts.envNames.push_back(s);
    p.parts.runtimeVersion = o_.runtimeVersion;

    std::optional<CacheParts> previous;
    std::vector<std::pair<std::string, Digest>> recorded;
    if (state_)
      if (std::optional<NodeSuccess> last = state_->lastSuccess(n.id)) {
        previous = CacheParts::fromJson(last->cacheParts);
        recorded = last->outputs;
      }
    std::vector<std::pair<std::string, std::optional<Digest>>> outputsNow;
    for (const auto& [name, path] : n.outputs) {
      std::string ignored;
      outputsNow.emplace_back(path, hasher_.hash(join(g_.root, path), ignored));
    }
    Verdict verdict = judge(previous, p.parts, recorded, outputsNow);
    if (verdict.upToDate) return immediate(i, true, "", "cached");
    if (o_.dryRun) {
      wouldRun_.insert(n.id);
      return immediate(i, true, verdict.why, "would run");
    }

    for (const auto& [name, path] : n.outputs) {
      env.emplace_back("MLOPS_OUTPUT_" + envName(name), path);
      // Commands may write into folders that do not exist yet.
      llvm::SmallString<256> dir(join(g_.root, path));
      llvm::sys::path::remove_filename(dir);
      if (!dir.empty()) llvm::sys::fs::create_directories(dir);
    }
    for (const auto& [name, text] : p.parts.params) env.emplace_back("MLOPS_PARAM_" + envName(name), text);
    for (const auto& [k, v] : n.env) env.emplace_back(k, v);
    for (const std::string& s : n.secrets) {
      const char* value = std::getenv(s.c_str());
      if (!value)
        return immediate(i, false, "secret `" + s + "` is not set in the environment (export it before `mlopsc run`)");
      env.emplace_back(s, value);  // to this node's process only
    }
    env.emplace_back("MLOPS_NODE", n.id);
    env.emplace_back("MLOPS_RUN", std::to_string(run_));
    std::string logName = n.id;
    std::replace(logName.begin(), logName.end(), ':', '-');
    p.job.spec = {command->command, g_.root.empty() ? "." : g_.root, std::move(env), logDir_ + "/" + logName + ".log"};
    p.job.timeoutSeconds = n.resources.timeoutSeconds;
    p.job.retries = static_cast<unsigned>(n.resources.retries.value_or(0));
    whys_[i] = verdict.why;
    prepared_[i] = std::move(p);
    processes_.start(i);
  }

  std::pair<size_t, bool> wait() override {
    if (!done_.empty()) {
      auto r = done_.front();
      done_.pop_front();
      return r;
    }
    auto [i, ok] = processes_.wait();
    const ir::Node& n = *order_[i];
    const JobReport& report = processes_.reports().at(i);
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
      success.cacheKey = prepared_.at(i).parts.key().hex();
      success.cacheParts = prepared_.at(i).parts.toJson();
      record(i, "ran", whys_[i], seconds, &success);
      return {i, true};
    }
    record(i, "failed", failure + "; log: " + prepared_.at(i).job.spec.logPath, seconds, nullptr, report.result.exitCode);
    return {i, false};
  }

  void skipped(size_t i, const std::string& status, const std::string& why) { record(i, status, why, 0, nullptr); }
  bool blockingTestFailed() const { return blockingFailed_; }

  void finish() {
    if (state_ && !o_.dryRun) state_->saveHashes(hasher_);
  }

  struct Line {
    std::string node, status, why;
    double seconds;
  };
  const std::vector<Line>& lines() const { return lines_; }

 private:
  // A test: its expectation over the metrics its model wrote, or over the
  // data it checks (a CSV file).
  void runTest(size_t i, const ir::Node& n) {
    const ir::Node* target = g_.find(n.target);
    bool blocking = n.severity != "warning";
    auto fail = [&](const std::string& why) {
      if (blocking) blockingFailed_ = true;
      immediate(i, !blocking, why, blocking ? "failed" : "warning");
    };
    if (n.expect.empty()) return immediate(i, true, "nothing to check", "passed");
    // Until a gate for the model passes there is no baseline and no drift
    // reference: such a test passes and says so (docs/ir.md 6.2, 6.3).
    if (mentions(n.expect.tree, "path", "baseline"))
      return immediate(i, true, "no baseline yet: no gate for the model has passed", "passed");
    if (mentions(n.expect.tree, "call", "drift"))
      return immediate(i, true, "no reference profile yet: no gate has passed", "passed");

    EvaluationContext context;
    nlohmann::ordered_json metrics;
    std::string source;
    std::optional<DataTable> table;
    if (target->kind == ir::NodeKind::Model) {
      for (const auto& [name, path] : target->outputs)
        if (name == target->metricsOutput) source = path;
      if (source.empty()) return fail("model `" + target->name + "` declares no `metrics` output");
      auto buffer = llvm::MemoryBuffer::getFile(join(g_.root, source));
      if (!buffer) return fail("cannot read the metrics `" + source + "`: " + buffer.getError().message());
      metrics = nlohmann::ordered_json::parse((*buffer)->getBuffer(), nullptr, /*allow_exceptions=*/false);
      if (!metrics.is_object()) return fail("the metrics `" + source + "` are not a JSON object");
    } else {
      for (const auto& [k, v] : target->source.arguments)
        if (k == "path") source = v;
      bool csv = target->format == "csv" ||
                 (target->format.empty() && source.size() > 4 && source.compare(source.size() - 4, 4, ".csv") == 0);
      if (target->source.kind != "file" || !csv)
        return fail("data `" + target->name + "` is not a CSV file: this runtime checks CSV data only");
      std::string error;
      table = DataTable::readCsv(join(g_.root, source), error);
      if (!table) return fail(error);
      context = dataContext(*target, *table, source);
    }
    context.path = [&](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
      if (path.size() == 2 && path[0] == "metrics" && metrics.is_object()) {
        auto it = metrics.find(path[1]);
        if (it != metrics.end() && it->is_number()) return Value{it->get<double>()};
        error = "metric `" + path[1] + "` is " + (it == metrics.end() ? "missing from" : "not a number in") + " `" +
                source + "`";
        return std::nullopt;
      }
      if (path.size() == 1)  // a check's parameter, bound by the test
        for (const auto& [name, literal] : n.uses.arguments)
          if (name == path[0]) return evaluate(literal.value("value", nlohmann::ordered_json()), EvaluationContext{}, error);
      error = "`" + path[0] + "` cannot be read in this test";
      return std::nullopt;
    };
    std::string error;
    std::optional<bool> result = evaluateCondition(n.expect.tree, context, error);
    if (!result) return fail(error);
    if (*result) return immediate(i, true, n.expect.source, "passed");
    fail("expected " + n.expect.source);
  }

  void immediate(size_t i, bool ok, const std::string& why, const char* status = "failed") {
    record(i, ok ? status : "failed", why, 0, nullptr);
    done_.emplace_back(i, ok);
  }

  void record(size_t i, const std::string& status, const std::string& why, double seconds, const NodeSuccess* success,
              int exitCode = 0) {
    const ir::Node& n = *order_[i];
    ++finished_;
    lines_.push_back({n.id, status, why, seconds});
    std::string line = "[" + std::to_string(finished_) + "/" + std::to_string(order_.size()) + "] " +
                       ir::nodeKindName(n.kind) + " " + n.name + ": " + status;
    if (status == "ran" || (status == "failed" && seconds > 0)) line += " in " + formatSeconds(seconds);
    if (!why.empty()) line += " (" + why + ")";
    else if (o_.explain && status == "cached") line += " (inputs, command and outputs unchanged)";
    std::fprintf(status == "failed" || status == "warning" ? o_.err : o_.out, "%s\n", line.c_str());
    std::fflush(o_.out);
    if (state_ && !o_.dryRun)
      state_->recordNode(run_, {n.id, status == "ran" ? "succeeded" : status, exitCode, seconds, why}, success);
  }

  const ir::PipelineGraph& g_;
  const RunOptions& o_;
  std::vector<const ir::Node*> order_;
  StateStore* state_;
  int64_t run_;
  std::string logDir_;
  FileHasher hasher_;
  ProcessExecutor processes_;
  std::map<size_t, Prepared> prepared_;
  std::map<size_t, std::string> whys_;
  std::deque<std::pair<size_t, bool>> done_;
  std::set<std::string> wouldRun_;  // dry run: node ids that would run
  bool blockingFailed_ = false;
  std::vector<Line> lines_;
  size_t finished_ = 0;
};

}  // namespace

RunStatus runPipeline(const ir::PipelineGraph& g, const RunOptions& o, const std::string& irDigest) {
  // The selection: the targets and everything upstream of them.
  std::vector<bool> selected(g.nodes.size(), false);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < g.nodes.size(); ++i) index[g.nodes[i].id] = i;
  std::vector<size_t> stack;
  if (o.targets.empty()) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (runnable(g, g.nodes[i])) stack.push_back(i);
  }
  for (const std::string& t : o.targets) {
    std::vector<size_t> matches;
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].id == t || g.nodes[i].name == t) matches.push_back(i);
    if (matches.empty()) {
      std::fprintf(o.err, "mlopsc: error: no node `%s` in the pipeline graph\n", t.c_str());
      return RunStatus::Usage;
    }
    const ir::Node& n = g.nodes[matches.front()];
    if (!runnable(g, n)) {
      std::fprintf(o.err,
                   "mlopsc: error: %s `%s` cannot be run yet: this mlopsc runs data, steps, models and tests; "
                   "gates, deploys and monitors follow (docs/cli.md)\n",
                   ir::nodeKindName(n.kind), n.name.c_str());
      return RunStatus::Usage;
    }
    stack.push_back(matches.front());
  }
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    if (selected[i]) continue;
    selected[i] = true;
    for (const std::string& up : upstream(g.nodes[i]))
      if (auto it = index.find(up); it != index.end()) stack.push_back(it->second);
  }
  // Dependency order (ties: declaration order).
  std::vector<const ir::Node*> order;
  std::vector<int> placed(g.nodes.size(), -1);
  std::vector<Task> tasks;
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (!selected[i] || placed[i] >= 0) continue;
      std::vector<size_t> deps;
      bool ready = true;
      for (const std::string& up : upstream(g.nodes[i])) {
        auto it = index.find(up);
        if (it == index.end()) continue;
        if (placed[it->second] < 0) ready = false;
        else deps.push_back(static_cast<size_t>(placed[it->second]));
      }
      if (!ready) continue;
      placed[i] = static_cast<int>(order.size());
      order.push_back(&g.nodes[i]);
      const ir::Node& n = g.nodes[i];
      tasks.push_back({n.id, deps, {n.resources.cpu, n.resources.memoryBytes, n.resources.gpu}, n.owner});
      progress = true;
    }
  }

  std::string root = g.root.empty() ? "." : g.root;
  std::string mlopsDir = root + "/.mlops";
  std::unique_ptr<StateStore> state;
  RunLock lock;
  int64_t run = 0;
  std::string logDir;
  if (!o.dryRun) {
    std::error_code ec = llvm::sys::fs::create_directories(mlopsDir);
    if (ec) {
      std::fprintf(o.err, "mlopsc: error: cannot create `%s`: %s\n", mlopsDir.c_str(), ec.message().c_str());
      return RunStatus::Usage;
    }
    if (!lock.acquire(mlopsDir + "/lock", o.err)) return RunStatus::Usage;
  }
  std::string error;
  if (!o.dryRun || llvm::sys::fs::exists(mlopsDir + "/state.db")) {
    state = StateStore::open(mlopsDir + "/state.db", error);
    if (!state) {
      std::fprintf(o.err, "mlopsc: error: %s\n", error.c_str());
      return RunStatus::Usage;
    }
  }
  if (!o.dryRun) {
    run = state->beginRun(irDigest);
    logDir = mlopsDir + "/logs/" + std::to_string(run);
    llvm::sys::fs::create_directories(logDir);
  }

  SchedulerOptions options;
  options.jobs = o.jobs;
  options.failFast = o.failFast;
  options.machine.cpu = static_cast<double>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  options.machine.memoryBytes = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  for (const ir::Role& r : g.roles)
    if (r.quotaCpu || r.quotaMemoryBytes || r.quotaGpu) options.quotas[r.name] = {r.quotaCpu, r.quotaMemoryBytes, r.quotaGpu};

  Runner runner(g, o, order, state.get(), run, logDir);
  std::vector<TaskResult> results = schedule(tasks, options, runner);
  bool failed = false;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome == Outcome::Failed) failed = true;
    if (results[i].outcome == Outcome::Skipped) runner.skipped(i, "skipped", results[i].reason);
    if (results[i].outcome == Outcome::NotStarted) runner.skipped(i, "not started", results[i].reason);
  }
  runner.finish();
  if (state && !o.dryRun) state->finishRun(run, failed ? "failed" : "succeeded");

  // The summary: one line per node.
  size_t ran = 0, cached = 0, bad = 0;
  for (const auto& l : runner.lines()) {
    ran += l.status == "ran" || l.status == "would run";
    cached += l.status == "cached";
    bad += l.status == "failed" || l.status == "skipped" || l.status == "not started";
  }
  std::fprintf(o.out, "%s: %zu %s, %zu up to date, %zu failed or skipped%s\n",
               o.dryRun ? "dry run" : failed ? "run failed" : "run succeeded", ran, o.dryRun ? "would run" : "ran",
               cached, bad,
               o.dryRun ? "" : (", logs in " + logDir).c_str());
  bool stepFailed = false;
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].outcome == Outcome::Failed && order[i]->kind != ir::NodeKind::Test) stepFailed = true;
  if (stepFailed) return RunStatus::NodeFailed;
  if (runner.blockingTestFailed()) return RunStatus::BlockingTestFailed;
  return RunStatus::Success;
}

}  // namespace mlops::runtime

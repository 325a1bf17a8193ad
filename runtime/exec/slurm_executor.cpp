#include "runtime/exec/slurm_executor.h"

#include "ir/slurm_options.h"
#include "runtime/bounded_file.h"
#include "runtime/exec/node_exec.h"
#include "runtime/interruption.h"
#include "runtime/tool_process.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>

extern char** environ;

namespace mlops::runtime {
namespace {

// What every job runs: fixed text, so nothing from the spec is ever parsed
// by a shell on its way to the cluster (the command reaches exec-node in
// its environment).
constexpr const char* kBatchScript =
    "#!/bin/sh\n"
    "# Written by `mlopsc run --executor slurm`: runs one node's command (docs/slurm.md).\n"
    "exec \"$MLOPS_EXEC_MLOPSC\" exec-node\n";

constexpr size_t kIdsPerQuery = 400;

std::string absolute(const std::string& path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, true);
  return std::string(p);
}

std::string joinIds(const std::vector<std::string>& ids, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (out.empty() ? "" : ",") + ids[i];
  return out;
}

std::string firstLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (size_t nl = s.rfind('\n'); nl != std::string::npos) s = s.substr(nl + 1);  // sbatch's last line says why
  if (s.size() > 300) s.resize(300);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

std::string toolFailure(const std::string& program, const ToolResult& r, double timeout) {
  if (r.spawnErrno == ENOENT) return "`" + program + "` is not on PATH (install SLURM's client commands)";
  if (r.spawnErrno) return "cannot run `" + program + "`: " + std::strerror(r.spawnErrno);
  if (r.timedOut)
    return "the SLURM controller did not answer `" + program + "` within " + std::to_string(static_cast<int>(timeout)) +
           " s";
  std::string why = firstLine(r.err.empty() ? r.out : r.err);
  return "`" + program + "` failed" + (why.empty() ? "" : ": " + why);
}

// Whether slurmstepd wrote, at the end of the node's log, that it killed
// the job over its memory limit (what it does without cgroups).
bool memoryExceeded(const std::string& logPath) {
  int fd = ::open(logPath.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  off_t size = ::lseek(fd, 0, SEEK_END);
  if (size <= 0) {
    ::close(fd);
    return false;
  }
  off_t from = std::max<off_t>(0, size - 4096);
  std::string tail(static_cast<size_t>(size - from), '\0');
  ssize_t n = ::pread(fd, tail.data(), tail.size(), from);
  ::close(fd);
  if (n <= 0) return false;
  tail.resize(static_cast<size_t>(n));
  return tail.find("slurmstepd") != std::string::npos && tail.find("Exceeded job memory limit") != std::string::npos;
}

std::optional<std::string> programPath(const char* name) {
  return findExecutable(name, std::getenv("PATH"));
}

}  // namespace

SlurmExecutor::SlurmExecutor(const ir::PipelineGraph& graph, SlurmSettings settings, Prepare prepare, int64_t run,
                             const std::string& registryPath, std::FILE* err)
    : graph_(graph), settings_(std::move(settings)), prepare_(std::move(prepare)), run_(run), err_(err) {
  pollInterval_ = settings_.pollMinSeconds;
  toolEnvironment_ = clientEnvironment();
  // PATH does not change during a run: each client is looked up once.
  sbatch_ = programPath("sbatch");
  squeue_ = programPath("squeue");
  scontrol_ = programPath("scontrol");
  scancel_ = programPath("scancel");
  if (registryPath.empty()) return;
  registry_ = SlurmJobRegistry::open(registryPath, registryError_);
  if (!registry_) return;
  // The jobs a killed run left: those still queued or running wait for
  // start() to adopt them; the rest have ended and are forgotten.
  std::vector<std::string> ids;
  for (const SlurmJobEntry& e : registry_->orphans()) ids.push_back(e.jobId);
  if (ids.empty()) return;
  std::string error;
  std::optional<std::map<std::string, SlurmJobState>> queue =
      readQueue(ids, false, settings_.controllerTimeoutSeconds, error);
  for (const SlurmJobEntry& e : registry_->orphans()) {
    if (!queue) {
      // Unknown: kept in the registry for a run that can reach the controller.
      std::fprintf(err_, "mlopsc: warning: cannot tell whether SLURM job %s (node %s of run %lld) is still running: "
                         "the controller did not answer\n", e.jobId.c_str(), e.node.c_str(), static_cast<long long>(e.run));
      continue;
    }
    auto it = queue->find(e.jobId);
    if (it == queue->end() || slurmStateFinal(it->second.state)) {
      registry_->ended(e.jobId);
      continue;
    }
    orphans_.emplace(e.node, e);
  }
}

SlurmExecutor::~SlurmExecutor() = default;

std::vector<std::string> SlurmExecutor::clientEnvironment() {
  // The client commands need to find the cluster (SLURM_CONF) and may be
  // configured by the user (SBATCH_*, SQUEUE_* input variables); nothing else.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry = *e;
    for (std::string_view keep : {"SLURM_CONF=", "SBATCH_", "SQUEUE_", "SCONTROL_", "PATH=", "HOME=", "USER=", "LANG=", "TZ="})
      if (entry.substr(0, keep.size()) == keep) {
        env.emplace_back(entry);
        break;
      }
  }
  return env;
}

void SlurmExecutor::start(size_t index) {
  Running r{index, prepare_(index), "", "", -1, 0, false, {}, std::nullopt};
  reports_[index] = {};
  if (!registryError_.empty()) {
    reports_[index].error = registryError_;
    running_.push_back(std::move(r));
    return;
  }
  // A killed run's job doing this very work: adopted, not submitted again.
  auto [from, to] = orphans_.equal_range(r.job.nodeId);
  std::vector<std::string> stale;
  for (auto it = from; it != to;) {
    if (r.jobId.empty() && it->second.cacheKey == r.job.cacheKey && !r.job.cacheKey.empty()) {
      r.jobId = it->second.jobId;
      r.resultPath = it->second.resultPath;
      r.submittedAt = monotonicSeconds();
      watch_.watch(std::string(llvm::sys::path::parent_path(r.resultPath)));
      ++reports_[index].attempts;
      std::fprintf(err_, "mlopsc: adopted SLURM job %s of run %lld for %s (its output goes to %s)\n", r.jobId.c_str(),
                   static_cast<long long>(it->second.run), r.job.nodeId.c_str(), it->second.logPath.c_str());
    } else {
      stale.push_back(it->second.jobId);
      std::fprintf(err_, "mlopsc: cancelling SLURM job %s of run %lld for %s: the node runs again with other inputs\n",
                   it->second.jobId.c_str(), static_cast<long long>(it->second.run), r.job.nodeId.c_str());
    }
    it = orphans_.erase(it);
  }
  if (!stale.empty()) {
    // Another version of this node's work: it must not write the outputs
    // this run is about to produce.
    cancel(stale, "its node is run again with other inputs");
    waitGone(stale, "were cancelled");
  }
  if (r.jobId.empty()) submit(r);
  running_.push_back(std::move(r));
}

bool SlurmExecutor::submit(Running& r) {
  JobReport& report = reports_[r.index];
  r.retryAt = -1;
  r.ended = false;
  r.endState = {};
  r.result.reset();
  if (runStopping()) {
    report.error = "stopped: " + stopWhy();
    return false;
  }
  ++report.attempts;
  const std::optional<std::string>& sbatch = sbatch_;
  if (!sbatch) {
    report.error = "`sbatch` is not on PATH (install SLURM's client commands)";
    return false;
  }
  const ir::Node* node = graph_.find(r.job.nodeId);
  std::string log = absolute(r.job.spec.logPath);
  r.resultPath = log.size() > 4 && log.compare(log.size() - 4, 4, ".log") == 0 ? log.substr(0, log.size() - 4) : log;
  r.resultPath += ".result.json";
  ::unlink(r.resultPath.c_str());
  // The log exists before the job does, private: slurmstepd appends to it.
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    report.error = "cannot open the log `" + log + "`: " + std::strerror(errno);
    return false;
  }
  ::close(fd);

  std::vector<std::string> env;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const std::string& value) {
    if (name.empty() || name.find_first_of(",=") != std::string::npos || !seen.insert(name).second) return;
    env.push_back(name + "=" + value);
  };
  for (const auto& [name, value] : r.job.spec.environment) add(name, value);
  std::string mlopsc = settings_.mlopscPath;
  add("MLOPS_EXEC_MLOPSC", mlopsc);
  add("MLOPS_EXEC_COMMAND", r.job.spec.command);
  add("MLOPS_EXEC_LOG", log);
  add("MLOPS_EXEC_RESULT", r.resultPath);
  if (r.job.timeoutSeconds) add("MLOPS_EXEC_TIMEOUT", std::to_string(*r.job.timeoutSeconds));
  // The node's own secrets are masked in its log on the cluster (its
  // environment holds no other run's secret to mask).
  std::string mask;
  if (node)
    for (const std::string& s : node->secrets) mask += (mask.empty() ? "" : ",") + s;
  add("MLOPS_EXEC_MASK", mask);
  // ALL of sbatch's environment, which is exactly the node's (and what the
  // client commands need). Any list of names, even after ALL, makes SLURM
  // 22.05 load the user's login environment on the node as well (a login
  // shell per job, which took a minute per job on the test machine, and
  // variables the node was never given).
  for (const std::string& e : toolEnvironment_)
    if (!seen.count(e.substr(0, e.find('=')))) env.push_back(e);

  // The user's options first: sbatch takes the last of an option given
  // twice, so what mlopsc sets wins even over an abbreviation that got
  // past slurmOptionReserved.
  std::vector<std::string> args{"--parsable"};
  if (!settings_.partition.empty()) args.push_back("--partition=" + settings_.partition);
  if (!settings_.account.empty()) args.push_back("--account=" + settings_.account);
  for (const std::string& o : settings_.options) args.push_back(o);
  for (std::string o : {"--job-name=" + (node ? ir::slurmJobName(graph_, *node) : r.job.nodeId),
                        "--chdir=" + absolute(r.job.spec.workingDirectory.empty() ? "." : r.job.spec.workingDirectory),
                        std::string("--export=ALL"), std::string("--open-mode=append")})
    args.push_back(std::move(o));
  // SLURM reads `%` in an output path as a pattern, and `\` as turning
  // patterns off: such a log gets exec-node's output only.
  args.push_back("--output=" + (log.find_first_of("%\\") == std::string::npos ? log : std::string("/dev/null")));
  if (node)
    for (std::string& o : ir::slurmResourceOptions(*node)) args.push_back(std::move(o));

  ToolResult result = runTool({*sbatch, args, kBatchScript, -1, false}, ToolMode::Detached, env,
                              settings_.controllerTimeoutSeconds);
  std::optional<std::string> id = result.succeeded() ? parseSbatchJobId(result.out) : std::nullopt;
  if (!id) {
    report.error = result.succeeded() ? "`sbatch --parsable` printed no job id: `" + firstLine(result.out) + "`"
                                      : toolFailure("sbatch", result, settings_.controllerTimeoutSeconds);
    return false;
  }
  r.jobId = *id;
  r.submittedAt = monotonicSeconds();
  report.jobId = "slurm:" + *id;
  if (registry_) registry_->submitted({*id, run_, r.job.nodeId, r.job.cacheKey, log, r.resultPath});
  pollInterval_ = settings_.pollMinSeconds;
  nextPollAt_ = std::min(nextPollAt_, r.submittedAt + pollInterval_);
  watch_.watch(std::string(llvm::sys::path::parent_path(r.resultPath)));
  // Watched, a result on this machine wakes the run; the looks are for
  // those another machine writes.
  nextLookAt_ = std::min(nextLookAt_, r.submittedAt + (watch_.active() ? settings_.lookMaxSeconds : settings_.lookMinSeconds));
  return true;
}

std::optional<std::map<std::string, SlurmJobState>> SlurmExecutor::readQueue(const std::vector<std::string>& ids,
                                                                             bool whileStopping, double timeout,
                                                                             std::string& error) {
  const std::optional<std::string>& squeue = squeue_;
  if (!squeue) {
    error = "`squeue` is not on PATH (install SLURM's client commands)";
    return std::nullopt;
  }
  std::map<std::string, SlurmJobState> states;
  for (size_t from = 0; from < ids.size(); from += kIdsPerQuery) {
    std::string jobs = "--jobs=" + joinIds(ids, from, std::min(ids.size(), from + kIdsPerQuery));
    ToolResult r = runTool({*squeue, {"-h", "--states=all", "-o", "%i|%T|%r", jobs}, "", -1, whileStopping},
                           ToolMode::Detached, toolEnvironment_, timeout);
    // squeue fails for a list whose every job is gone ("Invalid job id"):
    // an answer, saying none of them is queued.
    if (r.timedOut || r.spawnErrno || (!r.succeeded() && r.err.find("Invalid job id") == std::string::npos)) {
      error = toolFailure("squeue", r, timeout);
      return std::nullopt;
    }
    for (auto& [id, st] : parseSqueue(r.out)) states[id] = st;
  }
  return states;
}

bool SlurmExecutor::poll(std::string& error) {
  std::vector<std::string> ids;
  for (const Running& r : running_)
    if (!r.jobId.empty() && !r.ended) ids.push_back(r.jobId);
  if (ids.empty()) return true;
  std::optional<std::map<std::string, SlurmJobState>> queue =
      readQueue(ids, false, settings_.controllerTimeoutSeconds, error);
  if (!queue) return false;
  const std::map<std::string, SlurmJobState>& states = *queue;
  bool changed = false;
  for (Running& r : running_) {
    if (r.jobId.empty() || r.ended) continue;
    auto it = states.find(r.jobId);
    if (it != states.end()) {
      if (slurmStateFinal(it->second.state)) {
        r.ended = true;
        r.endState = it->second;
        changed = true;
      } else if (it->second.state == "PENDING" && slurmReasonHopeless(it->second.reason)) {
        // It would wait for ever: cancelled, and the node fails saying why.
        cancel({r.jobId}, "it can never start");
        r.ended = changed = true;
        r.endState = it->second;
        r.endState.state = "NEVER_STARTS";
      }
      continue;
    }
    // Gone from the queue (MinJobAge passed): scontrol may still know it;
    // otherwise the result file says how it went.
    r.ended = changed = true;
    r.endState = {"", "", ""};
    if (scontrol_) {
      ToolResult s = runTool({*scontrol_, {"show", "job", "-o", r.jobId}, "", -1, false}, ToolMode::Detached,
                             toolEnvironment_, settings_.controllerTimeoutSeconds);
      if (std::optional<SlurmJobState> st = s.succeeded() ? parseScontrolJob(s.out) : std::nullopt) r.endState = *st;
    }
  }
  if (changed) pollInterval_ = settings_.pollMinSeconds;
  else pollInterval_ = std::min(settings_.pollMaxSeconds, pollInterval_ * 2);
  return true;
}

bool SlurmExecutor::lookForResults(const std::vector<std::string>* only) {
  bool changed = false;
  double now = monotonicSeconds(), youngest = settings_.lookMaxSeconds * 10;
  for (Running& r : running_) {
    if (r.jobId.empty() || r.ended) continue;
    youngest = std::min(youngest, now - r.submittedAt);
    if (only && std::find(only->begin(), only->end(), r.resultPath) == only->end()) continue;
    // Written whole (renamed into place) by exec-node as its last act. A
    // command that exited, with its exit code, needs nothing from SLURM;
    // one that a signal or the timeout ended waits for the job's state,
    // which says who killed it (a time or memory limit, scancel, ...).
    BoundedRead read = readBoundedFile(r.resultPath, 4096, false);
    if (!read.bytes) continue;  // not there yet
    std::optional<ProcessResult> result = parseNodeResult(*read.bytes);
    if (!result || result->signal != 0 || result->timedOut || result->exitCode < 0) {
      nextPollAt_ = std::min(nextPollAt_, now);
      continue;
    }
    r.ended = changed = true;
    r.endState = {"", "", ""};
    r.result = result;
    endedByResult_.push_back(r.jobId);
  }
  if (only) return changed;  // the periodic look stays due when it was
  nextLookAt_ = now + (watch_.active() ? settings_.lookMaxSeconds
                                       : std::clamp(youngest / 10, settings_.lookMinSeconds, settings_.lookMaxSeconds));
  return changed;
}

bool SlurmExecutor::conclude(Running& r, bool& ok) {
  JobReport& report = reports_[r.index];
  report.jobId = "slurm:" + r.jobId;
  if (registry_) registry_->ended(r.jobId);
  std::optional<ProcessResult> result = std::move(r.result);
  r.result.reset();
  if (!result) {
    BoundedRead read = readBoundedFile(r.resultPath, 4096, false);
    result = read.bytes ? parseNodeResult(*read.bytes) : std::nullopt;
  }
  const std::string& state = r.endState.state;
  report.error.clear();
  if (result && (state == "COMPLETED" || state == "FAILED" || state.empty())) {
    report.result = *result;
    ok = result->succeeded();
  } else if (state == "NEVER_STARTS" && r.endState.reason == "launch failed requeued held") {
    report.error = "SLURM could not launch its job on the node it chose, and held it (launch failed requeued held); "
                   "the job was cancelled";
    ok = false;
  } else if (state == "NEVER_STARTS") {
    report.error = "SLURM cannot start its job (" + r.endState.reason + "): the partition" +
                   (settings_.partition.empty() ? "" : " `" + settings_.partition + "`") +
                   " cannot give what the node's resources ask for, or the account or QOS may not use it; the job was cancelled";
    ok = false;
  } else if (!result && state == "FAILED" && memoryExceeded(r.job.spec.logPath)) {
    // Without cgroups SLURM kills a job over its --mem with SIGKILL and
    // ends it FAILED, saying so in the job's output (the node's log).
    report.error = "SLURM stopped it: it used more memory than its `memory` resource (--mem; SLURM's message is in the log)";
    ok = false;
  } else {
    report.result = result.value_or(ProcessResult{});
    report.result.timedOut = report.result.timedOut || state == "TIMEOUT";
    SlurmJobState s = r.endState;
    if (s.state.empty()) s.state = "UNKNOWN";
    report.error = state.empty() ? "SLURM no longer knows job " + r.jobId + " and it left no result (was it purged?)"
                                 : slurmEndDescription(s);
    ok = false;
  }
  // The result file stays beside the node's log (a retry's submit
  // removes it first).
  r.jobId.clear();
  return ok || report.attempts > r.job.retries || runStopping();
}

void SlurmExecutor::cancel(const std::vector<std::string>& ids, const std::string& why) {
  if (ids.empty()) return;
  const std::optional<std::string>& scancel = scancel_;
  if (!scancel) {
    std::fprintf(err_, "mlopsc: error: cannot cancel SLURM jobs %s (%s): `scancel` is not on PATH\n",
                 joinIds(ids, 0, ids.size()).c_str(), why.c_str());
    return;
  }
  for (size_t from = 0; from < ids.size(); from += kIdsPerQuery) {
    std::vector<std::string> args(ids.begin() + static_cast<long>(from),
                                  ids.begin() + static_cast<long>(std::min(ids.size(), from + kIdsPerQuery)));
    ToolResult r = runTool({*scancel, args, "", -1, true}, ToolMode::Detached, toolEnvironment_,
                           settings_.controllerTimeoutSeconds);
    if (!r.succeeded() && r.err.find("Invalid job id") == std::string::npos)
      std::fprintf(err_, "mlopsc: error: cannot cancel SLURM jobs %s (%s): %s\n", joinIds(args, 0, args.size()).c_str(),
                   why.c_str(), toolFailure("scancel", r, settings_.controllerTimeoutSeconds).c_str());
  }
}

void SlurmExecutor::waitGone(const std::vector<std::string>& ids, const char* what) {
  if (ids.empty()) return;
  double until = monotonicSeconds() + settings_.controllerTimeoutSeconds;
  double wait = 0.05;
  while (monotonicSeconds() < until) {
    std::string error;
    std::optional<std::map<std::string, SlurmJobState>> queue =
        readQueue(ids, true, std::max(1.0, until - monotonicSeconds()), error);
    bool live = false;
    if (queue)
      for (const auto& [id, st] : *queue)
        if (!slurmStateFinal(st.state)) live = true;
    if (queue && !live) return;
    std::vector<std::string> renamed;
    watch_.wait(wait, renamed);
    wait = std::min(0.5, wait * 2);
  }
  std::fprintf(err_, "mlopsc: warning: SLURM jobs %s %s but are still in the queue after %d s\n",
               joinIds(ids, 0, ids.size()).c_str(), what, static_cast<int>(settings_.controllerTimeoutSeconds));
}

void SlurmExecutor::stopAll() {
  if (stopped_) return;
  stopped_ = true;
  std::vector<std::string> ids;
  for (const Running& r : running_)
    if (!r.jobId.empty() && !r.ended) ids.push_back(r.jobId);
  cancel(ids, "the run is stopping");
  waitGone(ids, "were cancelled");
  for (Running& r : running_) {
    JobReport& report = reports_[r.index];
    if (!r.jobId.empty()) {
      report.jobId = "slurm:" + r.jobId;
      if (registry_) registry_->ended(r.jobId);
    }
    report.error = "stopped: " + stopWhy() + (r.jobId.empty() ? "" : "; its SLURM job was cancelled");
    r.jobId.clear();
    r.retryAt = -1;
  }
}

void SlurmExecutor::failAll(const std::string& why) {
  for (Running& r : running_) {
    if (r.jobId.empty()) continue;
    JobReport& report = reports_[r.index];
    report.jobId = "slurm:" + r.jobId;
    // Not ended in the registry: the next run that reaches the controller
    // adopts or cancels the job.
    report.error = why + "; its SLURM job is left to the next run to adopt or cancel";
    r.jobId.clear();
    r.retryAt = -1;
  }
}

std::optional<std::pair<size_t, bool>> SlurmExecutor::waitUntil(std::optional<double> deadline) {
  std::vector<std::string> renamed;
  for (;;) {
    double now = monotonicSeconds();
    if (runStopping()) {
      stopAll();
      if (running_.empty()) return std::nullopt;
      size_t index = running_.front().index;
      running_.erase(running_.begin());
      return std::make_pair(index, false);
    }
    for (size_t i = 0; i < running_.size(); ++i) {
      Running& r = running_[i];
      bool ok = false, final = false;
      if (!r.jobId.empty()) {
        if (!r.ended) continue;
        final = conclude(r, ok);
        if (!final) r.retryAt = now + retryBackoffSeconds(backoffBaseSeconds, reports_[r.index].attempts);
      } else if (r.retryAt >= 0) {
        if (now >= r.retryAt) submit(r);
        continue;
      } else {
        final = true;  // could not be submitted
      }
      if (!final) continue;
      size_t index = r.index;
      running_.erase(running_.begin() + static_cast<long>(i));
      return std::make_pair(index, ok);
    }
    if (deadline && now >= *deadline) return std::nullopt;
    if (now >= nextLookAt_ && lookForResults(nullptr)) continue;
    if (now >= nextPollAt_) {
      std::string error;
      if (poll(error)) {
        controllerFailingSince_ = -1;
      } else {
        if (controllerFailingSince_ < 0) controllerFailingSince_ = now;
        if (now - controllerFailingSince_ >= settings_.controllerTimeoutSeconds) {
          failAll("the SLURM controller has not answered for " +
                  std::to_string(static_cast<int>(now - controllerFailingSince_)) + " s (" + error + ")");
          controllerFailingSince_ = -1;
          continue;
        }
        // Asked again soon: giving up takes about the controller timeout.
        pollInterval_ = std::min(pollInterval_, 1.0);
      }
      nextPollAt_ = monotonicSeconds() + pollInterval_;
      continue;
    }
    double wake = std::min(nextPollAt_, nextLookAt_);
    for (const Running& r : running_)
      if (r.jobId.empty() && r.retryAt >= 0) wake = std::min(wake, r.retryAt);
    if (deadline) wake = std::min(wake, *deadline);
    // One wake-up per thing to do: a job's result renamed into place, a
    // queue read or look due, a retry, the caller's deadline. A signal
    // ends the sleep (and one taken by another thread is seen within a
    // second).
    if (runStopping()) continue;
    if (watch_.wait(std::clamp(wake - now, 0.0, 1.0), renamed)) {
      if (renamed.empty()) nextLookAt_ = 0;  // the kernel lost count: every file is looked at
      else lookForResults(&renamed);
    }
  }
}

void SlurmExecutor::finish() {
  // Jobs whose command had exited when their result was read may still be
  // ending in SLURM (slurmstepd's epilogue, COMPLETING): the run ends once
  // they have, so that nothing of it is left in the queue when it returns.
  if (!stopped_ && !endedByResult_.empty()) waitGone(endedByResult_, "had ended");
  endedByResult_.clear();

  std::vector<std::string> ids;
  for (const auto& [node, e] : orphans_) {
    ids.push_back(e.jobId);
    std::fprintf(err_, "mlopsc: cancelled SLURM job %s (node %s), left running by run %lld\n", e.jobId.c_str(),
                 node.c_str(), static_cast<long long>(e.run));
  }
  cancel(ids, "left by a killed run, not needed by this one");
  if (registry_)
    for (const std::string& id : ids) registry_->ended(id);
  orphans_.clear();
}

}  // namespace mlops::runtime

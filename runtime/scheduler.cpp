#include "runtime/scheduler.h"

#include <set>

namespace mlops::runtime {
namespace {

struct Usage {
  double cpu = 0, memoryBytes = 0, gpu = 0;
  unsigned tasks = 0;  // holding any resource
  void add(const ResourceAmounts& r, double sign) {
    cpu += sign * r.cpu.value_or(0);
    memoryBytes += sign * r.memoryBytes.value_or(0);
    gpu += sign * r.gpu.value_or(0);
  }
};

// Whether `need` fits next to `used` within `capacity`. A need above the
// whole capacity fits only when nothing else uses that resource.
bool fitsOne(std::optional<double> need, double used, std::optional<double> capacity) {
  if (!need || *need <= 0 || !capacity) return true;
  if (*need > *capacity) return used <= 0;
  return used + *need <= *capacity + 1e-9;
}

bool fits(const ResourceAmounts& need, const Usage& used, const ResourceAmounts& capacity) {
  return fitsOne(need.cpu, used.cpu, capacity.cpu) && fitsOne(need.memoryBytes, used.memoryBytes, capacity.memoryBytes) &&
         fitsOne(need.gpu, used.gpu, capacity.gpu);
}

}  // namespace

std::vector<TaskResult> schedule(const std::vector<Task>& tasks, const SchedulerOptions& options, Executor& executor) {
  const size_t n = tasks.size();
  std::vector<TaskResult> results(n);
  std::vector<std::vector<size_t>> dependents(n);
  std::vector<size_t> waitingOn(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t d : tasks[i].deps) {
      dependents[d].push_back(i);
      ++waitingOn[i];
    }
  std::set<size_t> ready;  // ordered: ties go to the earlier task
  for (size_t i = 0; i < n; ++i)
    if (waitingOn[i] == 0) ready.insert(i);
  std::vector<bool> done(n, false);
  Usage machine;
  std::unordered_map<std::string, Usage> roles;
  unsigned running = 0;
  std::string stoppedBy;  // fail-fast: the failure that stopped new starts
  const unsigned jobs = options.jobs ? options.jobs : 1;

  // Marks everything downstream of `failed` skipped.
  auto skipDownstream = [&](size_t failed, bool byCondition) {
    std::vector<size_t> stack = dependents[failed];
    while (!stack.empty()) {
      size_t t = stack.back();
      stack.pop_back();
      if (done[t]) continue;
      done[t] = true;
      ready.erase(t);
      results[t] = byCondition ? TaskResult{Outcome::Skipped, "`" + tasks[failed].id + "` was skipped (condition false)", true}
                               : TaskResult{Outcome::Skipped, "`" + tasks[failed].id + "` failed"};
      for (size_t d : dependents[t]) stack.push_back(d);
    }
  };

  // Takes a slot and the resources of task `index` if they fit.
  auto take = [&](size_t index) {
    const Task& t = tasks[index];
    static const ResourceAmounts none;
    auto quota = options.quotas.find(t.owner);
    const ResourceAmounts& limit = quota == options.quotas.end() ? none : quota->second;
    Usage& role = roles[t.owner];
    if (running >= jobs || !fits(t.needs, machine, options.machine) || !fits(t.needs, role, limit)) return false;
    machine.add(t.needs, 1);
    role.add(t.needs, 1);
    ++running;
    return true;
  };
  auto release = [&](size_t index) {
    --running;
    machine.add(tasks[index].needs, -1);
    roles[tasks[index].owner].add(tasks[index].needs, -1);
  };
  std::set<size_t> paused;     // waiting, holding nothing
  std::set<size_t> resumable;  // done waiting, want a slot back

  for (;;) {
    // Paused tasks coming back go first (even after a fail-fast stop: they
    // are under way, not new); nothing new starts while one still waits for
    // room, so a stream of new tasks cannot starve it. Then what the limits
    // allow, earliest first.
    for (auto it = resumable.begin(); it != resumable.end() && running < jobs;) {
      size_t index = *it;
      if (!take(index)) {
        ++it;
        continue;
      }
      it = resumable.erase(it);
      paused.erase(index);
      executor.resume(index);
    }
    if (stoppedBy.empty() && resumable.empty())
      for (auto it = ready.begin(); it != ready.end() && running < jobs;) {
        size_t index = *it;
        if (!take(index)) {
          ++it;
          continue;
        }
        it = ready.erase(it);
        executor.start(index);
      }
    if (running == 0 && paused.empty()) break;
    TaskEvent event = executor.wait();
    size_t index = event.index;
    if (event.kind == TaskEvent::Paused) {
      release(index);
      paused.insert(index);
      continue;
    }
    if (event.kind == TaskEvent::Resumable) {
      resumable.insert(index);
      continue;
    }
    release(index);
    done[index] = true;
    if (event.ok && event.conditionFalse) {
      results[index] = {Outcome::Skipped, "condition false", true};
      skipDownstream(index, true);
    } else if (event.ok) {
      results[index] = {Outcome::Succeeded, ""};
      for (size_t d : dependents[index])
        if (--waitingOn[d] == 0 && !done[d]) ready.insert(d);
    } else {
      results[index] = {Outcome::Failed, ""};
      skipDownstream(index, false);
      if (options.failFast && stoppedBy.empty()) stoppedBy = tasks[index].id;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!done[i])
      results[i] = {Outcome::NotStarted,
                    stoppedBy.empty() ? "its inputs never became ready"
                                      : "stopped after `" + stoppedBy + "` failed (--fail-fast)"};
  return results;
}

}  // namespace mlops::runtime

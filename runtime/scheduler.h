// The order in which nodes run: topological, up to `jobs` at once, and only
// while their resources (cpu, memory, gpu) fit both the machine and their
// owner role's quota. A failed node skips everything downstream of it while
// independent branches go on; with fail-fast nothing new starts after a
// failure. The scheduler decides; an Executor runs (real processes in
// `mlopsc run`, a fake with a simulated clock in the tests).
//
// A task may pause without running anything (a canary rollout waiting
// between its steps): it gives its slot and resources back, and when its
// wait is over it asks for them again. A resuming task goes before new
// tasks: nothing new starts until it has its slot back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mlops::runtime {

// Amounts of each resource; an absent one is not limited (capacity) or not
// needed (task).
struct ResourceAmounts {
  std::optional<double> cpu, memoryBytes, gpu;
};

struct Task {
  std::string id;              // for messages
  std::vector<size_t> deps;    // tasks that must succeed first (indices, each < this task's index)
  ResourceAmounts needs;
  std::string owner;           // role whose quota the task counts against; "" for none
};

struct SchedulerOptions {
  unsigned jobs = 1;
  bool failFast = false;
  ResourceAmounts machine;                               // capacity of this machine
  std::unordered_map<std::string, ResourceAmounts> quotas;  // by role
};

// What an executor's wait() reports about a task.
struct TaskEvent {
  enum Kind {
    Finished,  // it ended; `ok` says whether it succeeded
    Paused,    // it waits without running anything: its slot and resources are free
    Resumable, // its wait is over: it needs its slot back (Executor::resume)
  };
  Kind kind = Finished;
  size_t index = 0;
  bool ok = false;
  // Finished without running: its `when` condition is false. Everything
  // downstream is skipped too, and none of it is a failure.
  bool conditionFalse = false;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts task `index` (the scheduler never starts more than it allows).
  virtual void start(size_t index) = 0;
  // Goes on with a task that reported Resumable, in the slot the scheduler
  // gave back to it. Executors whose tasks never pause need not override it.
  virtual void resume(size_t /*index*/) {}
  // Blocks until something happens to a started task.
  virtual TaskEvent wait() = 0;
};

enum class Outcome { Succeeded, Failed, Skipped, NotStarted };

struct TaskResult {
  Outcome outcome = Outcome::NotStarted;
  std::string reason;  // for Skipped: "`step:a` failed"; for NotStarted: "stopped after `step:a` failed (--fail-fast)"
  // Skipped because of a false condition (its own, or upstream): not a failure.
  bool byCondition = false;
};

// Runs every task through `executor`; tasks must be in topological order
// (every dependency before its dependents). A task needing more than the
// whole machine or its whole quota runs when nothing else holds that
// resource, rather than never.
std::vector<TaskResult> schedule(const std::vector<Task>& tasks, const SchedulerOptions& options, Executor& executor);

}  // namespace mlops::runtime

// The scheduler (runtime/scheduler.h) with a fake executor on a simulated
// clock: parallelism up to -j, resources against the machine and the owner's
// quota, failures skipping only what is downstream, fail-fast, and tasks
// pausing (canary rollouts between steps) without holding a slot.
#include "runtime/scheduler.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

using namespace mlops::runtime;

namespace {

// Each task takes `duration[i]` simulated seconds; tasks in `failing` fail.
// A task in `phases` alternates running and pausing instead: {run, pause,
// run, ...} seconds, as a canary rollout does between its steps.
class FakeExecutor : public Executor {
 public:
  FakeExecutor(std::vector<double> duration, std::set<size_t> failing = {})
      : duration_(std::move(duration)), failing_(std::move(failing)) {}

  void start(size_t i) override {
    startedAt[i] = now;
    runPhase(i, phases.count(i) ? phases[i][0] : duration_[i]);
  }
  void resume(size_t i) override {
    resumedAt[i].push_back(now);
    runPhase(i, phases.at(i)[++phase_[i]]);
  }
  TaskEvent wait() override {
    REQUIRE(!events_.empty());
    auto [at, i, kind] = *events_.begin();
    events_.erase(events_.begin());
    now = at;
    if (kind == TaskEvent::Resumable) return {kind, i};
    --running_;
    if (phases.count(i) && phase_[i] + 1 < phases[i].size()) {
      events_.emplace(now + phases[i][++phase_[i]], i, TaskEvent::Resumable);
      return {TaskEvent::Paused, i};
    }
    finishedAt[i] = now;
    return {TaskEvent::Finished, i, !failing_.count(i), conditionFalse.count(i) > 0};
  }

  double now = 0;
  size_t maxConcurrent = 0;  // running, not pausing
  std::map<size_t, double> startedAt, finishedAt;
  std::map<size_t, std::vector<double>> resumedAt;
  std::map<size_t, std::vector<double>> phases;
  std::set<size_t> conditionFalse;  // finish without running: their `when` is false

 private:
  void runPhase(size_t i, double seconds) {
    events_.emplace(now + seconds, i, TaskEvent::Finished);
    maxConcurrent = std::max(maxConcurrent, ++running_);
  }
  std::vector<double> duration_;
  std::set<size_t> failing_;
  std::set<std::tuple<double, size_t, TaskEvent::Kind>> events_;
  std::map<size_t, size_t> phase_;
  size_t running_ = 0;
};

Task task(const char* id, std::vector<size_t> deps = {}, ResourceAmounts needs = {}, const char* owner = "") {
  return {id, std::move(deps), needs, owner};
}

}  // namespace

TEST_CASE("independent tasks overlap up to -j", "[runtime][scheduler]") {
  std::vector<Task> tasks = {task("a"), task("b"), task("c", {0, 1})};
  SchedulerOptions options;
  options.jobs = 2;
  FakeExecutor two({10, 10, 1});
  std::vector<TaskResult> r = schedule(tasks, options, two);
  CHECK(two.now == 11);  // a and b together, then c
  CHECK(two.maxConcurrent == 2);
  CHECK(two.startedAt[2] == 10);
  CHECK(std::all_of(r.begin(), r.end(), [](const TaskResult& t) { return t.outcome == Outcome::Succeeded; }));

  options.jobs = 1;
  FakeExecutor one({10, 10, 1});
  schedule(tasks, options, one);
  CHECK(one.now == 21);
  CHECK(one.maxConcurrent == 1);
}

TEST_CASE("resources must fit the machine and the owner's quota", "[runtime][scheduler]") {
  SchedulerOptions options;
  options.jobs = 8;
  options.machine.cpu = 4;
  // Two 4-core tasks cannot share a 4-core machine, nor a 1-core task join
  // them; a task that declares no cpu is not held back.
  std::vector<Task> tasks = {task("a", {}, {4, {}, {}}), task("b", {}, {4, {}, {}}), task("c", {}, {1, {}, {}}),
                             task("d")};
  FakeExecutor e({10, 10, 10, 10});
  schedule(tasks, options, e);
  CHECK(e.startedAt[1] == 10);
  CHECK(e.startedAt[2] == 20);
  CHECK(e.startedAt[3] == 0);
  CHECK(e.now == 30);

  // A quota of 2 GPUs for the modelers: three 1-GPU models, two at a time;
  // another team's task is not held back.
  options.machine = {};
  options.quotas["modelers"] = {{}, {}, 2};
  std::vector<Task> gpu = {task("m1", {}, {{}, {}, 1}, "modelers"), task("m2", {}, {{}, {}, 1}, "modelers"),
                           task("m3", {}, {{}, {}, 1}, "modelers"), task("etl", {}, {{}, {}, 1}, "engineers")};
  FakeExecutor g({5, 5, 5, 5});
  schedule(gpu, options, g);
  CHECK(g.startedAt[2] == 5);
  CHECK(g.startedAt[3] == 0);
  CHECK(g.now == 10);

  // More than the whole machine: runs alone instead of never.
  options.machine.cpu = 4;
  options.quotas.clear();
  std::vector<Task> big = {task("small", {}, {1, {}, {}}), task("huge", {}, {64, {}, {}})};
  FakeExecutor b({3, 3});
  std::vector<TaskResult> r = schedule(big, options, b);
  CHECK(r[1].outcome == Outcome::Succeeded);
  CHECK(b.startedAt[1] == 3);
}

TEST_CASE("a failure skips what is downstream, independent work goes on", "[runtime][scheduler]") {
  //   a → b → c      d → e
  std::vector<Task> tasks = {task("step:a"), task("b", {0}), task("c", {1}), task("d"), task("e", {3})};
  SchedulerOptions options;
  options.jobs = 2;
  FakeExecutor e({1, 1, 1, 5, 1}, {0});
  std::vector<TaskResult> r = schedule(tasks, options, e);
  CHECK(r[0].outcome == Outcome::Failed);
  CHECK(r[1].outcome == Outcome::Skipped);
  CHECK(r[1].reason == "`step:a` failed");
  CHECK(r[2].outcome == Outcome::Skipped);
  CHECK(r[3].outcome == Outcome::Succeeded);
  CHECK(r[4].outcome == Outcome::Succeeded);
  CHECK(!e.startedAt.count(1));
}

TEST_CASE("fail-fast starts nothing after a failure but lets running work finish", "[runtime][scheduler]") {
  std::vector<Task> tasks = {task("step:a"), task("b"), task("c"), task("d", {1})};
  SchedulerOptions options;
  options.jobs = 2;
  options.failFast = true;
  FakeExecutor e({1, 5, 1, 1}, {0});
  std::vector<TaskResult> r = schedule(tasks, options, e);
  CHECK(r[0].outcome == Outcome::Failed);
  CHECK(r[1].outcome == Outcome::Succeeded);  // was running
  CHECK(r[2].outcome == Outcome::NotStarted);
  CHECK(r[2].reason == "stopped after `step:a` failed (--fail-fast)");
  CHECK(r[3].outcome == Outcome::NotStarted);
}

TEST_CASE("a paused task gives its slot to other tasks and gets one back first", "[runtime][scheduler]") {
  // A canary (run 1 s, pause 10 s, run 1 s) and an independent 5 s step, -j1:
  // the step runs during the pause.
  std::vector<Task> tasks = {task("deploy:prod"), task("step:slow")};
  SchedulerOptions options;
  options.jobs = 1;
  FakeExecutor e({0, 5});
  e.phases[0] = {1, 10, 1};
  std::vector<TaskResult> r = schedule(tasks, options, e);
  CHECK(e.startedAt[1] == 1);
  CHECK(e.finishedAt[1] == 6);
  CHECK(e.resumedAt[0] == std::vector<double>{11});
  CHECK(e.finishedAt[0] == 12);
  CHECK(e.maxConcurrent == 1);
  CHECK(r[0].outcome == Outcome::Succeeded);
  CHECK(r[1].outcome == Outcome::Succeeded);

  // Its pause ends (at 3) while a 5 s step holds the only slot: when the
  // slot frees (at 6) the canary resumes before the next new task.
  std::vector<Task> three = {task("deploy:prod"), task("step:b"), task("step:c")};
  FakeExecutor f({0, 5, 1});
  f.phases[0] = {1, 2, 1, 2, 1};
  schedule(three, options, f);
  CHECK(f.startedAt[1] == 1);
  CHECK(f.resumedAt[0] == std::vector<double>{6, 9});
  CHECK(f.startedAt[2] == 7);  // during the second pause
  CHECK(f.finishedAt[0] == 10);
  CHECK(f.maxConcurrent == 1);

  // Resources come back too: a 4-core canary pausing on a 4-core machine
  // lets another 4-core task run.
  options.jobs = 4;
  options.machine.cpu = 4;
  std::vector<Task> cores = {task("deploy:prod", {}, {4, {}, {}}), task("model:big", {}, {4, {}, {}})};
  FakeExecutor g({0, 3});
  g.phases[0] = {1, 10, 1};
  schedule(cores, options, g);
  CHECK(g.startedAt[1] == 1);
  CHECK(g.finishedAt[0] == 12);
}

TEST_CASE("fail-fast lets a paused rollout finish", "[runtime][scheduler]") {
  std::vector<Task> tasks = {task("deploy:prod"), task("step:a"), task("step:b")};
  SchedulerOptions options;
  options.jobs = 1;
  options.failFast = true;
  FakeExecutor e({0, 1, 1}, {1});
  e.phases[0] = {1, 10, 1};
  std::vector<TaskResult> r = schedule(tasks, options, e);
  CHECK(r[1].outcome == Outcome::Failed);
  CHECK(r[2].outcome == Outcome::NotStarted);
  CHECK(r[0].outcome == Outcome::Succeeded);  // was under way
  CHECK(e.finishedAt[0] == 12);
}

TEST_CASE("a false condition skips what is downstream without failing", "[runtime][scheduler]") {
  // a -> b (when false) -> c; a -> d; e fails -> f
  std::vector<Task> tasks = {task("a"), task("b", {0}), task("c", {1}), task("d", {0}), task("e"), task("f", {4})};
  SchedulerOptions options;
  options.jobs = 2;
  FakeExecutor fake({1, 1, 1, 1, 1, 1}, {4});
  fake.conditionFalse = {1};
  std::vector<TaskResult> r = schedule(tasks, options, fake);
  CHECK(r[0].outcome == Outcome::Succeeded);
  CHECK(r[1].outcome == Outcome::Skipped);
  CHECK(r[1].byCondition);
  CHECK(r[2].outcome == Outcome::Skipped);
  CHECK(r[2].byCondition);
  CHECK(r[2].reason == "`b` was skipped (condition false)");
  CHECK_FALSE(fake.startedAt.count(2));  // never started
  CHECK(r[3].outcome == Outcome::Succeeded);
  CHECK(r[4].outcome == Outcome::Failed);
  CHECK(r[5].outcome == Outcome::Skipped);
  CHECK_FALSE(r[5].byCondition);
  CHECK(r[5].reason == "`e` failed");
}

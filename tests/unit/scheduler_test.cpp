// The scheduler (runtime/scheduler.h) with a fake executor on a simulated
// clock: parallelism up to -j, resources against the machine and the owner's
// quota, failures skipping only what is downstream, fail-fast.
#include "runtime/scheduler.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace mlops::runtime;

namespace {

// Each task takes `duration[i]` simulated seconds; tasks in `failing` fail.
class FakeExecutor : public Executor {
 public:
  FakeExecutor(std::vector<double> duration, std::set<size_t> failing = {})
      : duration_(std::move(duration)), failing_(std::move(failing)) {}

  void start(size_t i) override {
    startedAt[i] = now;
    running_.emplace(now + duration_[i], i);
    maxConcurrent = std::max(maxConcurrent, running_.size());
  }
  std::pair<size_t, bool> wait() override {
    REQUIRE(!running_.empty());
    auto [end, i] = *running_.begin();
    running_.erase(running_.begin());
    now = end;
    finishedAt[i] = now;
    return {i, !failing_.count(i)};
  }

  double now = 0;
  size_t maxConcurrent = 0;
  std::map<size_t, double> startedAt, finishedAt;

 private:
  std::vector<double> duration_;
  std::set<size_t> failing_;
  std::set<std::pair<double, size_t>> running_;
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

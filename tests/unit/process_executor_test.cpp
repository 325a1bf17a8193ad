// Real processes through the scheduler (runtime/exec/process_executor.h):
// parallel nodes overlap, retries rerun a failing command after a backoff,
// a timeout stops a command that ignores SIGTERM.
#include "runtime/exec/process_executor.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>

#include <csignal>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-exec", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
};

struct Ran {
  std::vector<TaskResult> results;
  std::map<size_t, JobReport> reports;
};

Ran runAll(const Scratch& s, const std::vector<std::string>& commands, unsigned jobs, unsigned retries = 0,
           std::optional<double> timeout = std::nullopt) {
  std::vector<Task> tasks;
  for (size_t i = 0; i < commands.size(); ++i) tasks.push_back({"node" + std::to_string(i), {}, {}, ""});
  std::string dir = s.dir.str().str();
  ProcessExecutor executor([&](size_t i) {
    return Job{{commands[i], dir, {{"PATH", "/usr/bin:/bin"}}, dir + "/node" + std::to_string(i) + ".log", {}},
               timeout, retries, "", ""};
  });
  executor.backoffBaseSeconds = 0.01;
  executor.killGraceSeconds = 0.2;
  SchedulerOptions options;
  options.jobs = jobs;
  std::vector<TaskResult> results = schedule(tasks, options, executor);
  return {results, executor.reports()};
}

}  // namespace

TEST_CASE("two sleeping nodes with -j2 take about one sleep", "[runtime][executor]") {
  Scratch s;
  double start = monotonicSeconds();
  std::vector<TaskResult> r = runAll(s, {"sleep 1", "sleep 1"}, 2).results;
  double parallel = monotonicSeconds() - start;
  CHECK(r[0].outcome == Outcome::Succeeded);
  CHECK(r[1].outcome == Outcome::Succeeded);
  CHECK(parallel < 1.8);  // overlapped (one sleep plus start-up), not 2 s
  start = monotonicSeconds();
  runAll(s, {"sleep 1", "sleep 1"}, 1);
  CHECK(monotonicSeconds() - start >= 2.0);
}

TEST_CASE("retries rerun a failing command", "[runtime][executor]") {
  Scratch s;
  // Fails on its first two attempts, succeeds on the third.
  std::string flaky = "n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; [ $n -ge 2 ]";
  Ran r = runAll(s, {flaky}, 1, 2);
  CHECK(r.results[0].outcome == Outcome::Succeeded);
  CHECK(r.reports.at(0).attempts == 3);
  llvm::sys::fs::remove((s.dir + "/count").str());
  r = runAll(s, {flaky}, 1, 1);
  CHECK(r.results[0].outcome == Outcome::Failed);
  CHECK(r.reports.at(0).attempts == 2);
  CHECK(r.reports.at(0).result.describe() == "exit code 1");
}

TEST_CASE("a timeout stops a node that ignores SIGTERM", "[runtime][executor]") {
  Scratch s;
  Ran r = runAll(s, {"trap '' TERM; sleep 30"}, 1, 0, 0.2);
  CHECK(r.results[0].outcome == Outcome::Failed);
  const ProcessResult& result = r.reports.at(0).result;
  CHECK(result.timedOut);
  CHECK(result.signal == SIGKILL);
  CHECK(result.seconds < 5);
}

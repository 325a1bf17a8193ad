// A run interrupted by SIGTERM (runtime/interruption.h) through the real
// executor (runtime/exec/process_executor.h): every running command's process
// group is stopped, background children included, nothing is retried or
// started afterwards, the output so far reaches the log masked, and the
// handlers are put back afterwards.
#include "runtime/interruption.h"
#include "runtime/exec/process_executor.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>
#include <unistd.h>

using namespace mlops::runtime;

namespace {

std::string readFile(const std::string& path) {
  auto b = llvm::MemoryBuffer::getFile(path);
  return b ? (*b)->getBuffer().str() : std::string("<missing>");
}

// Whether no process of group `group` is left, waiting up to 2 s for the
// killed ones to be reaped (by init: their shell is gone).
bool groupGone(pid_t group) {
  for (int k = 0; k < 200; ++k) {
    if (::killpg(group, 0) == -1 && errno == ESRCH) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("security item 9: SIGTERM stops every command's process group and nothing is retried",
          "[runtime][process][security]") {
  llvm::SmallString<128> scratch;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-interrupt", scratch));
  std::string dir = scratch.str().str();
  std::vector<Task> tasks;
  for (size_t i = 0; i < 3; ++i) tasks.push_back({"node" + std::to_string(i), {}, {}, ""});
  std::function<Job(size_t)> prepare = [&](size_t i) {
    std::string n = std::to_string(i);
    // The shell's pid is its group's id; a background sleep stays in the group.
    return Job{{"echo $$ > pid" + n + "; echo \"token $V\"; sleep 30 & sleep 30; wait", dir,
                {{"PATH", "/usr/bin:/bin"}, {"V", "s3cr3t-value-42"}}, dir + "/node" + n + ".log", {"s3cr3t-value-42"}},
               std::nullopt, 2, "", ""};
  };
  ProcessExecutor executor(prepare);
  executor.killGraceSeconds = 0.5;
  executor.backoffBaseSeconds = 0.01;
  SchedulerOptions options;
  options.jobs = 2;  // node2 waits for a slot
  std::vector<TaskResult> results;
  int signal = 0;
  {
    RunInterruptions handlers;
    std::thread terminator([&] {
      // Once both commands wrote their pid, as a CI runner cancelling the job.
      for (int k = 0; k < 500 && !(llvm::sys::fs::exists(dir + "/pid0") && llvm::sys::fs::exists(dir + "/pid1")); ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ::kill(::getpid(), SIGTERM);
    });
    auto begin = std::chrono::steady_clock::now();
    results = schedule(tasks, options, executor);
    terminator.join();
    signal = interruptSignal();
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(10));
  }
  CHECK(signal == SIGTERM);
  CHECK(interruptSignal() == 0);  // forgotten with the handlers
  REQUIRE(results.size() == 3);
  // node2 got its slot after the signal: refused, never started.
  CHECK(results[2].outcome == Outcome::Failed);
  CHECK(executor.reports().at(2).attempts == 0);
  CHECK(executor.reports().at(2).error == "stopped: the run was interrupted by SIGTERM");
  CHECK(!llvm::sys::fs::exists(dir + "/pid2"));
  for (size_t i = 0; i < 2; ++i) {
    INFO("node" << i);
    CHECK(results[i].outcome == Outcome::Failed);
    const JobReport& report = executor.reports().at(i);
    CHECK(report.attempts == 1);  // no retry once the run is stopping
    CHECK(report.error == "stopped: the run was interrupted by SIGTERM");
    pid_t group = static_cast<pid_t>(std::stol(readFile(dir + "/pid" + std::to_string(i))));
    CHECK(groupGone(group));  // the background sleep too
    CHECK(readFile(dir + "/node" + std::to_string(i) + ".log") == "token ***\n");
  }
  llvm::sys::fs::remove_directories(dir);
}

// The registry of running process groups (runtime/exec/process_registry.h) with
// real processes: a run records its groups and ends them when reaped; the
// groups of an owner that died are killed and reported, those of a live
// owner and those whose processes are no longer the run's are left alone.
#include "runtime/exec/process_registry.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-registry", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char* name) const { return (dir + "/" + name).str(); }
  std::string read(const char* name) const {
    auto b = llvm::MemoryBuffer::getFile(path(name));
    return b ? (*b)->getBuffer().str() : std::string("<missing>");
  }
};

// A node's command as the runner starts it, with the run and node it
// belongs to in its environment.
ProcessSpec nodeSpec(const Scratch& s, const std::string& command, const std::string& run, const std::string& node) {
  return {command, s.dir.str().str(), {{"PATH", "/usr/bin:/bin"}, {"MLOPS_RUN", run}, {"MLOPS_NODE", node}},
          s.path("node.log"), {}};
}

Process start(const ProcessSpec& spec) {
  std::string error;
  std::optional<Process> p = Process::start(spec, error);
  REQUIRE(p);
  return std::move(*p);
}

// Waits (at most 5 s) for `p` to end.
std::optional<ProcessResult> waitFor(Process& p) {
  for (int i = 0; i < 500; ++i) {
    if (std::optional<ProcessResult> r = p.poll()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

// Everything written to a FILE* (what mlopsc prints on stderr).
struct Captured {
  std::FILE* file = std::tmpfile();
  ~Captured() { std::fclose(file); }
  std::string text() const {
    std::fflush(file);
    std::rewind(file);
    std::string out;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, file)) out.append(buf, n);
    return out;
  }
};

std::string startLine(pid_t pgid, uint64_t leaderStart, pid_t owner, uint64_t ownerStart, int run, const char* node) {
  return "start " + std::to_string(pgid) + " " + std::to_string(leaderStart) + " " + std::to_string(owner) + " " +
         std::to_string(ownerStart) + " " + std::to_string(run) + " " + node + "\n";
}

}  // namespace

TEST_CASE("a run records its groups and ends them when reaped", "[runtime][registry]") {
  Scratch s;
  std::string path = s.path("process-groups"), error;
  Captured err;
  {
    std::unique_ptr<ProcessRegistry> registry = ProcessRegistry::openForRun(path, err.file, error);
    REQUIRE(registry);
    ProcessSpec spec = nodeSpec(s, "exit 0", "4", "step:a");
    Process p = start(spec);
    registry->started(p.pid(), spec);
    std::string text = s.read("process-groups");
    CHECK(text.rfind("# mlopsc process groups v1\nstart " + std::to_string(p.pid()) + " ", 0) == 0);
    CHECK(text.find(" " + std::to_string(::getpid()) + " ") != std::string::npos);  // the owner
    CHECK(text.find(" 4 step:a\n") != std::string::npos);
    REQUIRE(waitFor(p));
    registry->reaped(p.pid());
    CHECK(s.read("process-groups").find("\nend " + std::to_string(p.pid()) + " ") != std::string::npos);
  }
  // Every group reaped: nothing is left for a later run to look at.
  CHECK(s.read("process-groups") == "# mlopsc process groups v1\n");
  CHECK(err.text().empty());
}

TEST_CASE("the groups of a dead owner are killed, others are left alone", "[runtime][registry]") {
  Scratch s;
  // An owner that is dead: a process that ran and was reaped.
  Process gone = start(nodeSpec(s, "exit 0", "0", "-"));
  pid_t deadOwner = gone.pid();
  REQUIRE(waitFor(gone));

  Process orphan = start(nodeSpec(s, "sleep 300 & sleep 300; wait", "7", "step:a"));
  Process ownedByUs = start(nodeSpec(s, "sleep 300", "8", "step:b"));
  Process stranger = start(nodeSpec(s, "sleep 300", "99", "step:other"));
  uint64_t orphanStart = processStartTime(orphan.pid()).value_or(0);
  uint64_t ourStart = processStartTime(::getpid()).value_or(0);
  REQUIRE(orphanStart > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the background sleep has started

  {
    std::ofstream f(s.path("process-groups"));
    f << "# mlopsc process groups v1\n"
      << startLine(orphan.pid(), orphanStart, deadOwner, 1, 7, "step:a")
      << startLine(ownedByUs.pid(), processStartTime(ownedByUs.pid()).value_or(0), ::getpid(), ourStart, 8, "step:b")
      // Recorded as started later than the processes now in that group, and
      // their environment names another run: not the run's any more.
      << startLine(stranger.pid(), processStartTime(stranger.pid()).value_or(0) + 1000, deadOwner, 1, 9, "step:c");
  }
  Captured err;
  CHECK(killOrphanGroups(s.path("process-groups"), err.file) == 1);
  std::string said = err.text();
  CHECK(said.find("mlopsc: killed the processes of step a left running by run 7 (killed with SIGKILL): pids " +
                  std::to_string(orphan.pid()) + ", ") != std::string::npos);
  CHECK(said.find("mlopsc: note: process group " + std::to_string(stranger.pid()) +
                  " of step c (run 9) now holds processes that run did not start: left alone\n") != std::string::npos);

  std::optional<ProcessResult> killed = waitFor(orphan);
  REQUIRE(killed);
  CHECK(killed->signal == SIGKILL);
  CHECK(!ownedByUs.poll());  // its owner (this process) is alive
  CHECK(!stranger.poll());

  // Their entries are ended: a second look finds nothing to do.
  Captured again;
  CHECK(killOrphanGroups(s.path("process-groups"), again.file) == 0);
  CHECK(again.text().empty());

  for (Process* p : {&ownedByUs, &stranger}) {
    p->signalGroup(SIGKILL);
    REQUIRE(waitFor(*p));
  }
}

TEST_CASE("a partial last line or another version kills nothing", "[runtime][registry]") {
  Scratch s;
  Process p = start(nodeSpec(s, "sleep 300", "3", "step:a"));
  std::string line = startLine(p.pid(), processStartTime(p.pid()).value_or(0), 1 << 22, 1, 3, "step:a");
  {
    std::ofstream f(s.path("process-groups"));
    f << "# mlopsc process groups v1\n" << line.substr(0, line.size() - 1);  // no newline: torn
  }
  Captured err;
  CHECK(killOrphanGroups(s.path("process-groups"), err.file) == 0);
  CHECK(err.text().find("ended in a partial line") != std::string::npos);
  {
    std::ofstream f(s.path("process-groups"));
    f << "# mlopsc process groups v2\n" << line;
  }
  CHECK(killOrphanGroups(s.path("process-groups"), err.file) == 0);
  CHECK(!p.poll());
  p.signalGroup(SIGKILL);
  REQUIRE(waitFor(p));
}

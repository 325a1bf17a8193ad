// Node processes (runtime/exec/process.h), with real processes: exit codes, the
// log, an environment that holds only what the runtime passes, and a timeout
// that stops a command ignoring SIGTERM together with what it started.
#include "runtime/exec/process.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include <csignal>
#include <unistd.h>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-process", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char* name) const { return (dir + "/" + name).str(); }
  std::string read(const char* name) const {
    auto b = llvm::MemoryBuffer::getFile(path(name));
    return b ? (*b)->getBuffer().str() : std::string("<missing>");
  }
};

ProcessSpec spec(const Scratch& s, const std::string& command) {
  return {command, s.dir.str().str(), {{"PATH", "/usr/bin:/bin"}, {"NODE_VAR", "from the runtime"}}, s.path("node.log"), {}};
}

}  // namespace

TEST_CASE("a command runs in the project root and logs its output", "[runtime][process]") {
  Scratch s;
  std::string error;
  ProcessResult r = runProcess(spec(s, "echo out; echo err >&2; pwd; echo \"$NODE_VAR\"; echo \"${HOME:-no home}\""),
                               std::nullopt, 1, error);
  CHECK(error.empty());
  CHECK(r.succeeded());
  CHECK(r.describe() == "exit code 0");
  std::string log = s.read("node.log");
  CHECK(log.find("out\nerr\n") == 0);
  CHECK(log.find(s.dir.str().str() + "\n") != std::string::npos);
  CHECK(log.find("from the runtime\n") != std::string::npos);
  CHECK(log.find("no home\n") != std::string::npos);  // nothing of mlopsc's own environment leaks in

  r = runProcess(spec(s, "exit 3"), std::nullopt, 1, error);
  CHECK(r.exitCode == 3);
  CHECK(!r.succeeded());
  CHECK(r.describe() == "exit code 3");
}

TEST_CASE("a timeout stops a command that ignores SIGTERM, and its children", "[runtime][process]") {
  Scratch s;
  std::string error;
  // The shell ignores TERM and starts a child that would outlive it.
  ProcessResult r = runProcess(spec(s, "trap '' TERM; sleep 30 & echo $! > child.pid; wait"), 0.3, 0.2, error);
  CHECK(error.empty());
  CHECK(r.timedOut);
  CHECK(r.signal == SIGKILL);
  CHECK(r.describe() == "killed by SIGKILL after the timeout");
  CHECK(r.seconds < 5);
  pid_t child = static_cast<pid_t>(std::stol(s.read("child.pid")));
  // The grandchild went with the group: it no longer exists, or is a zombie
  // waiting for init to reap it (give the kernel a moment).
  auto dead = [&] {
    auto stat = llvm::MemoryBuffer::getFileAsStream("/proc/" + std::to_string(child) + "/stat");
    if (!stat) return true;
    llvm::StringRef text = (*stat)->getBuffer();
    size_t close = text.rfind(')');
    return close != llvm::StringRef::npos && close + 2 < text.size() && text[close + 2] == 'Z';
  };
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = dead();
    if (!gone) ::usleep(10000);
  }
  CHECK(gone);
}

TEST_CASE("a command that cannot start says why", "[runtime][process]") {
  Scratch s;
  std::string error;
  ProcessSpec bad = spec(s, "true");
  bad.logPath = s.path("no/such/dir/node.log");
  ProcessResult r = runProcess(bad, std::nullopt, 1, error);
  CHECK(r.exitCode == -1);
  CHECK(error.find("cannot write the log") == 0);
  bad = spec(s, "true");
  bad.workingDirectory = s.path("missing");
  error.clear();
  r = runProcess(bad, std::nullopt, 1, error);
  CHECK(!r.succeeded());
}

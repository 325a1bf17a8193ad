// The wake-up of the SLURM executor (runtime/exec/rename_watch.h): a file
// renamed into a watched folder (what exec-node does with its result)
// ends the wait; other writes there, and renames elsewhere, do not.
#include "runtime/exec/rename_watch.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>

#include <cstdio>
#include <fstream>
#include <vector>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-watch", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const std::string& name) const { return dir.str().str() + "/" + name; }
  void write(const std::string& name) const { std::ofstream(path(name)) << "{}\n"; }
};

}  // namespace

TEST_CASE("a file renamed into a watched folder ends the wait", "[slurm]") {
  Scratch s;
  RenameWatch watch;
  watch.watch(s.dir.str().str());
  REQUIRE(watch.active());
  std::vector<std::string> renamed{"stale"};
  s.write("n.result.json.tmp");
  CHECK_FALSE(watch.wait(0.05, renamed));  // written, not yet renamed into place
  CHECK(renamed.empty());
  REQUIRE(std::rename(s.path("n.result.json.tmp").c_str(), s.path("n.result.json").c_str()) == 0);
  s.write("m.tmp");
  REQUIRE(std::rename(s.path("m.tmp").c_str(), s.path("m").c_str()) == 0);
  CHECK(watch.wait(30, renamed));  // returns at the event, long before the 30 s
  CHECK(renamed == std::vector<std::string>{s.path("n.result.json"), s.path("m")});
  CHECK_FALSE(watch.wait(0.05, renamed));  // the events were consumed
  CHECK(renamed.empty());
}

TEST_CASE("a rename in a folder not watched does not end the wait", "[slurm]") {
  Scratch watched, other;
  RenameWatch watch;
  watch.watch(watched.dir.str().str());
  watch.watch(watched.dir.str().str());  // twice: one watch
  other.write("a.tmp");
  REQUIRE(std::rename(other.path("a.tmp").c_str(), other.path("a").c_str()) == 0);
  std::vector<std::string> renamed;
  CHECK_FALSE(watch.wait(0.05, renamed));
  CHECK(renamed.empty());
}

TEST_CASE("a folder that cannot be watched leaves a plain sleep", "[slurm]") {
  Scratch s;
  RenameWatch watch;
  watch.watch(s.path("missing"));
  watch.watch("");
  CHECK_FALSE(watch.active());
  s.write("x.tmp");
  REQUIRE(std::rename(s.path("x.tmp").c_str(), s.path("x").c_str()) == 0);
  std::vector<std::string> renamed;
  CHECK_FALSE(watch.wait(0.02, renamed));
  CHECK_FALSE(watch.wait(0, renamed));
  CHECK_FALSE(watch.wait(-1, renamed));
  CHECK(renamed.empty());
}

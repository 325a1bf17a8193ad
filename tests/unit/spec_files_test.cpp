// The one walk for specs (syntax/spec_files.h): `make demo` leaves the run
// state folder `examples/credit-risk/.mlops/` behind, which a walk taking
// every path ending in `.mlops` took for a spec.
#include "syntax/spec_files.h"

#include <catch2/catch.hpp>

#include <llvm/Support/FileSystem.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops;

namespace {

struct TempFolder {
  std::string path;
  TempFolder() {
    char name[] = "/tmp/spec-files-XXXXXX";
    REQUIRE(::mkdtemp(name));
    path = name;
  }
  ~TempFolder() { llvm::sys::fs::remove_directories(path); }
  void file(const std::string& relative) {
    std::string full = path + "/" + relative;
    llvm::sys::fs::create_directories(full.substr(0, full.rfind('/')));
    std::ofstream(full) << "project p { version = \"1.0.0\"  risk_tier = low }\n";
  }
};

}  // namespace

TEST_CASE("spec files: regular *.mlops files only, hidden folders, build/ and node_modules/ skipped") {
  TempFolder t;
  t.file("a.mlops");
  t.file("sub/b.mlops");
  t.file("sub/notes.txt");
  t.file(".mlops/logs/1/step-x.log");  // a run's state folder
  t.file(".mlops/x.mlops");
  t.file(".git/y.mlops");
  t.file("build/mlops/z.mlops");
  t.file("node_modules/pkg/w.mlops");
  t.file(".hidden.mlops");  // an editor's backup
  REQUIRE(llvm::sys::fs::create_directories(t.path + "/folder.mlops") == std::error_code());  // a folder, not a spec
  REQUIRE(::mkfifo((t.path + "/pipe.mlops").c_str(), 0600) == 0);               // reading it would block
  REQUIRE(::symlink("sub", (t.path + "/loop.mlops").c_str()) == 0);             // a link to a folder
  REQUIRE(::symlink(".", (t.path + "/sub/again").c_str()) == 0);                // a link cycle
  REQUIRE(::symlink("missing.mlops", (t.path + "/dangling.mlops").c_str()) == 0);

  std::error_code ec;
  std::vector<std::string> found = syntax::findSpecFiles(t.path, ec);
  REQUIRE(!ec);
  CHECK(found == std::vector<std::string>{t.path + "/a.mlops", t.path + "/sub/b.mlops"});
}

TEST_CASE("spec files: the folder asked for is searched whatever its name") {
  TempFolder t;
  t.file("build/a.mlops");
  std::error_code ec;
  CHECK(syntax::findSpecFiles(t.path + "/build", ec) == std::vector<std::string>{t.path + "/build/a.mlops"});
  CHECK(!ec);
  syntax::findSpecFiles(t.path + "/missing", ec);
  CHECK(ec);
}

// Paths for the generated CI files (driver/repository_path.h): relative to
// the repository root, resolved through symlinks and `..`, never absolute
// and never outside the checkout.
#include "driver/repository_path.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

using namespace mlops::driver;

namespace {

struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    REQUIRE(!llvm::sys::fs::createUniqueDirectory("repository-path-test", path));
    llvm::SmallString<128> real;
    REQUIRE(!llvm::sys::fs::real_path(path, real));
    path = real;
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string at(const std::string& name) const { return (path + "/" + name).str(); }
};

void touch(const std::string& path) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  REQUIRE(!ec);
}

}  // namespace

TEST_CASE("the root is the git work tree holding the spec, else its folder", "[driver][ci-path]") {
  TempDir dir;
  REQUIRE(!llvm::sys::fs::create_directories(dir.at("repo/.git")));
  REQUIRE(!llvm::sys::fs::create_directories(dir.at("repo/sub/deep")));
  touch(dir.at("repo/sub/deep/p.mlops"));
  RepositoryRoot root = repositoryRootOf(dir.at("repo/sub/deep/p.mlops"));
  CHECK(root.git);
  CHECK(root.path == dir.at("repo"));
  // A worktree or submodule: `.git` is a file.
  REQUIRE(!llvm::sys::fs::create_directories(dir.at("wt/x")));
  touch(dir.at("wt/.git"));
  touch(dir.at("wt/x/p.mlops"));
  CHECK(repositoryRootOf(dir.at("wt/x/p.mlops")).path == dir.at("wt"));
  // Through a symlink to the spec, the real path's repository.
  REQUIRE(!llvm::sys::fs::create_link(dir.at("repo/sub/deep/p.mlops"), dir.at("link.mlops")));
  CHECK(repositoryRootOf(dir.at("link.mlops")).path == dir.at("repo"));
  REQUIRE(!llvm::sys::fs::create_directories(dir.at("plain")));
  touch(dir.at("plain/p.mlops"));
  RepositoryRoot none = repositoryRootOf(dir.at("plain/p.mlops"));
  // No git above the temporary folder is assumed: only that, if none, the spec's folder is the root.
  if (!none.git) CHECK(none.path == dir.at("plain"));
}

TEST_CASE("paths are resolved through symlinks and .., existing or not", "[driver][ci-path]") {
  TempDir dir;
  REQUIRE(!llvm::sys::fs::create_directories(dir.at("repo/out")));
  REQUIRE(!llvm::sys::fs::create_link(dir.at("repo"), dir.at("alias")));
  CHECK(resolvedPath(dir.at("alias/out")) == dir.at("repo/out"));
  CHECK(resolvedPath(dir.at("alias/new/folder")) == dir.at("repo/new/folder"));
  CHECK(resolvedPath(dir.at("repo/out/../x/./y")) == dir.at("repo/x/y"));
  CHECK(resolvedPath(dir.at("repo/missing/../../repo/z")) == dir.at("repo/z"));
}

TEST_CASE("a file is relative to the root only inside it", "[driver][ci-path]") {
  CHECK(relativeToRoot("/r/repo", "/r/repo/out/pipeline.json") == "out/pipeline.json");
  CHECK(relativeToRoot("/r/repo", "/r/repo/pipeline.json") == "pipeline.json");
  CHECK(!relativeToRoot("/r/repo", "/r/repo-other/pipeline.json"));
  CHECK(!relativeToRoot("/r/repo", "/r/pipeline.json"));
  CHECK(!relativeToRoot("/r/repo", "/r/repo"));
  CHECK(relativeToRoot("/", "/x/pipeline.json") == "x/pipeline.json");
}

TEST_CASE("--ci-ir-path must stay inside the checkout", "[driver][ci-path]") {
  std::string error;
  CHECK(isRepositoryRelative("mlops/pipeline.json", error));
  CHECK(isRepositoryRelative("./a/../b/pipeline.json", error));
  CHECK(!isRepositoryRelative("/abs/pipeline.json", error));
  CHECK(error.find("absolute") != std::string::npos);
  CHECK(!isRepositoryRelative("../pipeline.json", error));
  CHECK(!isRepositoryRelative("a/../../pipeline.json", error));
  CHECK(error.find("..") != std::string::npos);
  CHECK(!isRepositoryRelative("", error));
  CHECK(!isRepositoryRelative("a/..", error));
}

// Content hashes for the runtime's cache (runtime/content_hash.h): stable
// digests, an unchanged file is not read again, a touched file is re-read
// but keeps its digest, a changed file gets a new one.
#include "runtime/content_hash.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops::runtime;

namespace {

void write(const std::string& path, const std::string& text) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  REQUIRE(!ec);
  out << text;
}

void setMtime(const std::string& path, long seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("digests are stable and print as hex", "[runtime][hash]") {
  Digest a = hashBytes("hello"), b = hashBytes("hello"), c = hashBytes("hellO");
  CHECK(a == b);
  CHECK(!(a == c));
  CHECK(a.hex().size() == 32);
  CHECK(Digest::fromHex(a.hex()) == a);
  CHECK(!Digest::fromHex("xyz"));
  CHECK(hashBytes("").hex() == "99aa06d3014798d86001c324468d497f");  // XXH3-128 of nothing
}

TEST_CASE("files are read once until they change", "[runtime][hash]") {
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-hash", dir));
  std::string path = (dir + "/data.csv").str();
  write(path, "a,b\n1,2\n");
  setMtime(path, 1000);
  FileHasher hasher;
  std::string error;
  bool reread = false;
  std::optional<Digest> first = hasher.hash(path, error, &reread);
  REQUIRE(first);
  CHECK(reread);
  CHECK(*first == hashBytes("a,b\n1,2\n"));

  CHECK(hasher.hash(path, error, &reread) == first);
  CHECK(!reread);  // unchanged: from the memo

  setMtime(path, 2000);  // touched, same bytes
  CHECK(hasher.hash(path, error, &reread) == first);
  CHECK(reread);

  // New content (the memo trusts device, inode, size, mtime and ctime; a
  // change shows in one of them).
  write(path, "a,b\n1,3\n9,9\n");
  setMtime(path, 3000);
  std::optional<Digest> changed = hasher.hash(path, error, &reread);
  REQUIRE(changed);
  CHECK(reread);
  CHECK(!(*changed == *first));

  CHECK(!hasher.hash((dir + "/missing").str(), error));
  CHECK(error.find("No such file") != std::string::npos);
  llvm::sys::fs::remove_directories(dir);
}

TEST_CASE("security item 1: a file rewritten in place with its mtime put back is read again", "[runtime][hash]") {
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-hash", dir));
  std::string path = (dir + "/scorer.json").str();
  write(path, "{\"w\": [0.25, 0.5]}");
  setMtime(path, 1000);
  FileHasher hasher;
  std::string error;
  std::optional<Digest> approved = hasher.hash(path, error);
  REQUIRE(approved);
  // The attacker's edit comes later than the hash (the kernel's ctime ticks
  // in jiffies): same size, same inode, the mtime restored as `touch -r` does.
  ::usleep(50'000);
  write(path, "{\"w\": [9.99, 0.5]}");
  setMtime(path, 1000);
  bool reread = false;
  std::optional<Digest> now = hasher.hash(path, error, &reread);
  REQUIRE(now);
  CHECK(reread);
  CHECK(*now == hashBytes("{\"w\": [9.99, 0.5]}"));
  CHECK(!(*now == *approved));
  llvm::sys::fs::remove_directories(dir);
}

TEST_CASE("folders have tree digests: names, contents, executable bits and link targets", "[runtime][hash]") {
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-tree", dir));
  std::string model = (dir + "/model").str();
  REQUIRE(!llvm::sys::fs::create_directories(model + "/variables"));
  write(model + "/saved_model.pb", "graph");
  write(model + "/variables/data", "weights");
  FileHasher hasher;
  std::string error;
  std::optional<Digest> first = hasher.hash(model, error);
  REQUIRE(first);
  CHECK(FileHasher().hash(model, error) == first);  // the same tree, the same digest

  // A copy elsewhere, written in another order, has the same digest.
  std::string copy = (dir + "/copy").str();
  REQUIRE(!llvm::sys::fs::create_directories(copy + "/variables"));
  write(copy + "/variables/data", "weights");
  write(copy + "/saved_model.pb", "graph");
  CHECK(hasher.hash(copy, error) == first);

  write(model + "/variables/data", "weights v2");
  std::optional<Digest> edited = hasher.hash(model, error);
  REQUIRE(edited);
  CHECK(!(*edited == *first));
  write(model + "/variables/data", "weights");
  CHECK(hasher.hash(model, error) == first);

  write(model + "/extra", "");
  CHECK(!(*hasher.hash(model, error) == *first));  // an added empty file counts
  REQUIRE(!llvm::sys::fs::remove(model + "/extra"));
  REQUIRE(!llvm::sys::fs::create_directories(model + "/empty"));
  CHECK(!(*hasher.hash(model, error) == *first));  // so does an empty folder
  REQUIRE(!llvm::sys::fs::remove(model + "/empty"));
  CHECK(hasher.hash(model, error) == first);

  REQUIRE(::chmod((model + "/saved_model.pb").c_str(), 0755) == 0);
  CHECK(!(*hasher.hash(model, error) == *first));  // the executable bit counts
  REQUIRE(::chmod((model + "/saved_model.pb").c_str(), 0644) == 0);

  // A link is hashed as its target text and never followed: what it points
  // to (here a file outside the tree) is not read.
  write((dir + "/outside").str(), "secret");
  REQUIRE(::symlink("../outside", (model + "/link").c_str()) == 0);
  std::optional<Digest> linked = hasher.hash(model, error);
  REQUIRE(linked);
  write((dir + "/outside").str(), "changed secret");
  CHECK(hasher.hash(model, error) == linked);
  CHECK(hasher.entries().count((dir + "/outside").str()) == 0);

  // A file and a folder never share a digest scheme: a folder holding one
  // file differs from that file.
  CHECK(!(*hasher.hash(model + "/saved_model.pb", error) == *first));

  std::optional<std::vector<TreeEntry>> entries = listTree(model, error);
  REQUIRE(entries);
  std::vector<std::string> paths;
  for (const TreeEntry& e : *entries) paths.push_back(std::string(1, e.kind) + " " + e.path);
  CHECK(paths == std::vector<std::string>{"l link", "f saved_model.pb", "d variables", "f variables/data"});
  llvm::sys::fs::remove_directories(dir);
}

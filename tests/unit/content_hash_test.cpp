// Content hashes for the runtime's cache (runtime/content_hash.h): stable
// digests, an unchanged file is not read again, a touched file is re-read
// but keeps its digest, a changed file gets a new one.
#include "runtime/content_hash.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <sys/stat.h>

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

  // New content (the memo trusts device, inode, size and mtime, as make and
  // ninja trust mtimes; a change shows in one of them).
  write(path, "a,b\n1,3\n9,9\n");
  setMtime(path, 3000);
  std::optional<Digest> changed = hasher.hash(path, error, &reread);
  REQUIRE(changed);
  CHECK(reread);
  CHECK(!(*changed == *first));

  CHECK(!hasher.hash((dir + "/missing").str(), error));
  CHECK(error.find("No such file") != std::string::npos);
  CHECK(!hasher.hash(dir.str().str(), error));
  CHECK(error.find("is not a regular file") != std::string::npos);
  llvm::sys::fs::remove_directories(dir);
}

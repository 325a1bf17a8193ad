// The compile cache's entries (driver/compile_cache.h): they read back as
// written; a damaged, truncated, foreign or other-key entry is refused
// (never a crash); an unchanged stamp is trusted unless the input changed
// in the racy window, where the content decides; a moved stamp with the
// same content holds and is refreshed.
#include "driver/compile_cache.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <sys/stat.h>

using namespace mlops::driver;
using mlops::runtime::hashBytes;

namespace {

struct TempDir {
  llvm::SmallString<128> path;
  TempDir() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("compile-cache-test", path)); }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(const std::string& name) const { return (path + "/" + name).str(); }
};

void write(const std::string& path, const std::string& text) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  REQUIRE(!ec);
  out << text;
}

InputStamp stampOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
          st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

CompileCacheEntry sampleEntry() {
  CompileCacheEntry e;
  e.startedNs = 1'700'000'000'123'456'789;
  e.inputs.push_back({CacheInput::Kind::File, "/a b/spec.mlops", {1, 2, 3, 4, 5}, hashBytes("x")});
  e.inputs.push_back({CacheInput::Kind::Folder, "stdlib/std", {6, 7, 8, 9, 10}, hashBytes("y")});
  e.diagnostics.out = "{\"diagnostics\": []}\n";
  e.diagnostics.err = "warning[W0601]: ...\n";
  e.ir = "{\n  \"ir_version\": 1\n}\n";
  return e;
}

}  // namespace

TEST_CASE("an entry reads back as written", "[driver][compile-cache]") {
  CompileCacheEntry e = sampleEntry();
  std::string text = writeCacheEntry("k1", e);
  std::string why;
  std::optional<CompileCacheEntry> back = readCacheEntry(text, "k1", why);
  REQUIRE(back);
  CHECK(back->startedNs == e.startedNs);
  REQUIRE(back->inputs.size() == 2);
  CHECK(back->inputs[0].path == "/a b/spec.mlops");
  CHECK(back->inputs[0].stamp == e.inputs[0].stamp);
  CHECK(back->inputs[0].digest == e.inputs[0].digest);
  CHECK(back->inputs[1].kind == CacheInput::Kind::Folder);
  CHECK(back->diagnostics.out == e.diagnostics.out);
  CHECK(back->diagnostics.err == e.diagnostics.err);
  CHECK(back->ir == e.ir);
}

TEST_CASE("a damaged, foreign or other-key entry is refused", "[driver][compile-cache]") {
  std::string text = writeCacheEntry("k1", sampleEntry());
  std::string why;
  CHECK(!readCacheEntry(text, "k2", why));
  CHECK(why == "the compiler, the stdlib folder or the options changed");
  std::string other = text;
  other.replace(0, other.find('\n'), "mlops-compile-cache 2");
  CHECK(!readCacheEntry(other, "k1", why));
  // Every truncation, and every single flipped bit, is refused.
  for (size_t n = 0; n < text.size(); ++n) CHECK(!readCacheEntry(std::string_view(text).substr(0, n), "k1", why));
  for (size_t i = 0; i < text.size(); ++i) {
    std::string flipped = text;
    flipped[i] ^= 1;
    CHECK(!readCacheEntry(flipped, "k1", why));
  }
  CHECK(!readCacheEntry(text + "x", "k1", why));
}

TEST_CASE("stamps are trusted outside the racy window, content inside it", "[driver][compile-cache]") {
  TempDir dir;
  std::string spec = dir.file("spec.mlops");
  write(spec, "project p {}\n");
  InputStamp now = stampOf(spec);
  int64_t changed = std::max(now.mtimeNs, now.ctimeNs);

  // An entry whose digest is of other content, with the file's own stamp.
  CompileCacheEntry e;
  e.inputs.push_back({CacheInput::Kind::File, spec, now, hashBytes("project q {}\n")});
  bool refresh = false;
  std::string why;

  // Compiled well after the file's last change: the stamp is trusted, the
  // file is not read (so the wrong digest goes unseen).
  e.startedNs = changed + kRacyMarginNs + 1;
  CompileCacheEntry old = e;
  CHECK(validateEntry(old, changed + 10 * kRacyMarginNs, refresh, why));
  CHECK(!refresh);

  // Compiled within the margin of the change: the same stamp could hide a
  // rewrite in the same tick, so the content is compared, and differs.
  e.startedNs = changed + kRacyMarginNs - 1;
  CompileCacheEntry racy = e;
  CHECK(!validateEntry(racy, changed + 10 * kRacyMarginNs, refresh, why));
  CHECK(why == "`" + spec + "` changed");

  // Right content, racy: holds, and is refreshed once the change is old.
  e.inputs[0].digest = hashBytes("project p {}\n");
  CompileCacheEntry fresh = e;
  CHECK(validateEntry(fresh, changed + 10 * kRacyMarginNs, refresh, why));
  CHECK(refresh);
  CHECK(fresh.startedNs == changed + 10 * kRacyMarginNs);
  // Still inside the margin at validation: no refresh, nothing gained.
  fresh = e;
  CHECK(validateEntry(fresh, changed + 1, refresh, why));
  CHECK(!refresh);
}

TEST_CASE("a moved stamp with the same content holds and is refreshed", "[driver][compile-cache]") {
  TempDir dir;
  std::string spec = dir.file("spec.mlops");
  write(spec, "project p {}\n");
  CompileCacheEntry e;
  InputStamp moved = stampOf(spec);
  moved.mtimeNs -= 5'000'000'000;  // as if the file was touched since
  e.inputs.push_back({CacheInput::Kind::File, spec, moved, hashBytes("project p {}\n")});
  e.startedNs = 1;
  bool refresh = false;
  std::string why;
  CHECK(validateEntry(e, std::max(moved.ctimeNs, moved.mtimeNs) + 10 * kRacyMarginNs, refresh, why));
  CHECK(refresh);
  CHECK(e.inputs[0].stamp == stampOf(spec));

  write(spec, "project q {}\n");
  CHECK(!validateEntry(e, e.startedNs, refresh, why));
  llvm::sys::fs::remove(spec);
  CHECK(!validateEntry(e, e.startedNs, refresh, why));
  CHECK(why == "`" + spec + "` is gone");
}

TEST_CASE("an entry is stored atomically, only where .mlops/ exists unless asked", "[driver][compile-cache]") {
  TempDir dir;
  std::string path = dir.file(".mlops/compile-cache/slot");
  CHECK(!storeCacheFile(path, "text", /*createFolder=*/false));
  CHECK(!llvm::sys::fs::exists(dir.file(".mlops")));
  CHECK(storeCacheFile(path, "text", /*createFolder=*/true));
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  CHECK((*buffer)->getBuffer() == "text");
  CHECK(storeCacheFile(path, "other", /*createFolder=*/false));
  std::error_code ec;
  int files = 0;
  for (llvm::sys::fs::directory_iterator it(dir.file(".mlops/compile-cache"), ec), end; it != end && !ec;
       it.increment(ec))
    ++files;
  CHECK(files == 1);  // no temporary left behind
}

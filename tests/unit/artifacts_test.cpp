// Copying in and out of CI artifact folders (runtime/artifacts.h), as an
// attacker who controls an earlier job's folder or the checkout would try
// it: no link is followed or written through in any component, FIFOs and
// devices are refused without being opened for long, sizes are capped, and
// what is missing is reported as missing.
#include "runtime/artifacts.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops::runtime;
namespace fs = std::filesystem;

namespace {

// A fresh folder, removed (never following a link) at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "artifacts-test.XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()));
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string at(const std::string& relative) const { return (path / relative).string(); }
};

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("files and folders are copied between an artifact folder and the project", "[runtime][artifacts]") {
  TempDir dir;
  write(dir.at("art/model-m/outputs/build/model/a.txt"), "a");
  write(dir.at("art/model-m/outputs/build/model/sub/b.txt"), "bb");
  write(dir.at("proj/build/model/stale.txt"), "stale");
  ByteBudget budget{100, 0};
  std::string error;
  REQUIRE(copyArtifact(dir.at("art"), "model-m/outputs/build/model", dir.at("proj"), "build/model", &budget, error));
  CHECK(read(dir.at("proj/build/model/a.txt")) == "a");
  CHECK(read(dir.at("proj/build/model/sub/b.txt")) == "bb");
  CHECK_FALSE(fs::exists(dir.at("proj/build/model/stale.txt")));  // replaced, not merged
  CHECK(budget.used == 3);
}

TEST_CASE("security item 4: a link in any component of the source is refused", "[runtime][artifacts]") {
  TempDir dir;
  write(dir.at("secret/build/model.csv"), "runner-secret");
  fs::create_directories(dir.at("art/model-m/outputs"));
  fs::create_symlink(dir.at("secret/build"), dir.at("art/model-m/outputs/build"));
  std::string error;
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/build/model.csv", dir.at("proj"), "build/model.csv",
                           nullptr, error));
  CHECK(error == "`" + dir.at("art") + "/model-m/outputs/build` is a symbolic link, expected a folder: links in "
                                       "artifacts are never followed");
  CHECK_FALSE(fs::exists(dir.at("proj/build/model.csv")));

  // The last component, and an entry inside a copied folder.
  fs::remove(dir.at("art/model-m/outputs/build"));
  fs::create_directories(dir.at("art/model-m/outputs/build"));
  fs::create_symlink("/dev/zero", dir.at("art/model-m/outputs/build/model.csv"));
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/build/model.csv", dir.at("proj"), "build/model.csv",
                           nullptr, error));
  CHECK(error.find("model.csv` is a symbolic link, expected a regular file or a folder") != std::string::npos);
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/build", dir.at("proj"), "build", nullptr, error));
  CHECK(error.find("build/model.csv` is a symbolic link") != std::string::npos);
}

TEST_CASE("security item 4: a FIFO or a device is refused without blocking", "[runtime][artifacts]") {
  TempDir dir;
  fs::create_directories(dir.at("art/test-t"));
  REQUIRE(::mkfifo(dir.at("art/test-t/result.json").c_str(), 0644) == 0);
  std::string error;
  CHECK_FALSE(readArtifactFile(dir.at("art"), "test-t/result.json", 1 << 20, error));
  CHECK(error == "`" + dir.at("art") + "/test-t/result.json` is a FIFO, expected a regular file");
  CHECK_FALSE(copyArtifact(dir.at("art"), "test-t/result.json", dir.at("proj"), "r.json", nullptr, error));
  CHECK(error.find("is a FIFO, expected a regular file or a folder") != std::string::npos);
  // /dev/zero itself (not a link to it) as the source root's entry.
  CHECK_FALSE(copyArtifact("/dev", "zero", dir.at("proj"), "zero", nullptr, error));
  CHECK(error == "`/dev/zero` is a character device, expected a regular file or a folder");
  CHECK_FALSE(fs::exists(dir.at("proj/zero")));
}

TEST_CASE("security item 4: nothing is written through a link in the destination", "[runtime][artifacts]") {
  TempDir dir;
  write(dir.at("art/model-m/outputs/build/model.csv"), "m");
  fs::create_directories(dir.at("outside"));
  fs::create_directories(dir.at("proj/data"));
  for (const char* target : {"outside", "proj/data"}) {
    fs::remove(dir.at("proj/build"));
    fs::create_symlink(dir.at(target), dir.at("proj/build"));
    std::string error;
    CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/build/model.csv", dir.at("proj"), "build/model.csv",
                             nullptr, error));
    CHECK(error == "`" + dir.at("proj") + "/build` is a symbolic link, expected a folder: links in artifacts are "
                                          "never followed");
    CHECK_FALSE(writeArtifactFile(dir.at("proj"), "build/result.json", "{}", error));
  }
  CHECK(fs::is_empty(dir.at("outside")));
  CHECK(fs::is_empty(dir.at("proj/data")));
  // A link as the last component is replaced, not written through.
  fs::remove(dir.at("proj/build"));
  fs::create_directories(dir.at("proj/build"));
  write(dir.at("outside/victim"), "keep");
  fs::create_symlink(dir.at("outside/victim"), dir.at("proj/build/model.csv"));
  std::string error;
  REQUIRE(copyArtifact(dir.at("art"), "model-m/outputs/build/model.csv", dir.at("proj"), "build/model.csv", nullptr,
                       error));
  CHECK(read(dir.at("outside/victim")) == "keep");
  CHECK(fs::is_regular_file(fs::symlink_status(dir.at("proj/build/model.csv"))));
}

TEST_CASE("security item 4: sizes are capped", "[runtime][artifacts]") {
  TempDir dir;
  write(dir.at("art/model-m/outputs/a.bin"), std::string(600, 'a'));
  write(dir.at("art/model-m/outputs/b.bin"), std::string(600, 'b'));
  ByteBudget budget{1000, 0};
  std::string error;
  REQUIRE(copyArtifact(dir.at("art"), "model-m/outputs/a.bin", dir.at("proj"), "a.bin", &budget, error));
  // The budget covers a whole job: the second file does not fit.
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/b.bin", dir.at("proj"), "b.bin", &budget, error));
  CHECK(error == "`" + dir.at("art") + "/model-m/outputs/b.bin` makes the artifacts larger than 1000 bytes, the "
                                       "limit of one job (raise it with --max-artifact-size)");
  // A sparse file claims its size without holding it: refused before a byte is copied.
  {
    std::ofstream sparse(dir.at("art/model-m/outputs/huge.bin"));
  }
  fs::resize_file(dir.at("art/model-m/outputs/huge.bin"), uint64_t(1) << 40);
  ByteBudget fresh{uint64_t(1) << 30, 0};
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/huge.bin", dir.at("proj"), "huge.bin", &fresh, error));
  CHECK(fresh.used == 0);
  CHECK_FALSE(fs::exists(dir.at("proj/huge.bin")));

  write(dir.at("art/test-t/result.json"), std::string(2000, ' '));
  CHECK_FALSE(readArtifactFile(dir.at("art"), "test-t/result.json", 1000, error));
  CHECK(error == "`" + dir.at("art") + "/test-t/result.json` is larger than 1000 bytes");
  std::optional<std::string> text = readArtifactFile(dir.at("art"), "test-t/result.json", 2000, error);
  REQUIRE(text);
  CHECK(text->size() == 2000);
}

TEST_CASE("security item 4: a missing output is reported as missing", "[runtime][artifacts]") {
  TempDir dir;
  fs::create_directories(dir.at("art/model-m/outputs/build"));
  write(dir.at("proj/build/metrics.json"), "{\"auc\": 0.99}");  // a copy committed to the repository
  std::string error;
  CHECK_FALSE(copyArtifact(dir.at("art"), "model-m/outputs/build/metrics.json", dir.at("proj"), "build/metrics.json",
                           nullptr, error));
  CHECK(error == "`" + dir.at("art") + "/model-m/outputs/build/metrics.json` is missing");
  bool missing = false;
  CHECK_FALSE(readArtifactFile(dir.at("art"), "test-t/result.json", 100, error, &missing));
  CHECK(missing);
}

TEST_CASE("byte sizes take binary unit suffixes", "[runtime][artifacts]") {
  CHECK(parseByteSize("1000") == 1000u);
  CHECK(parseByteSize("64K") == 65536u);
  CHECK(parseByteSize("1m") == 1048576u);
  CHECK(parseByteSize("16G") == uint64_t(16) << 30);
  CHECK(parseByteSize("2T") == uint64_t(2) << 40);
  for (const char* bad : {"", "G", "1.5G", "10GB", "-1", "1 G", "99999999999999999999", "20000000T"})
    CHECK_FALSE(parseByteSize(bad));
}

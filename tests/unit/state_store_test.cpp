// The runtime's state store (runtime/state_store.h): created and migrated on
// open, a node's success and its output digests kept across opens, the file
// hash memo kept, a database from a newer mlopsc or a file that is no
// database refused with a reason.
#include "runtime/state_store.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <sqlite3.h>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-state", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char* name) const { return (dir + "/" + name).str(); }
};

}  // namespace

TEST_CASE("runs, results and successes survive reopening", "[runtime][state]") {
  Scratch s;
  std::string db = s.path(".mlops/state.db"), error;
  {
    std::unique_ptr<StateStore> store = StateStore::open(db, error);
    REQUIRE(store);
    CHECK(store->schemaVersion() == kStateSchemaVersion);
    int64_t run = store->beginRun("irdigest");
    NodeSuccess success{run, "key1", "{}", {{"build/a.csv", hashBytes("a")}, {"build/b.csv", hashBytes("b")}}};
    store->recordNode(run, {"step:features", "succeeded", 0, 1.5, "never ran"}, &success);
    store->recordNode(run, {"model:m", "failed", 3, 0.2, "never ran"});
    store->finishRun(run, "failed");
    FileHasher hasher;
    hasher.remember("data/x.csv", {{1, 2, 3, 4}, hashBytes("x")});
    store->saveHashes(hasher);
  }
  std::unique_ptr<StateStore> store = StateStore::open(db, error);
  REQUIRE(store);
  std::optional<NodeSuccess> last = store->lastSuccess("step:features");
  REQUIRE(last);
  CHECK(last->cacheKey == "key1");
  REQUIRE(last->outputs.size() == 2);
  CHECK(last->outputs[1].first == "build/b.csv");
  CHECK(last->outputs[1].second == hashBytes("b"));
  CHECK(!store->lastSuccess("model:m"));  // a failure leaves no success
  std::vector<NodeRecord> results = store->runResults(last->run);
  REQUIRE(results.size() == 2);
  CHECK(results[1].status == "failed");
  CHECK(results[1].exitCode == 3);
  FileHasher hasher;
  store->loadHashes(hasher);
  REQUIRE(hasher.entries().count("data/x.csv"));
  CHECK(hasher.entries().at("data/x.csv").stamp.mtimeNs == 4);

  // A second success replaces the first, outputs included.
  int64_t run2 = store->beginRun("irdigest");
  NodeSuccess again{run2, "key2", "{}", {{"build/a.csv", hashBytes("a2")}}};
  store->recordNode(run2, {"step:features", "succeeded", 0, 1.0, "input `data/x.csv` changed"}, &again);
  last = store->lastSuccess("step:features");
  REQUIRE(last);
  CHECK(last->cacheKey == "key2");
  CHECK(last->outputs.size() == 1);
  std::string detail;
  CHECK(store->integrityOk(detail));
}

TEST_CASE("a newer or broken state store is refused with a reason", "[runtime][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  {
    std::unique_ptr<StateStore> store = StateStore::open(db, error);
    REQUIRE(store);
  }
  {
    // Pretend a newer mlopsc wrote it.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK(!StateStore::open(db, error));
  CHECK(error.find("its schema is version 99, newer than this mlopsc (version 3)") != std::string::npos);
  std::string garbage = s.path("garbage.db");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(garbage, ec);
    out << std::string(4096, 'x');
  }
  CHECK(!StateStore::open(garbage, error));
  CHECK(error.find("the state store `" + garbage + "` is unusable") == 0);
}

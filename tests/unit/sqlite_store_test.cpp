// The runtime's state store (runtime/state/sqlite_store.h): created and migrated on
// open, a node's success and its output digests kept across opens, the file
// hash memo kept, a database from a newer mlopsc or a file that is no
// database refused with a reason.
#include "runtime/state/sqlite_store.h"
#include "sqlite_direct.h"

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
    std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
    REQUIRE(store);
    CHECK(store->schemaVersion() == kStateSchemaVersion);
    int64_t run = store->beginRun("irdigest");
    NodeSuccess success{run, "key1", "{}", {{"build/a.csv", hashBytes("a")}, {"build/b.csv", hashBytes("b")}}};
    store->recordNode(run, {"step:features", "succeeded", 0, 1.5, "never ran"}, &success);
    store->recordNode(run, {"model:m", "failed", 3, 0.2, "never ran"});
    store->finishRun(run, "failed");
    FileHasher hasher;
    hasher.remember("data/x.csv", {{1, 2, 3, 4, 5}, hashBytes("x")});
    store->saveHashes(hasher);
  }
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
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
  CHECK(hasher.entries().at("data/x.csv").stamp.ctimeNs == 5);

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

TEST_CASE("a no-op run is in the history of each node its run covered", "[runtime][state]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(s.path(".mlops/state.db"), error);
  REQUIRE(store);
  int64_t full = store->beginRun("irdigest");
  NodeSuccess success{full, "key", "{}", {}};
  store->recordNode(full, {"step:a", "succeeded", 0, 1.5, "never ran"}, &success);
  store->recordResults(full, {{"data:raw", "checked", 0, 0, ""}, {"step:b", "cached", 0, 0, ""}});
  store->finishRun(full, "succeeded");
  store->saveNoopManifest("key", "manifest", full);
  int64_t manifestRun = 0;
  REQUIRE(store->noopManifest("key", &manifestRun));
  CHECK(manifestRun == full);
  int64_t noop = store->beginRun("irdigest", manifestRun);
  store->finishRun(noop, "succeeded");

  auto a = store->nodeHistory("step:a");
  REQUIRE(a.size() == 2);
  CHECK(a[0].first == full);
  CHECK(a[0].second.status == "succeeded");
  CHECK(a[1].first == noop);
  CHECK(a[1].second.status == "cached");
  CHECK(a[1].second.why == "no-op run: no file changed since run " + std::to_string(full));
  auto raw = store->nodeHistory("data:raw");
  REQUIRE(raw.size() == 2);
  CHECK(raw[1].second.status == "checked");
  CHECK(store->nodeHistory("step:elsewhere").empty());  // not covered by the run
  CHECK(store->runs().back().noopOf == full);
  CHECK(store->runs().front().noopOf == 0);
}

TEST_CASE("a newer or broken state store is refused with a reason", "[runtime][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  {
    std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
    REQUIRE(store);
  }
  {
    // Pretend a newer mlopsc wrote it.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK(!SqliteStore::open(db, error));
  CHECK(error.find("its schema is version 99, newer than this mlopsc (version " + std::to_string(kStateSchemaVersion) +
                   ")") != std::string::npos);
  std::string garbage = s.path("garbage.db");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(garbage, ec);
    out << std::string(4096, 'x');
  }
  CHECK(!SqliteStore::open(garbage, error));
  CHECK(error.find("the state store `" + garbage + "` is unusable") == 0);
}

TEST_CASE("a schema 5 state is migrated keeping its runs", "[runtime][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  // Schema 5, with a run as mlopsc 5 wrote it.
  sqliteAtSchema(db, 5);
  REQUIRE(sqliteDirect(db, "INSERT INTO runs (started_at, finished_at, status, ir_digest) "
                           "VALUES ('2026-12-01T00:00:00Z', '2026-12-01T00:00:01Z', 'succeeded', 'ir5');")
              .empty());
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
  REQUIRE(store);
  CHECK(store->schemaVersion() == kStateSchemaVersion);
  std::vector<RunRecord> runs = store->runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].irDigest == "ir5");
  CHECK(runs[0].status == "succeeded");
  CHECK(runs[0].externalId.empty());
  store->recordArtifact({runs[0].id, "model:m", "abc", "{}", "", ""});
  CHECK(store->findArtifacts("model:m", "ab").size() == 1);
}

TEST_CASE("every job of one CI run joins one run, whose status is the worst of theirs", "[runtime][state]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(s.path("state.db"), error);
  REQUIRE(store);
  int64_t first = store->beginRun("ir", 0, "gh-4711");
  store->finishRun(first, "succeeded");
  int64_t local = store->beginRun("ir");  // a local run in between is a run of its own
  CHECK(local != first);
  int64_t second = store->beginRun("ir", 0, "gh-4711");
  CHECK(second == first);
  store->finishRun(second, "failed");
  int64_t third = store->beginRun("ir", 0, "gh-4711");
  CHECK(third == first);
  store->finishRun(third, "succeeded");  // a later success does not hide the failure
  CHECK(store->beginRun("ir", 0, "gh-4712") != first);
  std::vector<RunRecord> runs = store->runs();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].externalId == "gh-4711");
  CHECK(runs[0].status == "failed");
  CHECK(runs[2].externalId == "gh-4712");
  CHECK(runs[2].status == "running");

  CHECK(joinedRunStatus("running", "succeeded") == "succeeded");
  CHECK(joinedRunStatus("succeeded", "waiting") == "waiting");
  CHECK(joinedRunStatus("waiting", "succeeded") == "waiting");
  CHECK(joinedRunStatus("interrupted", "failed") == "failed");
}

TEST_CASE("a model's artifacts are found by a digest prefix, newest first", "[runtime][state]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(s.path("state.db"), error);
  REQUIRE(store);
  int64_t r1 = store->beginRun("ir"), r2 = store->beginRun("ir");
  store->recordArtifact({r1, "model:scorer", "2e673d531a11aa", R"({"auc":0.81})", "", ""});
  store->recordArtifact({r2, "model:scorer", "2e673d531a11aa", R"({"auc":0.82})", "2026-12-07T01:00:00Z", ""});
  store->recordArtifact({r2, "model:scorer", "2e67ffff", "{}", "", ""});
  store->recordArtifact({r2, "model:other", "2e673d531a11aa", "{}", "", ""});
  std::vector<ArtifactRecord> found = store->findArtifacts("model:scorer", "2e673d");
  REQUIRE(found.size() == 2);
  CHECK(found[0].run == r2);
  CHECK(found[0].metrics == R"({"auc":0.82})");
  CHECK(found[0].at == "2026-12-07T01:00:00Z");
  CHECK(found[1].run == r1);
  CHECK(!found[1].at.empty());  // filled when not given
  CHECK(store->findArtifacts("model:scorer", "2e67").size() == 3);
  // The prefix is text, not a pattern.
  CHECK(store->findArtifacts("model:scorer", "2e67%").empty());
  CHECK(store->findArtifacts("model:scorer", "2e6_").empty());
  // The same model, digest and run again: its metrics replaced, not a second row.
  store->recordArtifact({r2, "model:scorer", "2e67ffff", R"({"auc":1})", "", ""});
  std::vector<ArtifactRecord> again = store->findArtifacts("model:scorer", "2e67ff");
  REQUIRE(again.size() == 1);
  CHECK(again[0].metrics == R"({"auc":1})");
}

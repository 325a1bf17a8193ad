// The gate passes' hash chain (runtime/gate_pass_chain.h) over the state
// store: passes mlopsc records verify; a row inserted or edited by hand does
// not, and neither does anything after it; the table refuses updates and
// deletes; passes from a schema 4 store are sealed into the chain on upgrade.
#include "runtime/gate_pass_chain.h"
#include "runtime/state/sqlite_store.h"
#include "sqlite_direct.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <sqlite3.h>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-passes", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char* name) const { return (dir + "/" + name).str(); }
};

GatePass passOf(const std::string& artifact, const std::string& metrics) {
  GatePass p;
  p.gate = "gate:production";
  p.model = "model:scorer";
  p.artifact = artifact;
  p.run = 1;
  p.metrics = metrics;
  p.policy = std::string(64, 'p');
  p.profiles = {{"data:applications", "income", "{\"bins\":[1,2]}"}};
  return p;
}

}  // namespace

TEST_CASE("security item 11: a gate pass inserted by hand does not verify", "[runtime][gates][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  {
    std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
    REQUIRE(store);
    store->beginRun("ir");
    store->recordGatePass(passOf("a1", R"({"auc":0.81})"));
    store->recordGatePass(passOf("a2", R"({"auc":0.82})"));
    std::vector<GatePass> passes = store->gatePasses();
    REQUIRE(passes.size() == 2);
    CHECK(passes[1].prevHash == passes[0].hash);
    CHECK(passes[0].profiles.size() == 1);
    CHECK(verifyGatePassChain(passes).empty());
    CHECK(verifiedGatePassCount(passes) == 2);
  }
  // The attack of the issue: one INSERT, zero approvals, a baseline to reset.
  CHECK(sqliteDirect(db, "INSERT INTO gate_passes (gate, model, artifact, run, at, approvals_count, approvals_head, metrics) "
                "VALUES ('gate:production', 'model:scorer', 'forged', 1, '2026-12-06T00:00:00Z', 0, '', "
                "'{\"auc\":0.1}')")
            .empty());
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
  REQUIRE(store);
  std::vector<GatePass> passes = store->gatePasses();
  REQUIRE(passes.size() == 3);
  std::vector<std::string> problems = verifyGatePassChain(passes);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "gate pass 3 (`gate:production`, artifact forged, 2026-12-06T00:00:00Z) does not link to the pass before it "
        "(a pass was inserted, deleted or changed)");
  CHECK(verifiedGatePassCount(passes) == 2);

  // Copying the previous hash is not enough: the row's own hash must match.
  passes[2].prevHash = passes[1].hash;
  passes[2].hash = std::string(64, 'f');
  CHECK(verifyGatePassChain(passes).front().find("was changed or written outside mlopsc") != std::string::npos);

  // A baseline edited in place is caught too, and everything after it is
  // no longer trusted.
  passes = store->gatePasses();
  passes[0].metrics = R"({"auc":0.1})";
  CHECK(verifiedGatePassCount(passes) == 0);
  passes = store->gatePasses();
  passes[1].profiles[0].profile = "{}";
  CHECK(verifiedGatePassCount(passes) == 1);

  // The table and the profiles are append-only.
  CHECK(sqliteDirect(db, "UPDATE gate_passes SET metrics = '{}' WHERE id = 1").find("append-only") != std::string::npos);
  CHECK(sqliteDirect(db, "DELETE FROM gate_passes WHERE id = 2").find("append-only") != std::string::npos);
  CHECK(sqliteDirect(db, "UPDATE reference_profiles SET profile = '{}'").find("append-only") != std::string::npos);
}

TEST_CASE("gate passes from a schema 4 store are sealed into the chain on upgrade", "[runtime][gates][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  // Schema 4, with a pass as mlopsc 4 wrote it.
  sqliteAtSchema(db, 4);
  REQUIRE(sqliteDirect(db, "INSERT INTO runs (id, started_at, ir_digest) VALUES (1, '2026-12-01T00:00:00Z', 'ir'); "
                  "INSERT INTO gate_passes VALUES (1, 'gate:g', 'model:m', 'a1', 1, '2026-12-01T00:00:00Z', 0, '', '{}'); "
                  "INSERT INTO reference_profiles VALUES (1, 'data:d', 'x', '{}'); "
                  "INSERT INTO file_hashes VALUES ('data/x.csv', 1, 2, 3, 4, 'd');")
              .empty());
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error);
  REQUIRE(store);
  CHECK(store->schemaVersion() == kStateSchemaVersion);
  std::vector<GatePass> passes = store->gatePasses();
  REQUIRE(passes.size() == 1);
  CHECK(passes[0].policy.empty());  // passed under no recorded policy: gates count again
  CHECK(verifyGatePassChain(passes).empty());
  FileHasher hasher;
  store->loadHashes(hasher);
  CHECK(hasher.entries().empty());  // memo entries without a ctime are dropped
  CHECK(sqliteDirect(db, "DELETE FROM gate_passes").find("append-only") != std::string::npos);
}

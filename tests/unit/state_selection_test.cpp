// Which record a command uses (runtime/state/state_selection.h): --state
// before MLOPS_STATE before the project's file; PostgreSQL by URL or
// keyword string, a SQLite file otherwise; the credentials out of the
// environment before a run's commands start; a record in another file with
// the successes still in the project's own; a project's schema name; a
// malformed connection string refused without echoing its password.
#include "runtime/state/state_selection.h"

#include "runtime/state/postgres_record.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>

#include <cstdlib>
#include <optional>

using namespace mlops::runtime;

namespace {

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-select", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char* name) const { return (dir + "/" + name).str(); }
};

// Sets an environment variable for one test, restoring it after.
struct EnvironmentVariable {
  std::string name;
  std::optional<std::string> saved;
  EnvironmentVariable(const char* n, const char* value) : name(n) {
    if (const char* old = std::getenv(n)) saved = old;
    if (value) ::setenv(n, value, 1);
    else ::unsetenv(n);
  }
  ~EnvironmentVariable() {
    if (saved) ::setenv(name.c_str(), saved->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("a --state value names PostgreSQL by URL or keyword string, else a SQLite file", "[runtime][state]") {
  CHECK(classifyStateValue("postgresql://ci@db.example/mlops") == StateBackend::Postgres);
  CHECK(classifyStateValue("postgres://db/mlops?sslmode=verify-full") == StateBackend::Postgres);
  CHECK(classifyStateValue("host=/tmp/sock user=postgres dbname=postgres") == StateBackend::Postgres);
  CHECK(classifyStateValue("dbname=mlops") == StateBackend::Postgres);
  CHECK(classifyStateValue("shared/state.db") == StateBackend::Sqlite);
  CHECK(classifyStateValue("/srv/mlops/state.db") == StateBackend::Sqlite);
  CHECK(classifyStateValue("./a=b.db") == StateBackend::Sqlite);  // `=` only after a `/`: a path
  CHECK(classifyStateValue("postgresql.db") == StateBackend::Sqlite);
}

TEST_CASE("--state wins over MLOPS_STATE, which wins over the project's file", "[runtime][state]") {
  {
    EnvironmentVariable env("MLOPS_STATE", nullptr);
    CHECK(selectState("").isDefault());
    StateSelection flag = selectState("team.db");
    CHECK(flag.backend == StateBackend::Sqlite);
    CHECK(flag.location == "team.db");
  }
  EnvironmentVariable env("MLOPS_STATE", "dbname=mlops");
  StateSelection fromEnv = selectState("");
  CHECK(fromEnv.backend == StateBackend::Postgres);
  CHECK(fromEnv.location == "dbname=mlops");
  CHECK(selectState("team.db").location == "team.db");
  EnvironmentVariable empty("MLOPS_STATE", "");
  CHECK(selectState("").isDefault());  // set but empty: as if unset
}

TEST_CASE("a run takes MLOPS_STATE and PGPASSWORD out of its environment", "[runtime][state]") {
  EnvironmentVariable state("MLOPS_STATE", "postgresql://ci:s3cret-pw@db/mlops");
  EnvironmentVariable password("PGPASSWORD", "an0ther-pw");
  StateSelection selection = selectState("");
  std::vector<std::string> taken = takeStateCredentials(selection);
  CHECK(std::getenv("MLOPS_STATE") == nullptr);
  CHECK(std::getenv("PGPASSWORD") == nullptr);
  // The passwords, PGPASSWORD's and the URL's own: masked wherever they show.
  CHECK(taken == std::vector<std::string>{"an0ther-pw", "s3cret-pw"});
  CHECK(selection.location == "postgresql://ci:s3cret-pw@db/mlops");  // selected before: still known
  CHECK(selection.pgPassword == "an0ther-pw");  // handed to the connection, not to libpq's getenv
}

TEST_CASE("a connection string without a password leaves nothing to mask", "[runtime][state]") {
  // Peer authentication on a socket, or a password file: the node output
  // need not pass through the masking relay.
  EnvironmentVariable state("MLOPS_STATE", "host=/run/postgresql dbname=mlops user=ci");
  EnvironmentVariable password("PGPASSWORD", nullptr);
  StateSelection selection = selectState("");
  CHECK(takeStateCredentials(selection).empty());
  CHECK(std::getenv("MLOPS_STATE") == nullptr);
}

TEST_CASE("a connection string libpq cannot parse is masked whole", "[runtime][state]") {
  EnvironmentVariable state("MLOPS_STATE", "host=db password='unterminated-s3cret");
  EnvironmentVariable password("PGPASSWORD", nullptr);
  StateSelection selection = selectState("");
  std::vector<std::string> taken = takeStateCredentials(selection);
  REQUIRE(!taken.empty());
  CHECK(taken.front() == "host=db password='unterminated-s3cret");
}

TEST_CASE("a record in another file leaves the successes in the project's own", "[runtime][state]") {
  Scratch s;
  std::string root = s.path("project"), shared = s.path("team.db"), error;
  StateSelection selection = selectState(shared);
  REQUIRE(!selection.isDefault());
  {
    OpenedState state;
    REQUIRE(openState(selection, root, "", state, error));
    Record& record = state.record();
    CHECK(record.describe() == shared);
    // The team's run ids need not exist in the local file.
    int64_t run = record.beginRun("ir");
    run = record.beginRun("ir");
    REQUIRE(run == 2);
    recordSuccess(record, state.cache(), run - 1, {"step:a", "succeeded", 0, 1.0, "never ran"},
                  {0, "key0", "{}", {{"build/a", hashBytes("a0")}, {"build/b", hashBytes("b0")}}});
    // A later success replaces the earlier one, its outputs included.
    recordSuccess(record, state.cache(), run, {"step:a", "succeeded", 0, 1.0, "input changed"},
                  {0, "key", "{}", {{"build/a", hashBytes("a")}}});
    record.finishRun(run, "succeeded");
  }
  std::unique_ptr<SqliteStore> local = SqliteStore::open(root + "/.mlops/state.db", error);
  REQUIRE(local);
  std::optional<NodeSuccess> success = local->lastSuccess("step:a");
  REQUIRE(success);
  CHECK(success->run == 2);
  CHECK(success->cacheKey == "key");
  REQUIRE(success->outputs.size() == 1);
  CHECK(success->outputs[0].second == hashBytes("a"));
  CHECK(local->runs().empty());
  std::unique_ptr<SqliteStore> team = SqliteStore::open(shared, error);
  REQUIRE(team);
  CHECK(!team->lastSuccess("step:a"));
  std::vector<NodeRecord> results = team->runResults(2);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == "succeeded");

  // The project's own file given by path is the default after all: one file, one transaction.
  OpenedState same;
  REQUIRE(openState(selectState(root + "/.mlops/state.db"), root, "", same, error));
  CHECK(!same.shared);
}

TEST_CASE("a project's PostgreSQL schema is named from the project", "[runtime][state]") {
  CHECK(pgSchemaName("credit_risk") == "mlops_credit_risk");
  CHECK(pgSchemaName("Credit-Risk 2") == "mlops_credit_risk_2");
  CHECK(pgSchemaName("caf\xc3\xa9") == "mlops_caf__");  // each byte of a non-ASCII letter
  CHECK(pgSchemaName(std::string(100, 'a')) == "mlops_" + std::string(57, 'a'));  // 63 bytes, PostgreSQL's limit
}

TEST_CASE("a malformed PostgreSQL selection is refused before anything opens, without its password",
          "[runtime][state]") {
  std::string error;
  CHECK(!checkStateSelection(selectState("postgresql://u:pw-9999@[::1/db"), error));
  CHECK(error.find("malformed PostgreSQL connection string") == 0);
  CHECK(error.find("pw-9999") == std::string::npos);
  CHECK(checkStateSelection(selectState("team.db"), error));
  CHECK(checkStateSelection(selectState("host=/tmp/sock dbname=x"), error));
}

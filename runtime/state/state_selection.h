// Which record (runtime/state/record.h) a command works with, and opening
// it beside the checkout's local cache (runtime/state/local_cache.h).
//
// Precedence: `--state VALUE`, else `MLOPS_STATE`, else the project's
// `.mlops/state.db`. A value starting `postgresql://` or `postgres://`, or
// a libpq keyword string (`host=db dbname=mlops`: an `=` before any `/`),
// selects PostgreSQL; anything else is the path of a SQLite file. The
// local cache is always the project's `.mlops/state.db`.
//
// A PostgreSQL connection string may hold a password: it is never printed
// (describe() masks it) and, before a run's commands start, MLOPS_STATE and
// PGPASSWORD leave the environment (takeStateCredentials).
#pragma once

#include "runtime/state/local_cache.h"
#include "runtime/state/record.h"
#include "runtime/state/sqlite_store.h"

#include <memory>
#include <string>
#include <vector>

namespace mlops::runtime {

enum class StateBackend { Sqlite, Postgres };

// The backend a --state / MLOPS_STATE value names (see above).
StateBackend classifyStateValue(const std::string& value);

struct StateSelection {
  StateBackend backend = StateBackend::Sqlite;
  // SQLite: the file ("" for the project's `.mlops/state.db`); PostgreSQL:
  // the connection string as given, never to be printed.
  std::string location;
  // PGPASSWORD as it was when taken out of the environment
  // (takeStateCredentials): libpq can no longer read it there.
  std::string pgPassword;
  // --state-project: the project whose schema to use in a PostgreSQL
  // database (default: the spec's; without one, the only project there).
  std::string project;
  bool isDefault() const { return backend == StateBackend::Sqlite && location.empty(); }
};

// `flag` (--state; "" when not given), else MLOPS_STATE, else the default;
// `project`: --state-project.
StateSelection selectState(const std::string& flag, const std::string& project = "");

// Whether a PostgreSQL selection's connection string is well formed
// (parsed by libpq, no server contacted); `error` (masked) says why not.
// A run checks it before its no-op fast path, which opens no record.
bool checkStateSelection(const StateSelection& selection, std::string& error);

// Removes MLOPS_STATE and PGPASSWORD from the environment (bytes
// overwritten, runtime/secret_environment.h), so that no node command sees
// them; keeps PGPASSWORD's value in `selection` for the connection. The
// values to mask in every log: PGPASSWORD's and the passwords of the
// selected connection string (the whole string when libpq cannot parse it).
std::vector<std::string> takeStateCredentials(StateSelection& selection);

// The record `selection` names, for the project `projectName` (its spec's
// `project`; "" when no spec is at hand) rooted at `root`, migrated to this
// mlopsc's schema; nullptr with `error` (masked) when it cannot be opened.
std::unique_ptr<Record> openRecord(const StateSelection& selection, const std::string& root,
                                   const std::string& projectName, std::string& error);

// What a run works with: the local cache and the record, one SQLite file
// for both by default.
struct OpenedState {
  std::unique_ptr<SqliteStore> local;  // <root>/.mlops/state.db
  std::unique_ptr<Record> shared;      // the selected record, when it is not `local`
  Record& record() const { return shared ? *shared : *local; }
  LocalCache& cache() const { return *local; }
};

// Opens (creating) the local cache and the selected record.
bool openState(const StateSelection& selection, const std::string& root, const std::string& projectName,
               OpenedState& state, std::string& error);

}  // namespace mlops::runtime

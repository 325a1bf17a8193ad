#include "runtime/state/state_selection.h"

#include "runtime/secret_environment.h"
#include "runtime/state/pg_conninfo.h"
#include "runtime/state/postgres_record.h"

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include <cstdlib>

namespace mlops::runtime {

StateBackend classifyStateValue(const std::string& value) {
  llvm::StringRef v(value);
  if (v.startswith("postgresql://") || v.startswith("postgres://")) return StateBackend::Postgres;
  size_t equals = v.find('='), slash = v.find('/');
  if (equals != llvm::StringRef::npos && (slash == llvm::StringRef::npos || equals < slash))
    return StateBackend::Postgres;
  return StateBackend::Sqlite;
}

StateSelection selectState(const std::string& flag, const std::string& project) {
  std::string value = flag;
  if (value.empty())
    if (const char* env = std::getenv("MLOPS_STATE")) value = env;
  StateSelection s;
  s.project = project;
  if (value.empty()) return s;
  s.backend = classifyStateValue(value);
  s.location = value;
  return s;
}

bool checkStateSelection(const StateSelection& selection, std::string& error) {
  return selection.backend != StateBackend::Postgres || parsePgConnInfo(selection.location, error).has_value();
}

std::vector<std::string> takeStateCredentials(StateSelection& selection) {
  std::vector<std::string> taken;
  for (const char* name : {"MLOPS_STATE", "PGPASSWORD"}) {
    const char* value = std::getenv(name);
    if (!value) continue;
    std::string copy = value;
    eraseEnvironmentVariable(name);
    if (std::string(name) == "PGPASSWORD") {
      selection.pgPassword = copy;
      if (!copy.empty()) taken.push_back(std::move(copy));
    }
  }
  // What is secret in a connection string is its passwords (messages show
  // the rest: host, user, database). A string libpq cannot parse is masked
  // whole, with every value that could be a password in it. A SQLite path
  // holds none: with nothing to mask, node output goes straight to its log
  // file instead of through the masking relay (a pipe per node).
  if (selection.backend == StateBackend::Postgres) {
    std::string ignored;
    if (std::optional<PgConnInfo> info = parsePgConnInfo(selection.location, ignored)) {
      taken.insert(taken.end(), info->passwords.begin(), info->passwords.end());
    } else {
      taken.push_back(selection.location);
      for (std::string& candidate : pgPasswordCandidates(selection.location)) taken.push_back(std::move(candidate));
    }
  }
  std::erase(taken, std::string());
  return taken;
}

namespace {

std::string localStatePath(const std::string& root) { return (root.empty() ? "." : root) + "/.mlops/state.db"; }

// Whether a SQLite selection names the project's own file after all.
bool isLocalFile(const StateSelection& selection, const std::string& root) {
  if (selection.isDefault()) return true;
  if (selection.backend != StateBackend::Sqlite) return false;
  bool same = false;
  return !llvm::sys::fs::equivalent(selection.location, localStatePath(root), same) && same;
}

}  // namespace

std::unique_ptr<Record> openRecord(const StateSelection& selection, const std::string& root,
                                   const std::string& projectName, std::string& error) {
  if (selection.backend == StateBackend::Postgres)
    return PostgresRecord::open(selection.location, selection.pgPassword,
                                selection.project.empty() ? projectName : selection.project,
                                PostgresRecord::Migrate::OnOpen, error);
  return SqliteStore::open(isLocalFile(selection, root) ? localStatePath(root) : selection.location, error);
}

bool openState(const StateSelection& selection, const std::string& root, const std::string& projectName,
               OpenedState& state, std::string& error) {
  bool local = isLocalFile(selection, root);
  state.local = SqliteStore::open(localStatePath(root), error,
                                  local ? SqliteStore::Use::RecordAndCache : SqliteStore::Use::LocalCacheOnly);
  if (!state.local) return false;
  if (local) return true;
  state.shared = openRecord(selection, root, projectName, error);
  return state.shared != nullptr;
}

}  // namespace mlops::runtime

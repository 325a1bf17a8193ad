// Runs SQL on a SQLite file directly, as someone with the file (an attacker,
// or an older mlopsc) would, for tests of the state store.
#pragma once

#include "runtime/state/sqlite_migrations.h"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

// The SQLite error, "" on success.
inline std::string sqliteDirect(const std::string& db, const std::string& text) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  char* message = nullptr;
  std::string error;
  if (sqlite3_exec(raw, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) error = message ? message : "error";
  sqlite3_free(message);
  sqlite3_close(raw);
  return error;
}

// A new SQLite file at schema `version`, as the mlopsc of that version left
// it: the migrations up to it, run as they ran (the append-only triggers of
// the gate passes come with schema 5).
inline void sqliteAtSchema(const std::string& db, int version) {
  std::string sql = "BEGIN;";
  for (int v = 0; v < version; ++v) {
    sql += mlops::runtime::sqliteMigration(v);
    if (v + 1 == 5) sql += mlops::runtime::sqliteGatePassTriggers();
  }
  sql += "PRAGMA user_version = " + std::to_string(version) + "; COMMIT;";
  REQUIRE(sqliteDirect(db, sql).empty());
}

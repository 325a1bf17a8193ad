// Runs SQL on a SQLite file directly, as someone with the file (an attacker,
// or an older mlopsc) would, for tests of the state store.
#pragma once

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

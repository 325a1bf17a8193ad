// The PostgreSQL schema's migrations. A project's record is one schema
// (namespace) of the database; its `meta` table holds `schema_version`,
// numbered as SQLite's `user_version` (runtime/state/records.h). There is no
// history to replay on PostgreSQL: the first migration creates schema 5 as
// SQLite has it after its fifth, and each later one adds what SQLite's
// adds. Each runs with the project's schema first on the search path.
#pragma once

#include <vector>

namespace mlops::runtime {

struct PgMigration {
  int toVersion;
  const char* sql;
};

// In order; the last one brings the schema to kStateSchemaVersion.
const std::vector<PgMigration>& pgMigrations();

}  // namespace mlops::runtime

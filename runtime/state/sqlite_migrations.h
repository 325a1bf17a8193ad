// The SQLite schema's migrations, in order: sqliteMigration(v) brings
// `PRAGMA user_version` from v to v + 1 (0 <= v < kStateSchemaVersion).
#pragma once

namespace mlops::runtime {

const char* sqliteMigration(int version);

// Run after migration 5 (and the sealing of the gate passes written before
// it): the gate passes and reference profiles become append-only.
const char* sqliteGatePassTriggers();

}  // namespace mlops::runtime

#include "runtime/state/sqlite_migrations.h"

#include "runtime/state/records.h"

#include <iterator>

namespace mlops::runtime {
namespace {

// Schema migrations, in order: migration i brings user_version from i to i+1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL DEFAULT 'running',
  ir_digest TEXT NOT NULL
);
CREATE TABLE node_results (
  run INTEGER NOT NULL REFERENCES runs(id),
  node TEXT NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  seconds REAL NOT NULL,
  why TEXT NOT NULL,
  PRIMARY KEY (run, node)
);
CREATE TABLE node_success (
  node TEXT PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  cache_key TEXT NOT NULL,
  cache_parts TEXT NOT NULL
);
CREATE TABLE node_outputs (
  node TEXT NOT NULL REFERENCES node_success(node) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  path TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (node, position)
);
CREATE TABLE file_hashes (
  path TEXT PRIMARY KEY,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  digest TEXT NOT NULL
);
)sql",
    // 2: gates. The graphs runs ran (so `approve` and `history` work from the
    // project alone), the append-only hash-chained approvals log, gate
    // passes (with the metrics that become the model's baseline) and the
    // drift reference profiles stored at a pass.
    R"sql(
CREATE TABLE graphs (
  digest TEXT PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE approvals (
  id INTEGER PRIMARY KEY,
  gate TEXT NOT NULL,
  role TEXT NOT NULL,
  email TEXT NOT NULL,
  comment TEXT NOT NULL,
  artifact TEXT NOT NULL,
  at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
BEGIN SELECT RAISE(ABORT, 'the approvals log is append-only'); END;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'the approvals log is append-only'); END;
CREATE TABLE gate_passes (
  id INTEGER PRIMARY KEY,
  gate TEXT NOT NULL,
  model TEXT NOT NULL,
  artifact TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs(id),
  at TEXT NOT NULL,
  approvals_count INTEGER NOT NULL,
  approvals_head TEXT NOT NULL,
  metrics TEXT NOT NULL
);
CREATE INDEX gate_passes_by_gate ON gate_passes(gate, artifact);
CREATE TABLE reference_profiles (
  gate_pass INTEGER NOT NULL REFERENCES gate_passes(id),
  data TEXT NOT NULL,
  column_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  PRIMARY KEY (gate_pass, data, column_name)
);
)sql",
    // 3: the no-op manifest of the last run that left everything up to date
    // (runtime/noop_manifest.h).
    R"sql(
CREATE TABLE noop_manifest (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
)sql",
    // 4: no-op runs in a node's history. A no-op run names the run that
    // wrote its manifest (whose node results it repeats) instead of writing
    // a row per node: the fast path stays one insert at any graph size. A
    // manifest from before knows no run: it is dropped (the next run checks
    // in full and writes a new one).
    R"sql(
ALTER TABLE runs ADD COLUMN noop_of INTEGER REFERENCES runs(id);
DELETE FROM noop_manifest;
ALTER TABLE noop_manifest ADD COLUMN run INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: what gates trust is checked, not assumed. The hash memo's key gains
    // the ctime (an mtime put back with `touch -r` no longer hides a
    // rewrite): the old entries are dropped, as is the no-op manifest (its
    // stamps lack it). Gate passes gain the digest of the policy they passed
    // under and a hash chain; the passes already there are hashed into it by
    // sealGatePasses (trusted as they are at the upgrade), then the table and
    // the reference profiles become append-only like the approvals log.
    R"sql(
DELETE FROM file_hashes;
ALTER TABLE file_hashes ADD COLUMN ctime_ns INTEGER NOT NULL DEFAULT 0;
DELETE FROM noop_manifest;
ALTER TABLE gate_passes ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE gate_passes ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE gate_passes ADD COLUMN hash TEXT NOT NULL DEFAULT '';
)sql",
    // 6: the team's record. A run may be joined by every job of one CI run
    // (MLOPS_RUN_ID, unique when given); what model jobs produced, so that
    // approvers name an artifact they do not have on disk.
    R"sql(
ALTER TABLE runs ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX runs_by_external_id ON runs(external_id) WHERE external_id <> '';
CREATE TABLE artifacts (
  run INTEGER NOT NULL REFERENCES runs(id),
  model TEXT NOT NULL,
  digest TEXT NOT NULL,
  metrics TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (model, digest, run)
);
)sql",
    // 7: signed approvals. A row keeps the statement its approver signed
    // and the SSH signature, verbatim, and the key's fingerprint as a hint;
    // a gate pass keeps its evidence. ADD COLUMN with a default rewrites no
    // row (the append-only triggers stay quiet) and old rows read as
    // unsigned. The CHECK (also PostgreSQL's) refuses half a signature; it
    // sits on the column because SQLite adds no table constraint by ALTER.
    R"sql(
ALTER TABLE approvals ADD COLUMN payload TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN signature TEXT NOT NULL DEFAULT ''
  CONSTRAINT approvals_signed_whole CHECK ((payload = '') = (signature = ''));
ALTER TABLE approvals ADD COLUMN signing_key TEXT NOT NULL DEFAULT '';
ALTER TABLE gate_passes ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
)sql",
    // 8: what a model job produced, with its outputs' SHA-256 digests (in a
    // project with signers), so an approver without the model files signs
    // the artifact a CI job built (`approve --artifact`); what each node's
    // command used (CPU seconds, peak resident bytes), to set against what
    // it requested and its owner's quota.
    R"sql(
ALTER TABLE artifacts ADD COLUMN subjects TEXT NOT NULL DEFAULT '';
ALTER TABLE node_results ADD COLUMN cpu_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE node_results ADD COLUMN max_rss_bytes INTEGER NOT NULL DEFAULT 0;
)sql",
    // 9: what the team's KPIs read, offline (a model run's metrics) and
    // online (a monitor's live source), and what each A/B test concluded.
    R"sql(
CREATE TABLE kpi_readings (
  run INTEGER NOT NULL REFERENCES runs(id),
  kpi TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  target TEXT NOT NULL,
  met INTEGER NOT NULL CHECK (met IN (0, 1)),
  model TEXT NOT NULL,
  artifact TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('offline', 'online')),
  node TEXT NOT NULL,
  origin TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE ab_conclusions (
  run INTEGER NOT NULL REFERENCES runs(id),
  deploy TEXT NOT NULL,
  model TEXT NOT NULL,
  artifact TEXT NOT NULL,
  metric TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('check', 'final')),
  decision TEXT NOT NULL,
  action TEXT NOT NULL,
  conclusion TEXT NOT NULL,
  summary TEXT NOT NULL,
  at TEXT NOT NULL
);
)sql",
    // 10: where each node's command ran when not on this machine (the SLURM
    // job ids, "" for a local command), a column of its own instead of only
    // the `why` prose. Old rows read as local.
    R"sql(
ALTER TABLE node_results ADD COLUMN job_id TEXT NOT NULL DEFAULT '';
)sql",
};
// Run after migration 5 (and sealGatePasses).
const char* const kGatePassTriggersSql = R"sql(
CREATE TRIGGER gate_passes_no_update BEFORE UPDATE ON gate_passes
BEGIN SELECT RAISE(ABORT, 'gate passes are append-only'); END;
CREATE TRIGGER gate_passes_no_delete BEFORE DELETE ON gate_passes
BEGIN SELECT RAISE(ABORT, 'gate passes are append-only'); END;
CREATE TRIGGER reference_profiles_no_update BEFORE UPDATE ON reference_profiles
BEGIN SELECT RAISE(ABORT, 'reference profiles are append-only'); END;
CREATE TRIGGER reference_profiles_no_delete BEFORE DELETE ON reference_profiles
BEGIN SELECT RAISE(ABORT, 'reference profiles are append-only'); END;
)sql";
static_assert(std::size(kMigrations) == kStateSchemaVersion, "one migration per schema version");

}  // namespace

const char* sqliteMigration(int version) { return kMigrations[version]; }

const char* sqliteGatePassTriggers() { return kGatePassTriggersSql; }

}  // namespace mlops::runtime

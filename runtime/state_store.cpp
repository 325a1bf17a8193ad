#include "runtime/state_store.h"

#include "runtime/gate_pass_chain.h"

#include <sqlite3.h>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <tuple>

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
};
// Run after migration 5 (and sealGatePasses).
const char* const kGatePassTriggers = R"sql(
CREATE TRIGGER gate_passes_no_update BEFORE UPDATE ON gate_passes
BEGIN SELECT RAISE(ABORT, 'gate passes are append-only'); END;
CREATE TRIGGER gate_passes_no_delete BEFORE DELETE ON gate_passes
BEGIN SELECT RAISE(ABORT, 'gate passes are append-only'); END;
CREATE TRIGGER reference_profiles_no_update BEFORE UPDATE ON reference_profiles
BEGIN SELECT RAISE(ABORT, 'reference profiles are append-only'); END;
CREATE TRIGGER reference_profiles_no_delete BEFORE DELETE ON reference_profiles
BEGIN SELECT RAISE(ABORT, 'reference profiles are append-only'); END;
)sql";
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kStateSchemaVersion, "one migration per schema version");

}  // namespace

std::string utcTimestamp() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  // Borrows a prepared statement the store keeps: reset, not finalized.
  explicit Statement(sqlite3_stmt* borrowed) : stmt_(borrowed), borrowed_(true) {}
  ~Statement() {
    if (!borrowed_) sqlite3_finalize(stmt_);
    else if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement& bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  bool step() { return sqlite3_step(stmt_) == SQLITE_ROW; }
  // Runs a statement that returns no rows: whether it succeeded.
  bool done() { return sqlite3_step(stmt_) == SQLITE_DONE; }
  // Runs it, then makes it ready for new bindings.
  void run() {
    sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool ok() const { return stmt_ != nullptr; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool borrowed_ = false;
};

// The id and previous hash of the next row of a hash-chained table, from
// `headSql` (its last row's id and hash): 1 and 64 zeros when it is empty.
std::pair<int64_t, std::string> nextLink(sqlite3* db, const char* headSql) {
  Statement head(db, headSql);
  if (!head.step()) return {1, std::string(64, '0')};
  return {head.integer(0) + 1, head.text(1)};
}

}  // namespace

StateStore::~StateStore() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

sqlite3_stmt* StateStore::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  cache_[sql] = stmt;
  return stmt;
}

bool StateStore::exec(const char* sql, std::string& error) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  error = message ? message : "unknown SQLite error";
  sqlite3_free(message);
  return false;
}

std::unique_ptr<StateStore> StateStore::open(const std::string& path, std::string& error) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      error = "cannot create `" + dir.str().str() + "`: " + ec.message();
      return nullptr;
    }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    error = "cannot open the state store `" + path + "`: " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<StateStore> store(new StateStore(db));
  sqlite3_busy_timeout(db, 10000);  // another mlopsc writing: wait, don't fail
  std::string detail;
  if (!store->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", detail) ||
      !store->migrate(detail)) {
    error = "the state store `" + path + "` is unusable: " + detail;
    return nullptr;
  }
  return store;
}

int StateStore::schemaVersion() const {
  Statement s(db_, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

bool StateStore::migrate(std::string& error) {
  int version = schemaVersion();
  if (version < 0) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  if (version > kStateSchemaVersion) {
    error = "its schema is version " + std::to_string(version) + ", newer than this mlopsc (version " +
            std::to_string(kStateSchemaVersion) + ")";
    return false;
  }
  for (int v = version; v < kStateSchemaVersion; ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[v];
    bool ok = exec(sql.c_str(), error);
    if (ok && v + 1 == 5) ok = sealGatePasses(error) && exec(kGatePassTriggers, error);
    std::string done = "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (!ok || !exec(done.c_str(), error)) {
      std::string ignored;
      exec("ROLLBACK;", ignored);
      error = "migration to version " + std::to_string(v + 1) + " failed: " + error;
      return false;
    }
  }
  return true;
}

bool StateStore::integrityOk(std::string& detail) const {
  Statement s(db_, "PRAGMA integrity_check");
  detail.clear();
  while (s.step()) detail += (detail.empty() ? "" : "; ") + s.text(0);
  return detail == "ok";
}

int64_t StateStore::beginRun(const std::string& irDigest, int64_t noopOf) {
  Statement s(db_, "INSERT INTO runs (started_at, ir_digest, noop_of) VALUES (?, ?, NULLIF(?, 0))");
  s.bind(1, utcTimestamp()).bind(2, irDigest).bind(3, noopOf).run();
  return sqlite3_last_insert_rowid(db_);
}

void StateStore::finishRun(int64_t run, const std::string& status) {
  Statement s(db_, "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?");
  s.bind(1, utcTimestamp()).bind(2, status).bind(3, run).run();
}

void StateStore::recordNode(int64_t run, const NodeRecord& r, const NodeSuccess* success) {
  Statement(cached("BEGIN IMMEDIATE")).run();
  Statement(cached("INSERT OR REPLACE INTO node_results VALUES (?, ?, ?, ?, ?, ?)"))
      .bind(1, run)
      .bind(2, r.node)
      .bind(3, r.status)
      .bind(4, static_cast<int64_t>(r.exitCode))
      .bind(5, r.seconds)
      .bind(6, r.why)
      .run();
  if (success) {
    Statement(cached("DELETE FROM node_success WHERE node = ?")).bind(1, r.node).run();
    Statement(cached("INSERT INTO node_success VALUES (?, ?, ?, ?)"))
        .bind(1, r.node)
        .bind(2, run)
        .bind(3, success->cacheKey)
        .bind(4, success->cacheParts)
        .run();
    int64_t position = 0;
    Statement insert(cached("INSERT INTO node_outputs VALUES (?, ?, ?, ?)"));
    for (const auto& [path, digest] : success->outputs)
      insert.bind(1, r.node).bind(2, position++).bind(3, path).bind(4, digest.hex()).run();
  }
  Statement(cached("COMMIT")).run();
}

std::unordered_map<std::string, NodeSuccess> StateStore::allSuccesses() const {
  std::unordered_map<std::string, NodeSuccess> out;
  Statement s(db_, "SELECT node, run, cache_key, cache_parts FROM node_success");
  while (s.step()) out[s.text(0)] = {s.integer(1), s.text(2), s.text(3), {}};
  Statement o(db_, "SELECT node, path, digest FROM node_outputs ORDER BY node, position");
  while (o.step())
    if (auto it = out.find(o.text(0)); it != out.end())
      if (std::optional<Digest> d = Digest::fromHex(o.text(2))) it->second.outputs.emplace_back(o.text(1), *d);
  return out;
}

void StateStore::recordResults(int64_t run, const std::vector<NodeRecord>& records) {
  if (records.empty()) return;
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  Statement insert(db_, "INSERT OR REPLACE INTO node_results VALUES (?, ?, ?, ?, ?, ?)");
  for (const NodeRecord& r : records)
    insert.bind(1, run).bind(2, r.node).bind(3, r.status).bind(4, static_cast<int64_t>(r.exitCode)).bind(5, r.seconds)
        .bind(6, r.why)
        .run();
  exec("COMMIT", ignored);
}

std::optional<NodeSuccess> StateStore::lastSuccess(const std::string& node) const {
  Statement s(db_, "SELECT run, cache_key, cache_parts FROM node_success WHERE node = ?");
  s.bind(1, node);
  if (!s.step()) return std::nullopt;
  NodeSuccess out{s.integer(0), s.text(1), s.text(2), {}};
  Statement o(db_, "SELECT path, digest FROM node_outputs WHERE node = ? ORDER BY position");
  o.bind(1, node);
  while (o.step())
    if (std::optional<Digest> d = Digest::fromHex(o.text(1))) out.outputs.emplace_back(o.text(0), *d);
  return out;
}

std::vector<NodeRecord> StateStore::runResults(int64_t run) const {
  Statement s(db_, "SELECT node, status, exit_code, seconds, why FROM node_results WHERE run = ? ORDER BY rowid");
  s.bind(1, run);
  std::vector<NodeRecord> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.real(3), s.text(4)});
  return out;
}

void StateStore::saveGraph(const std::string& digest, const std::string& json) {
  Statement known(db_, "SELECT 1 FROM graphs WHERE digest = ?");
  known.bind(1, digest);
  if (known.step()) return;
  Statement(db_, "INSERT OR IGNORE INTO graphs VALUES (?, ?)").bind(1, digest).bind(2, json).run();
}

std::optional<std::string> StateStore::noopManifest(const std::string& key, int64_t* run) const {
  Statement s(db_, "SELECT body, run FROM noop_manifest WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  if (run) *run = s.integer(1);
  return s.text(0);
}

void StateStore::saveNoopManifest(const std::string& key, const std::string& body, int64_t run) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  exec("DELETE FROM noop_manifest", ignored);
  Statement(db_, "INSERT INTO noop_manifest (key, body, run) VALUES (?, ?, ?)").bind(1, key).bind(2, body).bind(3, run).run();
  exec("COMMIT", ignored);
}

void StateStore::forgetNoopManifest() {
  std::string ignored;
  exec("DELETE FROM noop_manifest", ignored);
}

std::optional<std::string> StateStore::lastGraph(int64_t* run) const {
  Statement s(db_,
              "SELECT runs.id, graphs.json FROM runs JOIN graphs ON graphs.digest = runs.ir_digest "
              "ORDER BY runs.id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  if (run) *run = s.integer(0);
  return s.text(1);
}

std::vector<RunRecord> StateStore::runs() const {
  Statement s(db_,
              "SELECT id, started_at, COALESCE(finished_at, ''), status, ir_digest, COALESCE(noop_of, 0) FROM runs "
              "ORDER BY id");
  std::vector<RunRecord> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)});
  return out;
}

std::vector<std::pair<int64_t, NodeRecord>> StateStore::nodeHistory(const std::string& node) const {
  Statement s(db_,
              "SELECT run, node, status, exit_code, seconds, why FROM node_results WHERE node = ?1 "
              "UNION ALL "
              "SELECT runs.id, r.node, CASE r.status WHEN 'checked' THEN 'checked' ELSE 'cached' END, 0, 0, "
              "'no-op run: no file changed since run ' || r.run "
              "FROM runs JOIN node_results r ON r.run = runs.noop_of AND r.node = ?1 "
              "ORDER BY 1");
  s.bind(1, node);
  std::vector<std::pair<int64_t, NodeRecord>> out;
  while (s.step())
    out.push_back({s.integer(0), {s.text(1), s.text(2), static_cast<int>(s.integer(3)), s.real(4), s.text(5)}});
  return out;
}

ApprovalRecord StateStore::appendApproval(ApprovalRecord r, const std::function<std::string(const ApprovalRecord&)>& hash) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  std::tie(r.id, r.prevHash) = nextLink(db_, "SELECT id, hash FROM approvals ORDER BY id DESC LIMIT 1");
  r.at = utcTimestamp();
  r.hash = hash(r);
  Statement(db_, "INSERT INTO approvals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, r.id)
      .bind(2, r.gate)
      .bind(3, r.role)
      .bind(4, r.email)
      .bind(5, r.comment)
      .bind(6, r.artifact)
      .bind(7, r.at)
      .bind(8, r.prevHash)
      .bind(9, r.hash)
      .run();
  exec("COMMIT", ignored);
  return r;
}

std::vector<ApprovalRecord> StateStore::approvals() const {
  Statement s(db_, "SELECT id, gate, role, email, comment, artifact, at, prev_hash, hash FROM approvals ORDER BY id");
  std::vector<ApprovalRecord> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.text(8)});
  return out;
}

namespace {
const char* const kGatePassColumns =
    "SELECT id, gate, model, artifact, run, at, approvals_count, approvals_head, metrics, policy, prev_hash, hash "
    "FROM gate_passes ";
GatePass readGatePass(Statement& s) {
  GatePass p;
  p.id = s.integer(0);
  p.gate = s.text(1);
  p.model = s.text(2);
  p.artifact = s.text(3);
  p.run = s.integer(4);
  p.at = s.text(5);
  p.approvalsCount = s.integer(6);
  p.approvalsHead = s.text(7);
  p.metrics = s.text(8);
  p.policy = s.text(9);
  p.prevHash = s.text(10);
  p.hash = s.text(11);
  return p;
}
}  // namespace

GatePass StateStore::recordGatePass(GatePass p) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  std::tie(p.id, p.prevHash) = nextLink(db_, "SELECT id, hash FROM gate_passes ORDER BY id DESC LIMIT 1");
  p.at = utcTimestamp();
  std::sort(p.profiles.begin(), p.profiles.end(), [](const ReferenceProfile& a, const ReferenceProfile& b) {
    return std::tie(a.data, a.column) < std::tie(b.data, b.column);
  });
  p.hash = gatePassHash(p);
  Statement(db_, "INSERT INTO gate_passes (id, gate, model, artifact, run, at, approvals_count, approvals_head, "
                 "metrics, policy, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, p.id)
      .bind(2, p.gate)
      .bind(3, p.model)
      .bind(4, p.artifact)
      .bind(5, p.run)
      .bind(6, p.at)
      .bind(7, p.approvalsCount)
      .bind(8, p.approvalsHead)
      .bind(9, p.metrics)
      .bind(10, p.policy)
      .bind(11, p.prevHash)
      .bind(12, p.hash)
      .run();
  Statement insert(db_, "INSERT INTO reference_profiles VALUES (?, ?, ?, ?)");
  for (const ReferenceProfile& r : p.profiles) insert.bind(1, p.id).bind(2, r.data).bind(3, r.column).bind(4, r.profile).run();
  exec("COMMIT", ignored);
  return p;
}

std::vector<GatePass> StateStore::gatePasses() const {
  Statement s(db_, (std::string(kGatePassColumns) + "ORDER BY id").c_str());
  std::vector<GatePass> out;
  std::unordered_map<int64_t, size_t> index;
  while (s.step()) {
    index[s.integer(0)] = out.size();
    out.push_back(readGatePass(s));
  }
  Statement profiles(db_, "SELECT gate_pass, data, column_name, profile FROM reference_profiles "
                          "ORDER BY gate_pass, data, column_name");
  while (profiles.step())
    if (auto it = index.find(profiles.integer(0)); it != index.end())
      out[it->second].profiles.push_back({profiles.text(1), profiles.text(2), profiles.text(3)});
  return out;
}

bool StateStore::sealGatePasses(std::string& error) {
  std::vector<GatePass> passes = gatePasses();
  std::string previous(64, '0');
  for (GatePass& p : passes) {
    p.prevHash = previous;
    p.hash = gatePassHash(p);
    previous = p.hash;
    Statement update(db_, "UPDATE gate_passes SET prev_hash = ?, hash = ? WHERE id = ?");
    update.bind(1, p.prevHash).bind(2, p.hash).bind(3, p.id);
    if (!update.done()) {
      error = sqlite3_errmsg(db_);
      return false;
    }
  }
  return true;
}

void StateStore::loadHashes(FileHasher& hasher) const {
  Statement s(db_, "SELECT path, device, inode, size, mtime_ns, ctime_ns, digest FROM file_hashes");
  while (s.step())
    if (std::optional<Digest> d = Digest::fromHex(s.text(6)))
      hasher.remember(s.text(0), {{static_cast<uint64_t>(s.integer(1)), static_cast<uint64_t>(s.integer(2)),
                                   static_cast<uint64_t>(s.integer(3)), s.integer(4), s.integer(5)},
                                  *d},
                      /*loaded=*/true);
}

void StateStore::saveHashes(const FileHasher& hasher) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  Statement s(db_, "INSERT OR REPLACE INTO file_hashes (path, device, inode, size, mtime_ns, ctime_ns, digest) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const std::string& path : hasher.changed()) {
    const FileHasher::Entry& e = hasher.entries().at(path);
    s.bind(1, path)
        .bind(2, static_cast<int64_t>(e.stamp.device))
        .bind(3, static_cast<int64_t>(e.stamp.inode))
        .bind(4, static_cast<int64_t>(e.stamp.size))
        .bind(5, e.stamp.mtimeNs)
        .bind(6, e.stamp.ctimeNs)
        .bind(7, e.digest.hex())
        .run();
  }
  exec("COMMIT", ignored);
}

}  // namespace mlops::runtime

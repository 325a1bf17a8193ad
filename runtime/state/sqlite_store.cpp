#include "runtime/state/sqlite_store.h"

#include "runtime/gate_pass_chain.h"
#include "runtime/state/sqlite_migrations.h"

#include <sqlite3.h>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <tuple>

namespace mlops::runtime {
namespace {

// A prepared statement, finalized on scope exit.
// A prepared statement. One that did not prepare (a table of another
// shape than this mlopsc's: a state written by a development build, a
// hand-made file) does nothing, steps to no row and runs to no success,
// instead of handing SQLite a null statement.
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
    if (stmt_) sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    if (stmt_) sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    if (stmt_) sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bindNull(int i) {
    if (stmt_) sqlite3_bind_null(stmt_, i);
    return *this;
  }
  bool step() { return stmt_ && sqlite3_step(stmt_) == SQLITE_ROW; }
  void reset() {
    if (!stmt_) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool isNull(int col) const { return !stmt_ || sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // Runs a statement that returns no rows: whether it succeeded.
  bool done() { return stmt_ && sqlite3_step(stmt_) == SQLITE_DONE; }
  // Runs it, then makes it ready for new bindings.
  void run() {
    if (!stmt_) return;
    sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const unsigned char* t = stmt_ ? sqlite3_column_text(stmt_, col) : nullptr;
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t integer(int col) const { return stmt_ ? sqlite3_column_int64(stmt_, col) : 0; }
  double real(int col) const { return stmt_ ? sqlite3_column_double(stmt_, col) : 0; }
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

SqliteStore::~SqliteStore() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteStore::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  cache_[sql] = stmt;
  return stmt;
}

bool SqliteStore::exec(const char* sql, std::string& error) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  error = message ? message : "unknown SQLite error";
  sqlite3_free(message);
  return false;
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path, std::string& error, Use use,
                                               int* migratedFrom) {
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
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  sqlite3_busy_timeout(db, 10000);  // another mlopsc writing: wait, don't fail
  std::string detail;
  const char* pragmas = use == Use::RecordAndCache
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
  if (!store->exec(pragmas, detail) ||
      !store->migrate(detail, migratedFrom)) {
    error = "the state store `" + path + "` is unusable: " + detail;
    return nullptr;
  }
  return store;
}

int SqliteStore::schemaVersion() const {
  Statement s(db_, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

bool SqliteStore::migrate(std::string& error, int* migratedFrom) {
  int version = schemaVersion();
  if (migratedFrom) *migratedFrom = version < kStateSchemaVersion ? version : -1;
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
    std::string sql = std::string("BEGIN IMMEDIATE;") + sqliteMigration(v);
    bool ok = exec(sql.c_str(), error);
    if (ok && v + 1 == 5) ok = sealGatePasses(error) && exec(sqliteGatePassTriggers(), error);
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

bool SqliteStore::integrityOk(std::string& detail) const {
  Statement s(db_, "PRAGMA integrity_check");
  detail.clear();
  while (s.step()) detail += (detail.empty() ? "" : "; ") + s.text(0);
  return detail == "ok";
}

int64_t SqliteStore::beginRun(const std::string& irDigest, int64_t noopOf, const std::string& externalId) {
  if (externalId.empty()) {
    Statement s(db_, "INSERT INTO runs (started_at, ir_digest, noop_of) VALUES (?, ?, NULLIF(?, 0))");
    s.bind(1, utcTimestamp()).bind(2, irDigest).bind(3, noopOf).run();
    return sqlite3_last_insert_rowid(db_);
  }
  // The first job of a CI run begins it; the others join it (one writer at a time).
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  Statement(db_, "INSERT INTO runs (started_at, ir_digest, external_id) VALUES (?, ?, ?) "
                 "ON CONFLICT (external_id) WHERE external_id <> '' DO NOTHING")
      .bind(1, utcTimestamp())
      .bind(2, irDigest)
      .bind(3, externalId)
      .run();
  int64_t run = 0;
  {
    Statement joined(db_, "SELECT id FROM runs WHERE external_id = ?");
    joined.bind(1, externalId);
    if (joined.step()) run = joined.integer(0);
  }
  exec("COMMIT", ignored);
  return run;
}

void SqliteStore::finishRun(int64_t run, const std::string& status) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  std::string finished = status;
  {
    Statement current(db_, "SELECT status, external_id FROM runs WHERE id = ?");
    current.bind(1, run);
    if (current.step() && !current.text(1).empty()) finished = joinedRunStatus(current.text(0), status);
  }
  Statement(db_, "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?")
      .bind(1, utcTimestamp())
      .bind(2, finished)
      .bind(3, run)
      .run();
  exec("COMMIT", ignored);
}

void SqliteStore::recordNode(int64_t run, const NodeRecord& r, const NodeSuccess* success) {
  Statement(cached("BEGIN IMMEDIATE")).run();
  Statement(cached("INSERT OR REPLACE INTO node_results (run, node, status, exit_code, seconds, why, cpu_seconds, "
                   "max_rss_bytes, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
      .bind(1, run)
      .bind(2, r.node)
      .bind(3, r.status)
      .bind(4, static_cast<int64_t>(r.exitCode))
      .bind(5, r.seconds)
      .bind(6, r.why)
      .bind(7, r.cpuSeconds)
      .bind(8, r.maxRssBytes)
      .bind(9, r.jobId)
      .run();
  if (success) insertSuccess(r.node, run, *success);
  Statement(cached("COMMIT")).run();
}

void SqliteStore::insertSuccess(const std::string& node, int64_t run, const NodeSuccess& success) {
  // The outputs explicitly: a local cache beside another record has no
  // foreign keys, so no ON DELETE CASCADE.
  Statement(cached("DELETE FROM node_outputs WHERE node = ?")).bind(1, node).run();
  Statement(cached("DELETE FROM node_success WHERE node = ?")).bind(1, node).run();
  Statement(cached("INSERT INTO node_success VALUES (?, ?, ?, ?)"))
      .bind(1, node)
      .bind(2, run)
      .bind(3, success.cacheKey)
      .bind(4, success.cacheParts)
      .run();
  int64_t position = 0;
  Statement insert(cached("INSERT INTO node_outputs VALUES (?, ?, ?, ?)"));
  for (const auto& [path, digest] : success.outputs)
    insert.bind(1, node).bind(2, position++).bind(3, path).bind(4, digest.hex()).run();
}

void SqliteStore::saveSuccess(const std::string& node, const NodeSuccess& success) {
  Statement(cached("BEGIN IMMEDIATE")).run();
  insertSuccess(node, success.run, success);
  Statement(cached("COMMIT")).run();
}

void recordSuccess(Record& record, LocalCache& cache, int64_t run, const NodeRecord& result,
                   const NodeSuccess& success) {
  auto* store = dynamic_cast<SqliteStore*>(&cache);
  if (store && static_cast<Record*>(store) == &record) return store->recordNode(run, result, &success);
  NodeSuccess stamped = success;
  stamped.run = run;
  cache.saveSuccess(result.node, stamped);
  record.recordResults(run, {result});
}

std::unordered_map<std::string, NodeSuccess> SqliteStore::allSuccesses() const {
  std::unordered_map<std::string, NodeSuccess> out;
  Statement s(db_, "SELECT node, run, cache_key, cache_parts FROM node_success");
  while (s.step()) out[s.text(0)] = {s.integer(1), s.text(2), s.text(3), {}};
  Statement o(db_, "SELECT node, path, digest FROM node_outputs ORDER BY node, position");
  while (o.step())
    if (auto it = out.find(o.text(0)); it != out.end())
      if (std::optional<Digest> d = Digest::fromHex(o.text(2))) it->second.outputs.emplace_back(o.text(1), *d);
  return out;
}

void SqliteStore::recordResults(int64_t run, const std::vector<NodeRecord>& records) {
  if (records.empty()) return;
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  Statement insert(db_, "INSERT OR REPLACE INTO node_results (run, node, status, exit_code, seconds, why, cpu_seconds, "
                        "max_rss_bytes, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const NodeRecord& r : records)
    insert.bind(1, run).bind(2, r.node).bind(3, r.status).bind(4, static_cast<int64_t>(r.exitCode)).bind(5, r.seconds)
        .bind(6, r.why)
        .bind(7, r.cpuSeconds)
        .bind(8, r.maxRssBytes)
        .bind(9, r.jobId)
        .run();
  exec("COMMIT", ignored);
}

std::optional<NodeSuccess> SqliteStore::lastSuccess(const std::string& node) const {
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

std::vector<NodeRecord> SqliteStore::runResults(int64_t run) const {
  Statement s(db_, "SELECT node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes, job_id FROM node_results "
                   "WHERE run = ? ORDER BY rowid");
  s.bind(1, run);
  std::vector<NodeRecord> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.real(3), s.text(4), s.real(5), s.integer(6),
                   recordedJobId(s.text(7))});
  return out;
}

void SqliteStore::saveGraph(const std::string& digest, const std::string& json) {
  Statement known(db_, "SELECT 1 FROM graphs WHERE digest = ?");
  known.bind(1, digest);
  if (known.step()) return;
  Statement(db_, "INSERT OR IGNORE INTO graphs VALUES (?, ?)").bind(1, digest).bind(2, json).run();
}

std::optional<std::string> SqliteStore::noopManifest(const std::string& key, int64_t* run) const {
  Statement s(db_, "SELECT body, run FROM noop_manifest WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  if (run) *run = s.integer(1);
  return s.text(0);
}

void SqliteStore::saveNoopManifest(const std::string& key, const std::string& body, int64_t run) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  exec("DELETE FROM noop_manifest", ignored);
  Statement(db_, "INSERT INTO noop_manifest (key, body, run) VALUES (?, ?, ?)").bind(1, key).bind(2, body).bind(3, run).run();
  exec("COMMIT", ignored);
}

void SqliteStore::forgetNoopManifest() {
  std::string ignored;
  exec("DELETE FROM noop_manifest", ignored);
}

std::optional<std::string> SqliteStore::newestGraph() const {
  Statement s(db_, "SELECT json FROM graphs ORDER BY rowid DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::optional<std::string> SqliteStore::lastGraph(int64_t* run) const {
  Statement s(db_,
              "SELECT runs.id, graphs.json FROM runs JOIN graphs ON graphs.digest = runs.ir_digest "
              "ORDER BY runs.id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  if (run) *run = s.integer(0);
  return s.text(1);
}

std::optional<std::string> SqliteStore::graphJson(const std::string& digest) const {
  Statement s(db_, "SELECT json FROM graphs WHERE digest = ?");
  s.bind(1, digest);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::vector<RunRecord> SqliteStore::runs() const {
  Statement s(db_,
              "SELECT id, started_at, COALESCE(finished_at, ''), status, ir_digest, COALESCE(noop_of, 0), external_id "
              "FROM runs ORDER BY id");
  std::vector<RunRecord> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.text(6)});
  return out;
}

std::vector<std::pair<int64_t, NodeRecord>> SqliteStore::nodeHistory(const std::string& node) const {
  Statement s(db_,
              "SELECT run, node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes, job_id FROM node_results "
              "WHERE node = ?1 "
              "UNION ALL "
              "SELECT runs.id, r.node, CASE r.status WHEN 'checked' THEN 'checked' ELSE 'cached' END, 0, 0, "
              "'no-op run: no file changed since run ' || r.run, 0, 0, '' "
              "FROM runs JOIN node_results r ON r.run = runs.noop_of AND r.node = ?1 "
              "ORDER BY 1");
  s.bind(1, node);
  std::vector<std::pair<int64_t, NodeRecord>> out;
  while (s.step())
    out.push_back({s.integer(0), {s.text(1), s.text(2), static_cast<int>(s.integer(3)), s.real(4), s.text(5),
                                  s.real(6), s.integer(7), recordedJobId(s.text(8))}});
  return out;
}

void SqliteStore::recordArtifact(const ArtifactRecord& a) {
  Statement(db_, "INSERT OR REPLACE INTO artifacts (run, model, digest, metrics, at, subjects) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, a.run)
      .bind(2, a.model)
      .bind(3, a.digest)
      .bind(4, a.metrics)
      .bind(5, a.at.empty() ? utcTimestamp() : a.at)
      .bind(6, a.subjects)
      .run();
}

std::vector<ArtifactRecord> SqliteStore::findArtifacts(const std::string& modelId,
                                                       const std::string& digestPrefix) const {
  // substr, not LIKE or GLOB: the prefix is the user's text, wildcards and all.
  Statement s(db_, "SELECT run, model, digest, metrics, at, subjects FROM artifacts "
                   "WHERE model = ?1 AND substr(digest, 1, length(?2)) = ?2 ORDER BY run DESC, rowid DESC");
  s.bind(1, modelId).bind(2, digestPrefix);
  std::vector<ArtifactRecord> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  return out;
}

void SqliteStore::recordKpiReadings(const std::vector<KpiReading>& readings) {
  if (readings.empty()) return;
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  Statement s(db_, "INSERT INTO kpi_readings (run, kpi, metric, value, target, met, model, artifact, source, node, "
                   "origin, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const KpiReading& r : readings) {
    s.bind(1, r.run)
        .bind(2, r.kpi)
        .bind(3, r.metric)
        .bind(4, r.value)
        .bind(5, r.target)
        .bind(6, static_cast<int64_t>(r.met ? 1 : 0))
        .bind(7, r.model)
        .bind(8, r.artifact)
        .bind(9, r.source)
        .bind(10, r.node)
        .bind(11, r.origin)
        .bind(12, r.at.empty() ? utcTimestamp() : r.at)
        .run();
  }
  exec("COMMIT", ignored);
}

std::vector<KpiReading> SqliteStore::kpiReadings() const {
  Statement s(db_, "SELECT rowid, run, kpi, metric, value, target, met, model, artifact, source, node, origin, at "
                   "FROM kpi_readings ORDER BY rowid");
  std::vector<KpiReading> out;
  while (s.step())
    out.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.real(4), s.text(5), s.integer(6) != 0,
                   s.text(7), s.text(8), s.text(9), s.text(10), s.text(11), s.text(12)});
  return out;
}

void SqliteStore::recordAbConclusion(const AbRecord& a) {
  Statement(db_, "INSERT INTO ab_conclusions (run, deploy, model, artifact, metric, stage, decision, action, "
                 "conclusion, summary, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, a.run)
      .bind(2, a.deploy)
      .bind(3, a.model)
      .bind(4, a.artifact)
      .bind(5, a.metric)
      .bind(6, a.stage)
      .bind(7, a.decision)
      .bind(8, a.action)
      .bind(9, a.conclusion)
      .bind(10, a.summary)
      .bind(11, a.at.empty() ? utcTimestamp() : a.at)
      .run();
}

std::vector<AbRecord> SqliteStore::abConclusions() const {
  Statement s(db_, "SELECT rowid, run, deploy, model, artifact, metric, stage, decision, action, conclusion, summary, at "
                   "FROM ab_conclusions ORDER BY rowid");
  std::vector<AbRecord> out;
  while (s.step())
    out.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7),
                   s.text(8), s.text(9), s.text(10), s.text(11)});
  return out;
}

namespace {

const char* const kApprovalHeadSql = "SELECT id, hash, at FROM approvals ORDER BY id DESC LIMIT 1";

// Whether the row went in (a signed row also passes approvals_signed_whole).
bool insertApproval(sqlite3* db, const ApprovalRecord& r) {
  return Statement(db, "INSERT INTO approvals (id, gate, role, email, comment, artifact, at, prev_hash, hash, "
                       "payload, signature, signing_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, r.id)
      .bind(2, r.gate)
      .bind(3, r.role)
      .bind(4, r.email)
      .bind(5, r.comment)
      .bind(6, r.artifact)
      .bind(7, r.at)
      .bind(8, r.prevHash)
      .bind(9, r.hash)
      .bind(10, r.payload)
      .bind(11, r.signature)
      .bind(12, r.signingKey)
      .done();
}

}  // namespace

ApprovalRecord SqliteStore::appendApproval(ApprovalRecord r, const std::function<std::string(const ApprovalRecord&)>& hash) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  std::tie(r.id, r.prevHash) = nextLink(db_, kApprovalHeadSql);
  r.at = utcTimestamp();
  r.hash = hash(r);
  insertApproval(db_, r);
  exec("COMMIT", ignored);
  return r;
}

ApprovalHead SqliteStore::approvalsHead() const {
  Statement head(db_, kApprovalHeadSql);
  if (!head.step()) return {};
  return {head.integer(0), head.text(1), head.text(2)};
}

std::optional<ApprovalRecord> SqliteStore::appendSignedApproval(
    ApprovalRecord r, const std::function<std::string(const ApprovalRecord&)>& hash) {
  std::string ignored;
  // BEGIN IMMEDIATE takes the write lock before the head is read: no other
  // writer appends between the check and the insert.
  if (!exec("BEGIN IMMEDIATE", ignored)) return std::nullopt;
  ApprovalHead head = approvalsHead();
  if (head.id != r.id - 1 || head.hash != r.prevHash) {
    exec("ROLLBACK", ignored);
    return std::nullopt;
  }
  r.hash = hash(r);
  if (!insertApproval(db_, r) || !exec("COMMIT", ignored)) {
    exec("ROLLBACK", ignored);
    return std::nullopt;
  }
  return r;
}

std::vector<ApprovalRecord> SqliteStore::approvals() const {
  Statement s(db_, "SELECT id, gate, role, email, comment, artifact, at, prev_hash, hash, payload, signature, "
                   "signing_key FROM approvals ORDER BY id");
  std::vector<ApprovalRecord> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.text(8),
                   s.text(9), s.text(10), s.text(11)});
  return out;
}

namespace {
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
  p.evidence = s.text(12);
  return p;
}

// Every gate pass with its profiles, in id order. `evidenceColumn`: the
// column, or `''` while migrating a schema that has none yet.
std::vector<GatePass> loadGatePasses(sqlite3* db, const std::string& evidenceColumn) {
  Statement s(db, ("SELECT id, gate, model, artifact, run, at, approvals_count, approvals_head, metrics, policy, "
                   "prev_hash, hash, " +
                   evidenceColumn + " FROM gate_passes ORDER BY id")
                      .c_str());
  std::vector<GatePass> out;
  std::unordered_map<int64_t, size_t> index;
  while (s.step()) {
    index[s.integer(0)] = out.size();
    out.push_back(readGatePass(s));
  }
  Statement profiles(db, "SELECT gate_pass, data, column_name, profile FROM reference_profiles "
                         "ORDER BY gate_pass, data, column_name");
  while (profiles.step())
    if (auto it = index.find(profiles.integer(0)); it != index.end())
      out[it->second].profiles.push_back({profiles.text(1), profiles.text(2), profiles.text(3)});
  return out;
}
}  // namespace

GatePass SqliteStore::recordGatePass(GatePass p) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  std::tie(p.id, p.prevHash) = nextLink(db_, "SELECT id, hash FROM gate_passes ORDER BY id DESC LIMIT 1");
  p.at = utcTimestamp();
  std::sort(p.profiles.begin(), p.profiles.end(), [](const ReferenceProfile& a, const ReferenceProfile& b) {
    return std::tie(a.data, a.column) < std::tie(b.data, b.column);
  });
  p.hash = gatePassHash(p);
  Statement(db_, "INSERT INTO gate_passes (id, gate, model, artifact, run, at, approvals_count, approvals_head, "
                 "metrics, policy, prev_hash, hash, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
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
      .bind(13, p.evidence)
      .run();
  Statement insert(db_, "INSERT INTO reference_profiles VALUES (?, ?, ?, ?)");
  for (const ReferenceProfile& r : p.profiles) insert.bind(1, p.id).bind(2, r.data).bind(3, r.column).bind(4, r.profile).run();
  exec("COMMIT", ignored);
  return p;
}

std::vector<GatePass> SqliteStore::gatePasses() const { return loadGatePasses(db_, "evidence"); }

bool SqliteStore::sealGatePasses(std::string& error) {
  // At schema 5: no evidence yet (none of these passes has any).
  std::vector<GatePass> passes = loadGatePasses(db_, "''");
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

void SqliteStore::loadHashes(FileHasher& hasher) const {
  Statement s(db_, "SELECT path, device, inode, size, mtime_ns, ctime_ns, digest FROM file_hashes");
  while (s.step())
    if (std::optional<Digest> d = Digest::fromHex(s.text(6)))
      hasher.remember(s.text(0), {{static_cast<uint64_t>(s.integer(1)), static_cast<uint64_t>(s.integer(2)),
                                   static_cast<uint64_t>(s.integer(3)), s.integer(4), s.integer(5)},
                                  *d},
                      /*loaded=*/true);
}

void SqliteStore::saveHashes(const FileHasher& hasher) {
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

std::vector<StateTable> SqliteStore::exportTables() const {
  std::vector<StateTable> out;
  for (const std::string& name : stateTableNames()) {
    const std::vector<std::string>& columns = *stateTableColumns(name);
    std::string sql = "SELECT ";
    for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + columns[c];
    sql += " FROM " + name + " ORDER BY rowid";
    Statement s(db_, sql.c_str());
    StateTable table{name, columns, {}};
    while (s.step()) {
      std::vector<std::optional<std::string>> row;
      for (size_t c = 0; c < columns.size(); ++c)
        row.push_back(s.isNull(static_cast<int>(c))
                          ? std::nullopt
                          : std::optional<std::string>(
                                isRealColumn(name, columns[c]) ? exactReal(s.real(static_cast<int>(c)))
                                                               : exportedCell(name, columns[c], s.text(static_cast<int>(c)))));
      table.rows.push_back(std::move(row));
    }
    out.push_back(std::move(table));
  }
  return out;
}

bool SqliteStore::importTables(const std::vector<StateTable>& tables, std::string& error) {
  std::string ignored;
  exec("BEGIN IMMEDIATE", ignored);
  for (const std::string& name : stateTableNames()) {
    Statement count(db_, ("SELECT count(*) FROM " + name).c_str());
    if (count.step() && count.integer(0) > 0) {
      exec("ROLLBACK", ignored);
      error = "the record at " + path_ + " is not empty (" + name + " has rows): import copies into an empty record only";
      return false;
    }
  }
  for (const StateTable& t : tables) {
    const std::vector<std::string>* columns = stateTableColumns(t.name);
    if (!columns || *columns != t.columns) {
      exec("ROLLBACK", ignored);
      error = "unknown table or columns `" + t.name + "`";
      return false;
    }
    std::string sql = "INSERT INTO " + t.name + " (", values;
    for (size_t c = 0; c < columns->size(); ++c) {
      sql += (c ? ", " : "") + (*columns)[c];
      values += c ? ", ?" : "?";
    }
    sql += ") VALUES (" + values + ")";
    Statement insert(db_, sql.c_str());
    for (const auto& row : t.rows) {
      for (size_t c = 0; c < row.size(); ++c)
        if (row[c]) insert.bind(static_cast<int>(c + 1), *row[c]);
        else insert.bindNull(static_cast<int>(c + 1));
      if (!insert.done()) {
        error = "cannot import a row of `" + t.name + "` into " + path_ + ": " + sqlite3_errmsg(db_);
        exec("ROLLBACK", ignored);
        return false;
      }
      insert.reset();
    }
  }
  if (!exec("COMMIT", error)) {
    exec("ROLLBACK", ignored);
    return false;
  }
  return true;
}

std::vector<std::pair<int64_t, NodeRecord>> SqliteStore::allNodeResults() const {
  Statement s(db_,
              "SELECT run, node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes, job_id FROM node_results "
              "UNION ALL "
              "SELECT runs.id, r.node, CASE r.status WHEN 'checked' THEN 'checked' ELSE 'cached' END, 0, 0, "
              "'no-op run: no file changed since run ' || r.run, 0, 0, '' "
              "FROM runs JOIN node_results r ON r.run = runs.noop_of "
              "ORDER BY 1, 2");
  std::vector<std::pair<int64_t, NodeRecord>> out;
  while (s.step())
    out.push_back({s.integer(0), {s.text(1), s.text(2), static_cast<int>(s.integer(3)), s.real(4), s.text(5),
                                  s.real(6), s.integer(7), recordedJobId(s.text(8))}});
  return out;
}

}  // namespace mlops::runtime

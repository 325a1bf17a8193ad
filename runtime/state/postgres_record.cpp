#include "runtime/state/postgres_record.h"

#include "runtime/gate_pass_chain.h"
#include "runtime/state/pg_conninfo.h"
#include "runtime/state/postgres_migrations.h"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

namespace mlops::runtime {

struct PostgresRecord::Outcome {
  std::unique_ptr<PGresult, void (*)(PGresult*)> result{nullptr, PQclear};
  std::string sqlstate, message;
  bool ok = false;
  int rows() const { return result ? PQntuples(result.get()) : 0; }
  std::string text(int row, int col) const { return PQgetvalue(result.get(), row, col); }
  bool null(int row, int col) const { return PQgetisnull(result.get(), row, col); }
  int64_t integer(int row, int col) const { return std::strtoll(PQgetvalue(result.get(), row, col), nullptr, 10); }
  double real(int row, int col) const { return std::strtod(PQgetvalue(result.get(), row, col), nullptr); }
};

std::string pgSchemaName(const std::string& projectName) {
  std::string out = "mlops_";
  for (char c : projectName) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (std::isalnum(u) && u < 0x80) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (out.size() > 63) out.resize(63);  // NAMEDATALEN - 1
  return out;
}

PostgresRecord::~PostgresRecord() {
  flushResults();
  collectSent();
  PQfinish(conn_);
}

std::string PostgresRecord::masked(const std::string& libpqText) const {
  std::string text = libpqText;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ' ';
  return maskPgMessage(text, "", "", secrets_, /*quotedToo=*/false);
}

void PostgresRecord::fail(const std::string& message) const {
  if (!error_.empty()) return;
  error_ = "the record at " + describe() + " failed: " + message;
  failure_ = message;
}

bool PostgresRecord::ok() const {
  if (!error_.empty()) return false;
  // Between statements nothing is due from the server: a readable socket
  // is its goodbye (an immediate shutdown's FATAL message, or EOF), which
  // PQconsumeInput reads and reports as a connection gone bad.
  // With a batch in flight, its answer is what arrives.
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0 || ::poll(&fd, 1, 0) > 0) {
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) fail(masked(PQerrorMessage(conn_)));
    else if (inFlight_ && !PQisBusy(conn_)) collectSent();
  }
  return error_.empty();
}

std::string PostgresRecord::describe() const {
  return shown_ + (schema_.empty() ? "" : " (schema " + schema_ + ")");
}

PostgresRecord::Outcome PostgresRecord::run(const char* sql, const std::vector<std::string>& params) const {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  Outcome out;
  collectSent();
  if (!error_.empty()) {
    out.message = failure_;
    return out;
  }
  // Without parameters, PQexec: the migrations are scripts of several statements.
  out.result.reset(params.empty() ? PQexec(conn_, sql)
                                  : PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                                 nullptr, nullptr, 0));
  ExecStatusType status = out.result ? PQresultStatus(out.result.get()) : PGRES_FATAL_ERROR;
  out.ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!out.ok) {
    if (out.result)
      if (const char* state = PQresultErrorField(out.result.get(), PG_DIAG_SQLSTATE)) out.sqlstate = state;
    out.message = masked(out.result ? PQresultErrorMessage(out.result.get()) : PQerrorMessage(conn_));
    if (out.message.empty()) out.message = masked(PQerrorMessage(conn_));
  }
  return out;
}

bool PostgresRecord::exec(const char* sql, const std::vector<std::string>& params, Outcome* out) const {
  if (!error_.empty()) return false;
  Outcome o = run(sql, params);
  if (!o.ok) fail(o.message);
  bool ok = o.ok;
  if (out) *out = std::move(o);
  return ok;
}

bool PostgresRecord::transaction(int lockKey, const std::function<bool(Outcome& failed)>& body) {
  flushResults();
  if (!error_.empty()) return false;
  std::minstd_rand jitter(static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 0;; ++attempt) {
    Outcome failed;
    if (Outcome begin = run("BEGIN ISOLATION LEVEL READ COMMITTED", {}); !begin.ok) {
      failed = std::move(begin);
    } else if (Outcome lock = lockKey ? run("SELECT pg_advisory_xact_lock(hashtext($1), $2::int)",
                                            {schema_, std::to_string(lockKey)})
                                      : Outcome{};
               lockKey && !lock.ok) {
      failed = std::move(lock);
    } else if (body(failed)) {
      Outcome commit = run("COMMIT", {});
      if (commit.ok) return true;
      failed = std::move(commit);
    }
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) run("ROLLBACK", {});
    // The body refused without a database error: the caller says why.
    if (failed.message.empty() && failed.sqlstate.empty() && PQstatus(conn_) == CONNECTION_OK) return false;
    bool retry = failed.sqlstate == "40001" || failed.sqlstate == "40P01" || failed.sqlstate == "23505";
    if (!retry || attempt == 4 || PQstatus(conn_) != CONNECTION_OK) {
      fail(failed.message.empty() ? masked(PQerrorMessage(conn_)) : failed.message);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % (20 << attempt)));
  }
}

std::unique_ptr<PostgresRecord> PostgresRecord::open(const std::string& conninfo, const std::string& pgPassword,
                                                     const std::string& project, Migrate migrate, std::string& error,
                                                     int* migratedFrom) {
  std::optional<PgConnInfo> info = parsePgConnInfo(conninfo, error);
  if (!info) return nullptr;
  std::vector<std::string> secrets = info->passwords;
  secrets.push_back(conninfo);
  if (!pgPassword.empty()) secrets.push_back(pgPassword);
  // The string first (expand_dbname: a URI or keyword string), then what
  // mlopsc sets; a password taken from PGPASSWORD only when it has none.
  std::vector<const char*> keys = {"dbname", "application_name", "connect_timeout"};
  std::vector<const char*> values = {conninfo.c_str(), "mlopsc", "10"};
  if (!info->hasPassword && !pgPassword.empty()) {
    keys.push_back("password");
    values.push_back(pgPassword.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  std::unique_ptr<PostgresRecord> record(new PostgresRecord(conn, info->masked, std::move(secrets)));
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = conn ? record->masked(PQerrorMessage(conn)) : "out of memory";
    error = "cannot connect to the record at " + info->masked + ": " + reason;
    if (conn && PQconnectionNeedsPassword(conn)) error += " (give the password in ~/.pgpass, PGPASSWORD or the URL)";
    return nullptr;
  }
  if (!record->selectSchema(project, error)) return nullptr;
  if (migrate == Migrate::OnOpen) {
    if (!record->migrate(migratedFrom, error)) return nullptr;
  } else if (int version = record->schemaVersion(); version > kStateSchemaVersion) {
    error = "the record at " + record->describe() + " is schema " + std::to_string(version) +
            "; this mlopsc knows up to " + std::to_string(kStateSchemaVersion) + ": upgrade mlopsc";
    return nullptr;
  }
  return record;
}

bool PostgresRecord::selectSchema(const std::string& project, std::string& error) {
  if (!project.empty()) {
    schema_ = pgSchemaName(project);
  } else {
    Outcome found = run("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'mlops\\_%' "
                        "AND to_regclass(quote_ident(nspname) || '.meta') IS NOT NULL ORDER BY nspname",
                        {});
    if (!found.ok) {
      error = "the record at " + shown_ + " failed: " + found.message;
      return false;
    }
    if (found.rows() != 1) {
      std::string names;
      for (int i = 0; i < found.rows(); ++i) names += (i ? ", " : "") + found.text(i, 0);
      error = found.rows() == 0
                  ? "the record at " + shown_ + " holds no project yet: run `mlopsc run SPEC` with it first"
                  : "the record at " + shown_ + " holds several projects (" + names +
                        "): run the command where a spec names the project (`mlopsc status SPEC`), or give its "
                        "checkout with --project";
      return false;
    }
    schema_ = found.text(0, 0);
  }
  // Every statement below names its tables unqualified: the project's
  // schema first on the path (pg_catalog stays implicit).
  Outcome path = run("SELECT set_config('search_path', quote_ident($1), false)", {schema_});
  if (!path.ok) {
    error = "the record at " + describe() + " failed: " + path.message;
    return false;
  }
  return true;
}

int PostgresRecord::schemaVersion() const {
  Outcome exists = run("SELECT to_regclass(quote_ident($1) || '.meta') IS NOT NULL", {schema_});
  if (!exists.ok || exists.rows() != 1) return -1;
  if (exists.text(0, 0) != "t") return 0;
  Outcome v = run("SELECT value FROM meta WHERE key = 'schema_version'", {});
  if (!v.ok) return -1;
  return v.rows() == 1 ? std::atoi(v.text(0, 0).c_str()) : 0;
}

bool PostgresRecord::migrate(int* migratedFrom, std::string& error) {
  int from = -1;
  bool newer = false;
  bool ok = transaction(3, [&](Outcome& failed) {
    from = schemaVersion();
    if (from < 0) {
      failed = run("SELECT value FROM meta WHERE key = 'schema_version'", {});
      return false;
    }
    if (from >= kStateSchemaVersion) {
      newer = from > kStateSchemaVersion;
      return !newer;
    }
    std::string quoted = "\"";
    for (char c : schema_) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    // Only a new record: a schema with a version exists already, and
    // creating it again would print the server's "already exists,
    // skipping" notice on every upgrade.
    if (from == 0)
      for (std::string sql : {"CREATE SCHEMA IF NOT EXISTS " + quoted + "\"",
                              std::string("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")})
        if (Outcome o = run(sql.c_str(), {}); !o.ok) {
          failed = std::move(o);
          return false;
        }
    for (const PgMigration& m : pgMigrations()) {
      if (m.toVersion <= from) continue;
      if (Outcome o = run(m.sql, {}); !o.ok) {
        o.message = "migration to version " + std::to_string(m.toVersion) + " failed: " + o.message;
        failed = std::move(o);
        return false;
      }
    }
    Outcome o = run("INSERT INTO meta VALUES ('schema_version', $1), ('migrated_at', $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    {std::to_string(kStateSchemaVersion), utcTimestamp()});
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
  if (newer) {
    error = "the record at " + describe() + " is schema " + std::to_string(from) + "; this mlopsc knows up to " +
            std::to_string(kStateSchemaVersion) + ": upgrade mlopsc";
    return false;
  }
  if (!ok) {
    error = error_;
    return false;
  }
  if (migratedFrom) *migratedFrom = from < kStateSchemaVersion ? from : -1;
  return true;
}

int PostgresRecord::serverVersion() const { return PQserverVersion(conn_); }

int64_t PostgresRecord::beginRun(const std::string& irDigest, int64_t noopOf, const std::string& externalId) {
  flushResults();
  Outcome o;
  if (externalId.empty()) {
    if (!exec("INSERT INTO runs (started_at, ir_digest, noop_of) VALUES ($1, $2, NULLIF($3::bigint, 0)) RETURNING id",
              {utcTimestamp(), irDigest, std::to_string(noopOf)}, &o))
      return 0;
    return o.integer(0, 0);
  }
  // The first job of a CI run begins it; the others join it.
  if (!exec("INSERT INTO runs (started_at, ir_digest, external_id) VALUES ($1, $2, $3) "
            "ON CONFLICT (external_id) WHERE external_id <> '' DO NOTHING",
            {utcTimestamp(), irDigest, externalId}) ||
      !exec("SELECT id FROM runs WHERE external_id = $1", {externalId}, &o) || o.rows() != 1)
    return 0;
  return o.integer(0, 0);
}

namespace {

// The lease's advisory lock: one bigint key per (schema, node), a key space
// apart from the two-int keys the appends and migrations lock.
constexpr const char* kLeaseKey = "hashtextextended($1 || '/' || $2, 0)";

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "an unknown host";
  return name;
}

}  // namespace

std::string PostgresRecord::tryLease(const std::string& node, int64_t run) {
  flushResults();
  Outcome o;
  if (!exec((std::string("SELECT pg_try_advisory_lock(") + kLeaseKey + ")").c_str(), {schema_, node}, &o) ||
      o.rows() != 1)
    return "the record could not say whether another run holds it: " + failure_;
  if (o.text(0, 0) == "t") {
    if (!exec("INSERT INTO node_leases (node, run, host, pid, since) VALUES ($1, $2, $3, $4, $5) "
              "ON CONFLICT (node) DO UPDATE SET run = $2, host = $3, pid = $4, since = $5",
              {node, std::to_string(run), hostName(), std::to_string(::getpid()), utcTimestamp()}))
      return "the record could not note this run as its holder: " + failure_;
    return "";
  }
  // Held by another session: its row says whose (a database row is
  // hostile input too: only shown, its control characters replaced).
  if (!exec("SELECT run, host, since FROM node_leases WHERE node = $1", {node}, &o))
    return "the record could not say who holds it: " + failure_;
  if (o.rows() != 1) return "a run that has not noted itself yet";
  std::string holder = "run " + o.text(0, 0) + " on " + o.text(0, 1) + " since " + o.text(0, 2);
  for (char& c : holder)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';  // no terminal escapes from a row
  return holder;
}

void PostgresRecord::releaseLease(const std::string& node) {
  flushResults();
  exec("DELETE FROM node_leases WHERE node = $1 AND pid = $2 AND host = $3",
       {node, std::to_string(::getpid()), hostName()});
  exec((std::string("SELECT pg_advisory_unlock(") + kLeaseKey + ")").c_str(), {schema_, node});
}

void PostgresRecord::finishRun(int64_t run, const std::string& status) {
  transaction(0, [&](Outcome& failed) {
    Outcome current = this->run("SELECT status, external_id FROM runs WHERE id = $1 FOR UPDATE", {std::to_string(run)});
    if (!current.ok) {
      failed = std::move(current);
      return false;
    }
    std::string finished = status;
    if (current.rows() == 1 && !current.text(0, 1).empty()) finished = joinedRunStatus(current.text(0, 0), status);
    Outcome o = this->run("UPDATE runs SET finished_at = $1, status = $2 WHERE id = $3",
                          {utcTimestamp(), finished, std::to_string(run)});
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
}

std::vector<RunRecord> PostgresRecord::runs() const {
  flushResults();
  Outcome o;
  std::vector<RunRecord> out;
  if (!exec("SELECT id, started_at, COALESCE(finished_at, ''), status, ir_digest, COALESCE(noop_of, 0), external_id "
            "FROM runs ORDER BY id",
            {}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), o.text(i, 1), o.text(i, 2), o.text(i, 3), o.text(i, 4), o.integer(i, 5), o.text(i, 6)});
  return out;
}

namespace {
// A run's results reach the team's record within this long, in batches of
// at most kBatch: an INSERT per node would cost the server more than the
// node costs mlopsc (docs/benchmarks.md, State backends).
constexpr std::chrono::milliseconds kHoldAtMost{1000};
constexpr size_t kBatch = 256;
}  // namespace

void PostgresRecord::recordResults(int64_t run, const std::vector<NodeRecord>& records) {
  // Sent every kBatch results, however many one call brings: a statement
  // carries at most 65,535 parameters (9 per result).
  for (const NodeRecord& r : records) {
    pending_.emplace_back(run, r);
    if (pending_.size() >= kBatch) flushResults();
  }
}

std::optional<double> PostgresRecord::sendHeldResults() {
  if (pending_.empty() || !error_.empty()) return std::nullopt;
  auto due = lastSent_ + kHoldAtMost, now = std::chrono::steady_clock::now();
  if (now < due) return std::chrono::duration<double>(due - now).count();
  flushResults();
  return std::nullopt;
}

void PostgresRecord::flushResults() const {
  collectSent();  // one batch in flight at a time
  if (pending_.empty() || !error_.empty()) {
    pending_.clear();
    return;
  }
  // One statement per batch. A node seen twice in a batch keeps its last
  // result (as INSERT OR REPLACE would).
  std::vector<std::pair<int64_t, NodeRecord>> batch;
  std::set<std::pair<int64_t, std::string>> seen;
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
    if (seen.emplace(it->first, it->second.node).second) batch.push_back(*it);
  std::reverse(batch.begin(), batch.end());
  pending_.clear();
  std::string sql =
      "INSERT INTO node_results (run, node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes, job_id) "
      "VALUES ";
  std::vector<std::string> params;
  for (size_t i = 0; i < batch.size(); ++i) {
    size_t b = i * 9;
    sql += (i ? ", " : "") + std::string("($") + std::to_string(b + 1) + "::bigint, $" + std::to_string(b + 2) + ", $" +
           std::to_string(b + 3) + ", $" + std::to_string(b + 4) + "::bigint, $" + std::to_string(b + 5) +
           "::double precision, $" + std::to_string(b + 6) + ", $" + std::to_string(b + 7) + "::double precision, $" +
           std::to_string(b + 8) + "::bigint, $" + std::to_string(b + 9) + ")";
    const NodeRecord& r = batch[i].second;
    char seconds[32], cpu[32];
    std::snprintf(seconds, sizeof seconds, "%.17g", r.seconds);
    std::snprintf(cpu, sizeof cpu, "%.17g", r.cpuSeconds);
    params.insert(params.end(), {std::to_string(batch[i].first), r.node, r.status, std::to_string(r.exitCode), seconds,
                                 r.why, cpu, std::to_string(r.maxRssBytes), r.jobId});
  }
  sql += " ON CONFLICT (run, node) DO UPDATE SET status = excluded.status, exit_code = excluded.exit_code, "
         "seconds = excluded.seconds, why = excluded.why, cpu_seconds = excluded.cpu_seconds, "
         "max_rss_bytes = excluded.max_rss_bytes, job_id = excluded.job_id";
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                        0) == 0) {
    fail(masked(PQerrorMessage(conn_)));
    return;
  }
  inFlight_ = true;
  lastSent_ = std::chrono::steady_clock::now();
}

void PostgresRecord::collectSent() const {
  if (!inFlight_) return;
  inFlight_ = false;
  // PQgetResult waits for the answer; a failed insert (or a server gone)
  // is the sticky error the run stops on.
  while (PGresult* raw = PQgetResult(conn_)) {
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(raw, PQclear);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK) fail(masked(PQresultErrorMessage(raw)));
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail(masked(PQerrorMessage(conn_)));
}

std::vector<NodeRecord> PostgresRecord::runResults(int64_t run) const {
  flushResults();
  Outcome o;
  std::vector<NodeRecord> out;
  if (!exec("SELECT node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes, job_id FROM node_results "
            "WHERE run = $1 ORDER BY seq",
            {std::to_string(run)}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.text(i, 0), o.text(i, 1), static_cast<int>(o.integer(i, 2)), o.real(i, 3), o.text(i, 4),
                   o.real(i, 5), o.integer(i, 6), recordedJobId(o.text(i, 7))});
  return out;
}

std::vector<std::pair<int64_t, NodeRecord>> PostgresRecord::nodeHistory(const std::string& node) const {
  flushResults();
  Outcome o;
  std::vector<std::pair<int64_t, NodeRecord>> out;
  if (!exec("SELECT run, node, status, exit_code, seconds, why, seq, cpu_seconds, max_rss_bytes, job_id FROM node_results "
            "WHERE node = $1 "
            "UNION ALL "
            "SELECT runs.id, r.node, CASE r.status WHEN 'checked' THEN 'checked' ELSE 'cached' END, 0, 0, "
            "'no-op run: no file changed since run ' || r.run, r.seq, 0, 0, '' "
            "FROM runs JOIN node_results r ON r.run = runs.noop_of AND r.node = $1 "
            "ORDER BY 1, 7",
            {node}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), {o.text(i, 1), o.text(i, 2), static_cast<int>(o.integer(i, 3)), o.real(i, 4),
                                     o.text(i, 5), o.real(i, 7), o.integer(i, 8), recordedJobId(o.text(i, 9))}});
  return out;
}

void PostgresRecord::saveGraph(const std::string& digest, const std::string& json) {
  flushResults();
  exec("INSERT INTO graphs VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", {digest, json});
}

std::optional<std::string> PostgresRecord::lastGraph(int64_t* run) const {
  flushResults();
  Outcome o;
  if (!exec("SELECT runs.id, graphs.json FROM runs JOIN graphs ON graphs.digest = runs.ir_digest "
            "ORDER BY runs.id DESC LIMIT 1",
            {}, &o) ||
      o.rows() != 1)
    return std::nullopt;
  if (run) *run = o.integer(0, 0);
  return o.text(0, 1);
}

std::optional<std::string> PostgresRecord::graphJson(const std::string& digest) const {
  flushResults();
  Outcome o;
  if (!exec("SELECT json FROM graphs WHERE digest = $1", {digest}, &o) || o.rows() != 1) return std::nullopt;
  return o.text(0, 0);
}

void PostgresRecord::recordArtifact(const ArtifactRecord& a) {
  flushResults();
  exec("INSERT INTO artifacts (run, model, digest, metrics, at, subjects) VALUES ($1, $2, $3, $4, $5, $6) "
       "ON CONFLICT (model, digest, run) DO UPDATE SET metrics = excluded.metrics, at = excluded.at, "
       "subjects = excluded.subjects",
       {std::to_string(a.run), a.model, a.digest, a.metrics, a.at.empty() ? utcTimestamp() : a.at, a.subjects});
}

std::vector<ArtifactRecord> PostgresRecord::findArtifacts(const std::string& modelId,
                                                          const std::string& digestPrefix) const {
  flushResults();
  Outcome o;
  std::vector<ArtifactRecord> out;
  if (!exec("SELECT run, model, digest, metrics, at, subjects FROM artifacts "
            "WHERE model = $1 AND left(digest, length($2)) = $2 ORDER BY run DESC, seq DESC",
            {modelId, digestPrefix}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i) out.push_back({o.integer(i, 0), o.text(i, 1), o.text(i, 2), o.text(i, 3), o.text(i, 4), o.text(i, 5)});
  return out;
}

void PostgresRecord::recordKpiReadings(const std::vector<KpiReading>& readings) {
  if (readings.empty()) return;
  transaction(0, [&](Outcome& failed) {
    for (const KpiReading& r : readings) {
      Outcome o = run("INSERT INTO kpi_readings (run, kpi, metric, value, target, met, model, artifact, source, node, "
                      "origin, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                      {std::to_string(r.run), r.kpi, r.metric, exactReal(r.value), r.target, r.met ? "1" : "0",
                       r.model, r.artifact, r.source, r.node, r.origin, r.at.empty() ? utcTimestamp() : r.at});
      if (!o.ok) {
        failed = std::move(o);
        return false;
      }
    }
    return true;
  });
}

std::vector<KpiReading> PostgresRecord::kpiReadings() const {
  flushResults();
  Outcome o;
  std::vector<KpiReading> out;
  if (!exec("SELECT seq, run, kpi, metric, value::text, target, met, model, artifact, source, node, origin, at "
            "FROM kpi_readings ORDER BY seq",
            {}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), o.integer(i, 1), o.text(i, 2), o.text(i, 3), o.real(i, 4),
                   o.text(i, 5), o.integer(i, 6) != 0, o.text(i, 7), o.text(i, 8), o.text(i, 9), o.text(i, 10),
                   o.text(i, 11), o.text(i, 12)});
  return out;
}

void PostgresRecord::recordAbConclusion(const AbRecord& a) {
  flushResults();
  exec("INSERT INTO ab_conclusions (run, deploy, model, artifact, metric, stage, decision, action, conclusion, "
       "summary, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
       {std::to_string(a.run), a.deploy, a.model, a.artifact, a.metric, a.stage, a.decision, a.action, a.conclusion,
        a.summary, a.at.empty() ? utcTimestamp() : a.at});
}

std::vector<AbRecord> PostgresRecord::abConclusions() const {
  flushResults();
  Outcome o;
  std::vector<AbRecord> out;
  if (!exec("SELECT seq, run, deploy, model, artifact, metric, stage, decision, action, conclusion, summary, at "
            "FROM ab_conclusions ORDER BY seq",
            {}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), o.integer(i, 1), o.text(i, 2), o.text(i, 3), o.text(i, 4), o.text(i, 5),
                   o.text(i, 6), o.text(i, 7), o.text(i, 8), o.text(i, 9), o.text(i, 10), o.text(i, 11)});
  return out;
}

namespace {

const char* const kInsertApproval =
    "INSERT INTO approvals (id, gate, role, email, comment, artifact, at, prev_hash, hash, payload, signature, "
    "signing_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

std::vector<std::string> approvalParams(const ApprovalRecord& r) {
  return {std::to_string(r.id), r.gate, r.role,   r.email,     r.comment,  r.artifact,
          r.at,                 r.prevHash, r.hash, r.payload, r.signature, r.signingKey};
}

const char* const kApprovalHead = "SELECT id, hash, at FROM approvals ORDER BY id DESC LIMIT 1";

}  // namespace

ApprovalRecord PostgresRecord::appendApproval(ApprovalRecord r,
                                              const std::function<std::string(const ApprovalRecord&)>& hash) {
  transaction(1, [&](Outcome& failed) {
    Outcome head = run(kApprovalHead, {});
    if (!head.ok) {
      failed = std::move(head);
      return false;
    }
    r.id = head.rows() ? head.integer(0, 0) + 1 : 1;
    r.prevHash = head.rows() ? head.text(0, 1) : std::string(64, '0');
    r.at = utcTimestamp();
    r.hash = hash(r);
    Outcome o = run(kInsertApproval, approvalParams(r));
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
  return r;
}

ApprovalHead PostgresRecord::approvalsHead() const {
  flushResults();
  Outcome o;
  if (!exec(kApprovalHead, {}, &o) || o.rows() != 1) return {};
  return {o.integer(0, 0), o.text(0, 1), o.text(0, 2)};
}

std::optional<ApprovalRecord> PostgresRecord::appendSignedApproval(
    ApprovalRecord r, const std::function<std::string(const ApprovalRecord&)>& hash) {
  // Under the chain's lock (key 1, as appendApproval) the head cannot move
  // between the check and the insert; UNIQUE(prev_hash) is the backstop
  // against a writer that skips the lock (its unique violation retries,
  // and the retry finds the head moved).
  bool moved = false;
  bool ok = transaction(1, [&](Outcome& failed) {
    moved = false;
    Outcome head = run(kApprovalHead, {});
    if (!head.ok) {
      failed = std::move(head);
      return false;
    }
    int64_t id = head.rows() ? head.integer(0, 0) : 0;
    std::string last = head.rows() ? head.text(0, 1) : std::string(64, '0');
    if (id != r.id - 1 || last != r.prevHash) {
      moved = true;
      return false;  // no database error: transaction() rolls back and returns false
    }
    r.hash = hash(r);
    Outcome o = run(kInsertApproval, approvalParams(r));
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
  if (!ok || moved) return std::nullopt;
  return r;
}

bool PostgresRecord::takeSignerTurn(std::chrono::milliseconds wait) {
  flushResults();
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
  for (;;) {
    Outcome o = run("SELECT pg_try_advisory_lock(hashtext($1), 4)", {schema_});
    if (!o.ok || o.rows() != 1) return false;  // the append will say what is wrong
    if (o.text(0, 0) == "t") return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + jitter() % 30));
  }
}

void PostgresRecord::endSignerTurn() { run("SELECT pg_advisory_unlock(hashtext($1), 4)", {schema_}); }

std::vector<ApprovalRecord> PostgresRecord::approvals() const {
  flushResults();
  Outcome o;
  std::vector<ApprovalRecord> out;
  if (!exec("SELECT id, gate, role, email, comment, artifact, at, prev_hash, hash, payload, signature, signing_key "
            "FROM approvals ORDER BY id",
            {}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), o.text(i, 1), o.text(i, 2), o.text(i, 3), o.text(i, 4), o.text(i, 5), o.text(i, 6),
                   o.text(i, 7), o.text(i, 8), o.text(i, 9), o.text(i, 10), o.text(i, 11)});
  return out;
}

GatePass PostgresRecord::recordGatePass(GatePass p) {
  std::sort(p.profiles.begin(), p.profiles.end(), [](const ReferenceProfile& a, const ReferenceProfile& b) {
    return std::tie(a.data, a.column) < std::tie(b.data, b.column);
  });
  transaction(2, [&](Outcome& failed) {
    Outcome head = run("SELECT id, hash FROM gate_passes ORDER BY id DESC LIMIT 1", {});
    if (!head.ok) {
      failed = std::move(head);
      return false;
    }
    p.id = head.rows() ? head.integer(0, 0) + 1 : 1;
    p.prevHash = head.rows() ? head.text(0, 1) : std::string(64, '0');
    p.at = utcTimestamp();
    p.hash = gatePassHash(p);
    Outcome o = run("INSERT INTO gate_passes (id, gate, model, artifact, run, at, approvals_count, approvals_head, "
                    "metrics, policy, prev_hash, hash, evidence) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    {std::to_string(p.id), p.gate, p.model, p.artifact, std::to_string(p.run), p.at,
                     std::to_string(p.approvalsCount), p.approvalsHead, p.metrics, p.policy, p.prevHash, p.hash,
                     p.evidence});
    for (const ReferenceProfile& r : p.profiles) {
      if (!o.ok) break;
      o = run("INSERT INTO reference_profiles VALUES ($1, $2, $3, $4)", {std::to_string(p.id), r.data, r.column, r.profile});
    }
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
  return p;
}

std::vector<GatePass> PostgresRecord::gatePasses() const {
  flushResults();
  Outcome o, profiles;
  std::vector<GatePass> out;
  if (!exec("SELECT id, gate, model, artifact, run, at, approvals_count, approvals_head, metrics, policy, prev_hash, "
            "hash, evidence FROM gate_passes ORDER BY id",
            {}, &o) ||
      !exec("SELECT gate_pass, data, column_name, profile FROM reference_profiles ORDER BY gate_pass, data, column_name",
            {}, &profiles))
    return out;
  std::unordered_map<int64_t, size_t> index;
  for (int i = 0; i < o.rows(); ++i) {
    GatePass p;
    p.id = o.integer(i, 0);
    p.gate = o.text(i, 1);
    p.model = o.text(i, 2);
    p.artifact = o.text(i, 3);
    p.run = o.integer(i, 4);
    p.at = o.text(i, 5);
    p.approvalsCount = o.integer(i, 6);
    p.approvalsHead = o.text(i, 7);
    p.metrics = o.text(i, 8);
    p.policy = o.text(i, 9);
    p.prevHash = o.text(i, 10);
    p.hash = o.text(i, 11);
    p.evidence = o.text(i, 12);
    index[p.id] = out.size();
    out.push_back(std::move(p));
  }
  for (int i = 0; i < profiles.rows(); ++i)
    if (auto it = index.find(profiles.integer(i, 0)); it != index.end())
      out[it->second].profiles.push_back({profiles.text(i, 1), profiles.text(i, 2), profiles.text(i, 3)});
  return out;
}

PostgresRecord::Outcome PostgresRecord::runNullable(const std::string& sql,
                                                    const std::vector<std::optional<std::string>>& params) const {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Outcome out;
  collectSent();
  if (!error_.empty()) {
    out.message = failure_;
    return out;
  }
  out.result.reset(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                nullptr, 0));
  out.ok = out.result && PQresultStatus(out.result.get()) == PGRES_COMMAND_OK;
  if (!out.ok) {
    if (out.result)
      if (const char* state = PQresultErrorField(out.result.get(), PG_DIAG_SQLSTATE)) out.sqlstate = state;
    out.message = masked(out.result ? PQresultErrorMessage(out.result.get()) : PQerrorMessage(conn_));
  }
  return out;
}

std::vector<StateTable> PostgresRecord::exportTables() const {
  flushResults();
  // In the order rows were written: ids, or `seq` where the key is not one.
  static const std::map<std::string, std::string> order = {
      {"runs", "id"},          {"graphs", "digest"},  {"node_results", "seq"},
      {"artifacts", "seq"},    {"approvals", "id"},   {"gate_passes", "id"},
      {"reference_profiles", "gate_pass, data, column_name"},
      {"kpi_readings", "seq"}, {"ab_conclusions", "seq"}};
  std::vector<StateTable> out;
  for (const std::string& name : stateTableNames()) {
    const std::vector<std::string>& columns = *stateTableColumns(name);
    std::string sql = "SELECT ";
    // Aliased, so that ORDER BY names the typed columns: `id` alone would be
    // the text output column, and 10 would sort before 2.
    for (size_t c = 0; c < columns.size(); ++c)
      sql += (c ? ", " : "") + columns[c] + "::text AS c" + std::to_string(c);
    sql += " FROM " + name + " ORDER BY " + order.at(name);
    Outcome o;
    if (!exec(sql.c_str(), {}, &o)) return {};
    StateTable table{name, columns, {}};
    for (int i = 0; i < o.rows(); ++i) {
      std::vector<std::optional<std::string>> row;
      for (size_t c = 0; c < columns.size(); ++c)
        row.push_back(o.null(i, static_cast<int>(c))
                          ? std::nullopt
                          : std::optional<std::string>(exportedCell(name, columns[c], o.text(i, static_cast<int>(c)))));
      table.rows.push_back(std::move(row));
    }
    out.push_back(std::move(table));
  }
  return out;
}

bool PostgresRecord::importTables(const std::vector<StateTable>& tables, std::string& error) {
  std::string refusal;
  bool ok = transaction(1, [&](Outcome& failed) {
    // No chain append may slip in between: both chain locks.
    if (Outcome lock = run("SELECT pg_advisory_xact_lock(hashtext($1), 2)", {schema_}); !lock.ok) {
      failed = std::move(lock);
      return false;
    }
    for (const std::string& name : stateTableNames()) {
      Outcome count = run(("SELECT count(*) FROM " + name).c_str(), {});
      if (!count.ok) {
        failed = std::move(count);
        return false;
      }
      if (count.integer(0, 0) > 0) {
        refusal = "the record at " + describe() + " is not empty (" + name +
                  " has rows): import copies into an empty record only";
        return false;
      }
    }
    for (const StateTable& t : tables) {
      const std::vector<std::string>* columns = stateTableColumns(t.name);
      if (!columns || *columns != t.columns) {
        refusal = "unknown table or columns `" + t.name + "`";
        return false;
      }
      std::string sql = "INSERT INTO " + t.name + " (";
      std::string values;
      for (size_t c = 0; c < columns->size(); ++c) {
        sql += (c ? ", " : "") + (*columns)[c];
        values += (c ? ", $" : "$") + std::to_string(c + 1);
      }
      sql += ") VALUES (" + values + ")";
      for (const auto& row : t.rows)
        if (Outcome o = runNullable(sql, row); !o.ok) {
          o.message = "cannot import a row of `" + t.name + "`: " + o.message;
          failed = std::move(o);
          return false;
        }
    }
    // New runs continue after the imported ids.
    Outcome o = run("SELECT setval(pg_get_serial_sequence('runs', 'id'), max(id)) FROM runs HAVING max(id) IS NOT NULL", {});
    if (!o.ok) failed = std::move(o);
    return o.ok;
  });
  if (ok) return true;
  if (!refusal.empty()) {
    error = refusal;
    return false;
  }
  error = error_;
  return false;
}

std::vector<std::pair<int64_t, NodeRecord>> PostgresRecord::allNodeResults() const {
  flushResults();
  Outcome o;
  std::vector<std::pair<int64_t, NodeRecord>> out;
  if (!exec("SELECT * FROM ("
            "SELECT run, node, status, exit_code, seconds, why, seq, cpu_seconds, max_rss_bytes, job_id FROM node_results "
            "UNION ALL "
            "SELECT runs.id, r.node, CASE r.status WHEN 'checked' THEN 'checked' ELSE 'cached' END, 0, 0, "
            "'no-op run: no file changed since run ' || r.run, r.seq, 0, 0, '' "
            "FROM runs JOIN node_results r ON r.run = runs.noop_of"
            ") AS results ORDER BY run, node COLLATE \"C\"",
            {}, &o))
    return out;
  for (int i = 0; i < o.rows(); ++i)
    out.push_back({o.integer(i, 0), {o.text(i, 1), o.text(i, 2), static_cast<int>(o.integer(i, 3)), o.real(i, 4),
                                     o.text(i, 5), o.real(i, 7), o.integer(i, 8), recordedJobId(o.text(i, 9))}});
  return out;
}

}  // namespace mlops::runtime

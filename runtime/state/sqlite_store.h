// The state in a SQLite file, WAL mode, its schema versioned (`PRAGMA
// user_version`, runtime/state/sqlite_migrations.h) and migrated forward on
// open. The project's `.mlops/state.db` is both the local cache and, by
// default, the record; `--state FILE` makes another file the record.
//
// Crash safety: a node's success is one transaction with its result
// (recordNode), written only after the node exited 0 and its outputs were
// hashed; a run killed mid-node leaves that node without a success, so the
// next run reruns it and what follows.
#pragma once

#include "runtime/state/local_cache.h"
#include "runtime/state/record.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace mlops::runtime {

class SqliteStore final : public Record, public LocalCache {
 public:
  // What the file is used for. A file that is only the local cache beside
  // another record names that record's runs (in successes, no-op runs), so
  // it does not enforce its foreign keys to its own `runs`.
  enum class Use { RecordAndCache, LocalCacheOnly };

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Opens (creating the folder and the database when missing) and migrates.
  // A database from a newer mlopsc, or not a database at all, is an error.
  // `migratedFrom`, when given: the version this call migrated from, or -1.
  static std::unique_ptr<SqliteStore> open(const std::string& path, std::string& error,
                                           Use use = Use::RecordAndCache, int* migratedFrom = nullptr);

  // Record
  std::string describe() const override { return path_; }
  bool ok() const override { return true; }
  std::string error() const override { return ""; }
  std::string failure() const override { return ""; }
  // Runs of one checkout never overlap (the run lock, `.mlops/lock`), and
  // a SQLite record is one checkout's: every lease is granted.
  void recordKpiReadings(const std::vector<KpiReading>& readings) override;
  std::vector<KpiReading> kpiReadings() const override;
  void recordAbConclusion(const AbRecord& conclusion) override;
  std::vector<AbRecord> abConclusions() const override;
  std::string tryLease(const std::string&, int64_t) override { return ""; }
  void releaseLease(const std::string&) override {}
  int schemaVersion() const override;
  bool integrityOk(std::string& detail) const;  // PRAGMA integrity_check
  int64_t beginRun(const std::string& irDigest, int64_t noopOf = 0, const std::string& externalId = "") override;
  void finishRun(int64_t run, const std::string& status) override;
  std::vector<RunRecord> runs() const override;
  void recordResults(int64_t run, const std::vector<NodeRecord>& records) override;
  std::vector<NodeRecord> runResults(int64_t run) const override;
  std::vector<std::pair<int64_t, NodeRecord>> nodeHistory(const std::string& node) const override;
  void saveGraph(const std::string& digest, const std::string& json) override;
  std::optional<std::string> lastGraph(int64_t* run = nullptr) const override;
  std::optional<std::string> graphJson(const std::string& digest) const override;
  void recordArtifact(const ArtifactRecord& artifact) override;
  std::vector<ArtifactRecord> findArtifacts(const std::string& modelId, const std::string& digestPrefix) const override;
  ApprovalRecord appendApproval(ApprovalRecord record,
                                const std::function<std::string(const ApprovalRecord&)>& hash) override;
  std::vector<ApprovalRecord> approvals() const override;
  ApprovalHead approvalsHead() const override;
  std::optional<ApprovalRecord> appendSignedApproval(
      ApprovalRecord complete, const std::function<std::string(const ApprovalRecord&)>& hash) override;
  GatePass recordGatePass(GatePass pass) override;
  std::vector<GatePass> gatePasses() const override;
  std::vector<StateTable> exportTables() const override;
  bool importTables(const std::vector<StateTable>& tables, std::string& error) override;
  std::vector<std::pair<int64_t, NodeRecord>> allNodeResults() const override;

  // LocalCache
  std::optional<NodeSuccess> lastSuccess(const std::string& node) const override;
  std::unordered_map<std::string, NodeSuccess> allSuccesses() const override;
  void saveSuccess(const std::string& node, const NodeSuccess& success) override;
  std::optional<std::string> noopManifest(const std::string& key, int64_t* run = nullptr) const override;
  void saveNoopManifest(const std::string& key, const std::string& body, int64_t run) override;
  void forgetNoopManifest() override;
  void loadHashes(FileHasher& hasher) const override;
  void saveHashes(const FileHasher& hasher) override;

  // The graph saved last, run or not: beside a shared record, the graph of
  // the checkout's latest full run.
  std::optional<std::string> newestGraph() const;

  // A node's result in a run and, for `succeeded`, its new last success, in
  // one transaction: how a run records a success when this file is both
  // its record and its cache.
  void recordNode(int64_t run, const NodeRecord& record, const NodeSuccess* success = nullptr);

 private:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  bool exec(const char* sql, std::string& error) const;
  bool migrate(std::string& error, int* migratedFrom);
  // Schema 5: hashes the gate passes written before it into their chain.
  bool sealGatePasses(std::string& error);
  void insertSuccess(const std::string& node, int64_t run, const NodeSuccess& success);
  // Statements of the per-node hot path, prepared once (by SQL text).
  ::sqlite3_stmt* cached(const char* sql);
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, ::sqlite3_stmt*> cache_;
};

// Records a node's success: its result in `record`, its last success in
// `cache` (with `success.run` set to `run`). When both are the same SQLite
// file, in one transaction (SqliteStore::recordNode); otherwise the local
// success first, since it is what makes the node up to date here: a crash
// in between loses one history row, and the next run records the node as
// cached.
void recordSuccess(Record& record, LocalCache& cache, int64_t run, const NodeRecord& result, const NodeSuccess& success);

}  // namespace mlops::runtime

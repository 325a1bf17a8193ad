// The team's record in PostgreSQL (libpq): one schema per project, named
// `mlops_` + the project's name (lowercased; characters other than a-z,
// 0-9 and `_` become `_`; at most 63 bytes), so several projects share a
// database. One connection per process, opened at start: a server that is
// down, a wrong password or a schema from a newer mlopsc is an error before
// anything runs.
//
// Migrations run in one transaction under an advisory lock (key 3): 20 CI
// jobs starting at once migrate once. Chained appends (approvals, key 1;
// gate passes, key 2) take their lock as the first statement of a READ
// COMMITTED transaction, then read the head, so the chain stays linear
// under concurrent writers; UNIQUE(prev_hash) forbids a fork; a
// serialization failure, deadlock or unique violation retries (5 times).
// Node results are batched (256, or a second after the oldest, or the
// next other statement) and sent without waiting for the answer, which is
// read before the next statement: a run never blocks on them. Errors are sticky (runtime/state/record.h). Node leases need the
// session to last (a direct connection, or PgBouncer in session mode).
#pragma once

#include "runtime/state/record.h"

#include <functional>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace mlops::runtime {

// `mlops_` + the project's name, as above.
std::string pgSchemaName(const std::string& projectName);

class PostgresRecord final : public Record {
 public:
  enum class Migrate { OnOpen, Never };
  ~PostgresRecord() override;

  // Connects with `conninfo` (URI or keyword string; `pgPassword`, when not
  // empty, is the password unless the string has one) and opens the schema
  // of `project`; "" : the only project the database holds. Migrates the
  // schema unless `migrate` is Never. Nullptr with a masked `error`.
  // `migrated`, when given, says whether this call migrated (from which
  // version).
  static std::unique_ptr<PostgresRecord> open(const std::string& conninfo, const std::string& pgPassword,
                                              const std::string& project, Migrate migrate, std::string& error,
                                              int* migratedFrom = nullptr);

  std::string describe() const override;
  // Also notices, without a round trip, a connection the server closed
  // (its socket readable while no statement is pending).
  bool ok() const override;
  std::string error() const override { return error_; }
  std::string failure() const override { return failure_; }
  int schemaVersion() const override;
  // A session advisory lock per node (held across the rollout's many
  // transactions; the server releases it when the connection ends) and a
  // holder row in node_leases saying who holds it (a stale one, left by a
  // client that died, is overwritten by the next holder).
  void recordKpiReadings(const std::vector<KpiReading>& readings) override;
  std::vector<KpiReading> kpiReadings() const override;
  void recordAbConclusion(const AbRecord& conclusion) override;
  std::vector<AbRecord> abConclusions() const override;
  std::string tryLease(const std::string& node, int64_t run) override;
  void releaseLease(const std::string& node) override;
  int64_t beginRun(const std::string& irDigest, int64_t noopOf = 0, const std::string& externalId = "") override;
  void finishRun(int64_t run, const std::string& status) override;
  std::vector<RunRecord> runs() const override;
  void recordResults(int64_t run, const std::vector<NodeRecord>& records) override;
  std::optional<double> sendHeldResults() override;
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
  // A session-level advisory lock (key 4 of the schema's pair space: 1 and
  // 2 lock the chains, 3 the migrations),
  // polled until `wait` so that a server-side lock_timeout is not needed.
  bool takeSignerTurn(std::chrono::milliseconds wait) override;
  void endSignerTurn() override;
  GatePass recordGatePass(GatePass pass) override;
  std::vector<GatePass> gatePasses() const override;
  std::vector<StateTable> exportTables() const override;
  bool importTables(const std::vector<StateTable>& tables, std::string& error) override;
  std::vector<std::pair<int64_t, NodeRecord>> allNodeResults() const override;

  const std::string& schema() const { return schema_; }
  // The server's version, as libpq reports it (150018 for 15.18).
  int serverVersion() const;

 private:
  PostgresRecord(pg_conn* conn, std::string shown, std::vector<std::string> secrets)
      : conn_(conn), shown_(std::move(shown)), secrets_(std::move(secrets)) {}
  struct Outcome;
  // One statement with text parameters; never sets the sticky error.
  Outcome run(const char* sql, const std::vector<std::string>& params) const;
  Outcome runNullable(const std::string& sql, const std::vector<std::optional<std::string>>& params) const;
  // The same, keeping the first failure as the sticky error; false once it is set.
  bool exec(const char* sql, const std::vector<std::string>& params, Outcome* out = nullptr) const;
  // `body` in a READ COMMITTED transaction that first takes the advisory
  // lock `lockKey` (0: none); retried on 40001, 40P01 and 23505.
  bool transaction(int lockKey, const std::function<bool(Outcome& failed)>& body);
  bool selectSchema(const std::string& project, std::string& error);
  bool migrate(int* migratedFrom, std::string& error);
  void fail(const std::string& message) const;
  std::string masked(const std::string& libpqText) const;
  // Sends the pending results as one INSERT without waiting for its answer
  // (a run goes on while the server inserts); one batch in flight at a time.
  void flushResults() const;
  // Waits for the answer to the batch in flight, if any (every statement
  // does first: libpq runs one at a time, and a read must see the results).
  void collectSent() const;

  pg_conn* conn_;
  std::string shown_;                  // the connection string, masked
  std::vector<std::string> secrets_;   // what to mask in libpq's messages
  std::string schema_;
  mutable std::string error_;
  mutable std::string failure_;  // error_'s reason without where
  mutable std::vector<std::pair<int64_t, NodeRecord>> pending_;  // results not yet sent
  mutable bool inFlight_ = false;  // a batch sent, its answer not read yet
  mutable std::chrono::steady_clock::time_point lastSent_{};  // of the last batch
};

}  // namespace mlops::runtime

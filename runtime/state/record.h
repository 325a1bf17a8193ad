// The team's record: runs, node results, the graphs runs ran, what model
// jobs produced, the approvals log and the gate passes (with baselines and
// drift reference profiles). One interface, two backends: the project's
// `.mlops/state.db` (runtime/state/sqlite_store.h, the default) or a shared
// database (runtime/state/state_selection.h says which).
//
// Errors are sticky: the first failed operation is kept (ok() turns false,
// error() says what failed, already masked), later writes do nothing and
// later reads return what they have. The SQLite file never fails this way
// in practice; a server can go away mid-run, and the caller stops at the
// next step it checks ok() (which notices a closed connection without a
// round trip).
#pragma once

#include "runtime/state/records.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::runtime {

class Record {
 public:
  virtual ~Record() = default;

  // Where the record is, for messages: a file path, or a server's
  // connection string with its password masked.
  virtual std::string describe() const = 0;
  virtual bool ok() const = 0;
  virtual std::string error() const = 0;
  // The reason alone ("server closed the connection unexpectedly"), for a
  // message that says where with describe().
  virtual std::string failure() const = 0;

  virtual int schemaVersion() const = 0;

  // A new run, or, with a non-empty `externalId` (MLOPS_RUN_ID: the CI
  // platform's run), the run of that id when one of the CI run's jobs began
  // it already: every job of one CI run is one run in `history`, and its
  // status is the worst its jobs finished with (joinedRunStatus).
  // `noopOf`: a no-op run (runtime/noop_manifest.h) records no node results
  // but the run that wrote its manifest, whose results it repeats.
  virtual int64_t beginRun(const std::string& irDigest, int64_t noopOf = 0, const std::string& externalId = "") = 0;
  virtual void finishRun(int64_t run, const std::string& status) = 0;
  virtual std::vector<RunRecord> runs() const = 0;

  // Node results, in one transaction (a run batches them). A record on a
  // server may hold them back to send several in one statement.
  virtual void recordResults(int64_t run, const std::vector<NodeRecord>& records) = 0;
  // Sends the results held back when the last send is long enough ago;
  // the seconds until the next send is due while some are still held back
  // (a run waiting for its commands wakes up for it), else nullopt. A
  // record that writes at once holds nothing back.
  virtual std::optional<double> sendHeldResults() { return std::nullopt; }
  virtual std::vector<NodeRecord> runResults(int64_t run) const = 0;
  // A node's result in every run, in run order; in a no-op run, `cached`
  // (`checked` for data) when the run it repeats covered the node.
  virtual std::vector<std::pair<int64_t, NodeRecord>> nodeHistory(const std::string& node) const = 0;

  // The pipeline graphs runs ran, by digest (the latest run's for `approve`).
  virtual void saveGraph(const std::string& digest, const std::string& json) = 0;
  virtual std::optional<std::string> lastGraph(int64_t* run = nullptr) const = 0;
  // The graph saved under `digest` (a run's irDigest), or nullopt.
  virtual std::optional<std::string> graphJson(const std::string& digest) const = 0;

  // What a model job produced (ArtifactRecord); `at` is filled when empty.
  // Recording the same model, digest and run again replaces the metrics.
  virtual void recordArtifact(const ArtifactRecord& artifact) = 0;
  // The artifacts of model `modelId` whose digest starts with
  // `digestPrefix`, newest first.
  virtual std::vector<ArtifactRecord> findArtifacts(const std::string& modelId,
                                                    const std::string& digestPrefix) const = 0;

  // Appends to the approvals log in one transaction, serialized with every
  // other writer: fills id (the head's + 1), prevHash and at, then
  // `hash(record)`. Rows are never updated or deleted (the database refuses).
  virtual ApprovalRecord appendApproval(ApprovalRecord record,
                                        const std::function<std::string(const ApprovalRecord&)>& hash) = 0;
  virtual std::vector<ApprovalRecord> approvals() const = 0;

  // The log's newest row (id, hash, at), read in one statement: what a
  // signer builds its statement on (id + 1, `previous`, no earlier time).
  virtual ApprovalHead approvalsHead() const = 0;
  // Appends a signed row the caller completed (id, prevHash, at, payload,
  // signature, signingKey: the signed statement fixes them, so the record
  // may not choose them as appendApproval does), then sets its hash with
  // `hash`. Under the chain's lock, in one transaction: inserts only if the
  // head is still (id - 1, prevHash), and returns the row as stored.
  // Nullopt when another writer moved the head since (the caller signs
  // again on the new head), or when the record failed (ok() turns false).
  virtual std::optional<ApprovalRecord> appendSignedApproval(
      ApprovalRecord complete, const std::function<std::string(const ApprovalRecord&)>& hash) = 0;
  // Signers take turns: between reading the head and appending on it an
  // approver signs (a passphrase prompt, a hardware key's touch), and on a
  // shared record sixteen approvers at once would otherwise sign on the same
  // head and all but one sign again. Waits up to `wait` for this client's
  // turn; false when it did not come (the caller then signs anyway and
  // appendSignedApproval stays the judge). The turn ends with
  // endSignerTurn() or when the client disconnects. A record with one
  // writer at a time has no turns to take.
  virtual bool takeSignerTurn(std::chrono::milliseconds /*wait*/) { return true; }
  virtual void endSignerTurn() {}

  // Appends a gate pass in one transaction, serialized likewise: fills id,
  // at and prevHash, sorts its profiles, then its hash (gatePassHash).
  virtual GatePass recordGatePass(GatePass pass) = 0;
  // Every gate pass with its profiles, in id order; what verifies is for
  // runtime/gate_pass_chain.h to say.
  virtual std::vector<GatePass> gatePasses() const = 0;

  // KPI readings and A/B conclusions (schema 9): appended, read back in the
  // order they were written (ids are the record's own, filled on read).
  virtual void recordKpiReadings(const std::vector<KpiReading>& readings) = 0;
  virtual std::vector<KpiReading> kpiReadings() const = 0;
  virtual void recordAbConclusion(const AbRecord& conclusion) = 0;
  virtual std::vector<AbRecord> abConclusions() const = 0;

  // A deploy holds its node for its whole rollout, so that two runs of the
  // project (two machines, one shared record) never roll out the same node
  // at once. Empty when run `run` now holds `node`; otherwise who does,
  // "run 412 on ci-runner-7 since 2026-12-07T10:02:11Z" (or why the record
  // cannot say). A record whose runs cannot overlap grants it always.
  virtual std::string tryLease(const std::string& node, int64_t run) = 0;
  // Gives back a node this record's tryLease granted (nothing otherwise).
  virtual void releaseLease(const std::string& node) = 0;

  // Every table of the record, rows verbatim (ids, times, hashes), for
  // `mlopsc state export`.
  virtual std::vector<StateTable> exportTables() const = 0;
  // Copies exported tables in verbatim, in one transaction, into a record
  // that holds no rows (refused otherwise, with `error`).
  virtual bool importTables(const std::vector<StateTable>& tables, std::string& error) = 0;

  // Every node's results in one read, by run then node id (bytewise), no-op
  // runs expanded as nodeHistory expands them: what a view across all runs and nodes
  // (`mlopsc dashboard`) reads instead of a query per node, which would
  // scan node_results once for each.
  virtual std::vector<std::pair<int64_t, NodeRecord>> allNodeResults() const = 0;
};

}  // namespace mlops::runtime

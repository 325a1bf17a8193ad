// The runtime's state: `.mlops/state.db`, SQLite in WAL mode, its schema
// versioned (`PRAGMA user_version`) and migrated forward on open. It holds
// the runs, each node's result per run, each node's last success (its cache
// key and the digests of its outputs), and the file-hash memo, so a no-op
// rerun neither re-runs nor re-reads anything.
//
// Crash safety: a node's success is one transaction written only after the
// node exited 0 and its outputs were hashed; a run killed mid-node leaves
// that node without a success, so the next run reruns it and what follows.
#pragma once

#include "runtime/content_hash.h"

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

inline constexpr int kStateSchemaVersion = 5;

// Now, in UTC, as ISO 8601 (`2026-11-27T03:00:16Z`): how the store records times.
std::string utcTimestamp();

// What a node's last success left: enough to tell whether it is up to date.
struct NodeSuccess {
  int64_t run = 0;
  std::string cacheKey;                                  // hex digest of what went into the node
  std::string cacheParts;                                // the parts, as CacheParts::toJson (runtime/cache.h)
  std::vector<std::pair<std::string, Digest>> outputs;   // path → digest, declared order
};

struct NodeRecord {
  std::string node;       // node id
  std::string status;     // succeeded | failed | skipped | cached
  int exitCode = 0;
  double seconds = 0;
  std::string why;        // why it ran (or was skipped), as --explain says it
};

struct RunRecord {
  int64_t id = 0;
  std::string startedAt, finishedAt, status, irDigest;
  int64_t noopOf = 0;  // a no-op run: the run whose results it repeats (0: a full run)
};

// One row of the approvals log: `hash` chains it to the row before
// (runtime/approvals.h computes and verifies it).
struct ApprovalRecord {
  int64_t id = 0;
  std::string gate, role, email, comment;
  std::string artifact;  // digest of the model's outputs the approval is for
  std::string at;        // UTC, ISO 8601
  std::string prevHash, hash;
};

// A data column's distribution at a gate pass, for `drift.psi` (runtime/drift.h).
struct ReferenceProfile {
  std::string data, column, profile;
};

// A gate passed for one artifact of its model under one policy (the digest
// of its approval requirements and the membership of the roles involved:
// runtime/gate_policy.h): the approvals log's head then (so `history
// --verify` notices rows deleted since), the model's metrics (the next runs'
// `baseline`) and the drift reference profiles. Gate passes form a hash
// chain of their own, built like the approvals log's (runtime/gate_pass_chain.h):
// a row written outside mlopsc does not verify, and what gates and tests
// read from it (a pass, a baseline, a reference) is not trusted.
struct GatePass {
  int64_t id = 0;
  std::string gate, model, artifact;
  int64_t run = 0;
  std::string at;
  int64_t approvalsCount = 0;
  std::string approvalsHead;
  std::string metrics;  // JSON object, "{}" when the model writes none
  std::string policy;   // gatePolicyDigest (runtime/gate_policy.h); "" for passes from before schema 5
  std::vector<ReferenceProfile> profiles;  // sorted by data, then column
  std::string prevHash, hash;
};

class StateStore {
 public:
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Opens (creating the folder and the database when missing) and migrates.
  // A database from a newer mlopsc, or not a database at all, is an error.
  static std::unique_ptr<StateStore> open(const std::string& path, std::string& error);

  int schemaVersion() const;
  bool integrityOk(std::string& detail) const;  // PRAGMA integrity_check

  // `noopOf`: a no-op run (runtime/noop_manifest.h) records no node results
  // but the run that wrote its manifest, whose results it repeats.
  int64_t beginRun(const std::string& irDigest, int64_t noopOf = 0);
  void finishRun(int64_t run, const std::string& status);

  // A node's result in a run; for `succeeded`, also its new last success (one
  // transaction).
  void recordNode(int64_t run, const NodeRecord& record, const NodeSuccess* success = nullptr);
  std::optional<NodeSuccess> lastSuccess(const std::string& node) const;
  // Every node's last success at once (a run reads them all up front).
  std::unordered_map<std::string, NodeSuccess> allSuccesses() const;
  // Results that carry no success (cached, passed, skipped, ...), in one
  // transaction: a run batches them.
  void recordResults(int64_t run, const std::vector<NodeRecord>& records);
  std::vector<NodeRecord> runResults(int64_t run) const;

  // The pipeline graphs runs ran, by digest (the latest run's for `approve`).
  void saveGraph(const std::string& digest, const std::string& json);
  std::optional<std::string> lastGraph(int64_t* run = nullptr) const;
  // The no-op manifest (runtime/noop_manifest.h): at most one is kept, with
  // the run that wrote it.
  std::optional<std::string> noopManifest(const std::string& key, int64_t* run = nullptr) const;
  void saveNoopManifest(const std::string& key, const std::string& body, int64_t run);
  void forgetNoopManifest();
  std::vector<RunRecord> runs() const;
  // A node's result in every run, in run order; in a no-op run, `cached`
  // (`checked` for data) when the run it repeats covered the node.
  std::vector<std::pair<int64_t, NodeRecord>> nodeHistory(const std::string& node) const;

  // Appends to the approvals log in one transaction: fills id, prevHash and
  // at, then `hash(record)`. Rows are never updated or deleted (triggers
  // refuse it).
  ApprovalRecord appendApproval(ApprovalRecord record, const std::function<std::string(const ApprovalRecord&)>& hash);
  std::vector<ApprovalRecord> approvals() const;

  // Appends a gate pass in one transaction: fills id, at and prevHash, sorts
  // its profiles, then its hash (gatePassHash). Rows are never updated or
  // deleted (triggers refuse it).
  GatePass recordGatePass(GatePass pass);
  // Every gate pass with its profiles, in id order; what verifies is for
  // runtime/gate_pass_chain.h to say.
  std::vector<GatePass> gatePasses() const;

  void loadHashes(FileHasher& hasher) const;
  void saveHashes(const FileHasher& hasher);

 private:
  explicit StateStore(sqlite3* db) : db_(db) {}
  bool exec(const char* sql, std::string& error) const;
  bool migrate(std::string& error);
  // Schema 5: hashes the gate passes written before it into their chain.
  bool sealGatePasses(std::string& error);
  // Statements of the per-node hot path, prepared once (by SQL text).
  ::sqlite3_stmt* cached(const char* sql);
  sqlite3* db_;
  std::unordered_map<const char*, ::sqlite3_stmt*> cache_;
};

}  // namespace mlops::runtime

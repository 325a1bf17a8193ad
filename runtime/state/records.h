// The rows of the runtime's state, as both backends (runtime/state/record.h,
// runtime/state/local_cache.h) read and write them. Times are text written
// by mlopsc (utcTimestamp), never by a database: chained rows hash them, so
// they must come back byte for byte wherever the rows are copied.
#pragma once

#include "runtime/content_hash.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::runtime {

// The schema version of the state, the same numbering on every backend:
// a state from a newer mlopsc is refused.
inline constexpr int kStateSchemaVersion = 10;

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
  // What its command used (runtime/exec/process.h), for comparing with what the
  // node requested and its owner's quota; 0 for a node that ran no command.
  double cpuSeconds = 0;
  int64_t maxRssBytes = 0;
  // Where its command ran when not on this machine (schema 10): "slurm:1234";
  // a rollout's steps and rollback in order, space-separated ("slurm:16
  // slurm:17"); "" for a local command and a node that ran none. Read back
  // through recordedJobId.
  std::string jobId{};
};

// A node result's `job_id` as read from a row, which is hostile input: the
// text when it is "" or up to kMaxRecordedJobIds space-separated
// `slurm:DIGITS` (at most 20 digits each), else "" (never an error, never a
// control character on a terminal).
inline constexpr size_t kMaxRecordedJobIds = 16;
std::string recordedJobId(const std::string& text);

struct RunRecord {
  int64_t id = 0;
  std::string startedAt, finishedAt, status, irDigest;
  int64_t noopOf = 0;  // a no-op run: the run whose results it repeats (0: a full run)
  std::string externalId;  // MLOPS_RUN_ID of the CI run whose jobs all joined this run ("" for a local run)
};

// The status of a run that several CI jobs joined (RunRecord::externalId)
// when one more of them finished with `finished`: the worst so far, in the
// order succeeded < waiting < interrupted < failed, so one failed job marks
// the whole CI run failed and a re-run job that succeeds does not hide it.
std::string joinedRunStatus(const std::string& current, const std::string& finished);

// One row of the approvals log: `hash` chains it to the row before
// (runtime/approvals.h computes and verifies it). A signed row (schema 7)
// also holds the statement its approver signed and the signature, both
// verbatim: the record stores and returns their bytes, it never parses
// them (runtime/trust/approval_signatures.h does, as hostile input).
struct ApprovalRecord {
  int64_t id = 0;
  std::string gate, role, email, comment;
  std::string artifact;  // digest of the model's outputs the approval is for
  std::string at;        // UTC, ISO 8601
  std::string prevHash, hash;
  std::string payload;     // the signed statement's exact bytes (canonical JSON); "" when unsigned
  std::string signature;   // armored SSHSIG over `payload`; "" when unsigned
  std::string signingKey;  // `SHA256:…` of the key, a display hint only (not hashed, never trusted)
  // Whether the row claims a signature: either part present. A row with
  // only one of them is malformed, and still hashes as a signed row, so
  // that stripping the signature from a row breaks its hash.
  bool isSigned() const { return !payload.empty() || !signature.empty(); }
};

// The approvals log's newest row, as a signer needs it before signing:
// the statement names the previous row's hash and may not be dated before
// it. An empty log's head is id 0, 64 zeros and no time.
struct ApprovalHead {
  int64_t id = 0;
  std::string hash = std::string(64, '0');
  std::string at;
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
  // What the pass rested on, canonical JSON (the signed approvals' payload
  // digests, policy, signers, spec, subjects: `mlopsc attest` exports it);
  // "" for a project without signers and for passes from before schema 7.
  std::string evidence;
};

// What a model job produced in a run: the digest of its outputs
// (runtime/artifacts.h artifactDigest) and the metrics it wrote, so that an
// approver names an artifact nobody has on disk (`approve --artifact
// PREFIX`). Only a name: a gate recomputes the digest from the files it
// restored, so a forged row cannot make other bytes pass.
struct ArtifactRecord {
  int64_t run = 0;
  std::string model;    // node id
  std::string digest;
  std::string metrics;  // JSON object text, "{}" when the model writes none
  std::string at;       // UTC, ISO 8601; filled by recordArtifact when empty
  // In a project with signers: the model's outputs with their SHA-256
  // digests (runtime/trust/subjects.h), canonical JSON, what an approver
  // with no model files signs (`approve --artifact`). Like the digest, a
  // claim: a gate counts a statement only for subjects it recomputed from
  // the bytes. "" otherwise.
  std::string subjects;
};

// One reading of a KPI (docs/language.md 5.3.1): its metric as a model
// run wrote it (offline) or as a monitor's live source showed it (online),
// and whether it met the KPI's target then. Recorded as read; a row is a
// claim for display and trend, never an input to a gate.
struct KpiReading {
  int64_t id = 0;        // the record's order, filled on read
  int64_t run = 0;
  std::string kpi;       // KPI name
  std::string metric;    // the KPI's metric, e.g. "business.approval_rate"
  double value = 0;
  std::string target;    // the target as written then, e.g. ">= 0.3"
  bool met = false;
  std::string model;     // model node id
  std::string artifact;  // digest of the model's outputs the reading is of ("" when unknown)
  std::string source;    // "offline" | "online"
  std::string node;      // the model's node id (offline) or the monitor's (online)
  std::string origin;    // where the value was read: the metrics or live file's path
  std::string at;        // UTC, ISO 8601; filled by the record when empty
};

// The conclusion of an ab deploy's test at one check (docs/language.md
// 5.9.1): `conclusion` is AbConclusion::toJson, verbatim.
struct AbRecord {
  int64_t id = 0;  // the record's order, filled on read
  int64_t run = 0;
  std::string deploy;    // deploy node id
  std::string model;     // model node id
  std::string artifact;  // the treatment's artifact digest
  std::string metric;
  std::string stage;     // "check" (a monitor check during the test) | "final" (the end of `duration`)
  std::string decision;  // "promote" | "roll back" | "inconclusive"
  std::string action;    // what the rollout did on it: "promoted" | "rolled back" | "" (a check)
  std::string conclusion;  // JSON object
  std::string summary;     // AbConclusion::describe(), for text views
  std::string at;          // filled by the record when empty
};

// A table of the record for `mlopsc state export` and `import`: its rows
// verbatim, each column as text (nullopt: NULL), in the order they were
// written.
struct StateTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// The record's tables, in an order that satisfies their references.
const std::vector<std::string>& stateTableNames();
// The columns of table `name` as export writes them (the same on every
// backend); nullptr for a table that is not the record's.
const std::vector<std::string>* stateTableColumns(const std::string& name);

// An exported cell of a floating-point column (`node_results.seconds`,
// `cpu_seconds`, `kpi_readings.value`) in one spelling on both backends:
// the shortest text that reads back to the same double (SQLite writes 0 as
// `0.0`, PostgreSQL as `0`). Other columns, and text that is no number, are
// returned as they are.
std::string exportedCell(const std::string& table, const std::string& column, const std::string& text);
// Whether exportedCell respells the column; SQLite's own text of a REAL has
// 15 digits only, so such a column is read as a double and given here.
bool isRealColumn(const std::string& table, const std::string& column);
std::string exactReal(double value);

}  // namespace mlops::runtime

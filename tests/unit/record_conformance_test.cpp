// One suite, both backends of the record (runtime/state/record.h): the
// SQLite file and PostgreSQL (a throwaway cluster started by
// tests/support/pg-cluster, tagged [pg]). Runs, joined CI runs, results and
// node history, graphs, artifacts, both hash chains, signed approvals (the
// head, byte-exact statements and signatures, a stale head refused) and
// gate pass evidence; a record exported from SQLite and imported into
// PostgreSQL keeps its rows and hashes verbatim; concurrent appenders keep
// the approvals log linear; a schema 6 record written by mlopsc 6 (a
// recorded export) migrates to 7 with both chains verifying unchanged; a
// node's job id round-trips, a malformed one reads as "", and results from
// before schema 10 read as local.
#include "runtime/approvals.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/state/postgres_migrations.h"
#include "runtime/state/postgres_record.h"
#include "runtime/state/sqlite_migrations.h"
#include "runtime/state/sqlite_store.h"
#include "sqlite_direct.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

using namespace mlops::runtime;

namespace {

// A PostgreSQL cluster for the whole test process: started on first use,
// stopped at exit.
class PgCluster {
 public:
  static PgCluster& get() {
    static PgCluster cluster;
    return cluster;
  }
  const std::string& conninfo() const { return conninfo_; }
  ~PgCluster() {
    if (!dir_.empty()) std::system(("'" + helper() + "' stop '" + dir_ + "' >/dev/null 2>&1").c_str());
  }

 private:
  static std::string helper() { return std::string(MLOPS_SOURCE_DIR) + "/tests/support/pg-cluster"; }
  PgCluster() {
    char name[] = "/tmp/mlpgu.XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::remove(name);  // the helper wants a new folder: the name was only reserved
    dir_ = name;
    std::FILE* pipe = ::popen(("'" + helper() + "' start '" + dir_ + "'").c_str(), "r");
    REQUIRE(pipe);
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) conninfo_ += buf;
    int status = ::pclose(pipe);
    while (!conninfo_.empty() && conninfo_.back() == '\n') conninfo_.pop_back();
    REQUIRE(status == 0);
    REQUIRE(!conninfo_.empty());
  }
  std::string dir_, conninfo_;
};

struct Scratch {
  llvm::SmallString<128> dir;
  Scratch() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-record", dir)); }
  ~Scratch() { llvm::sys::fs::remove_directories(dir); }
  std::string path(const std::string& name) const { return (dir + "/" + name).str(); }
};

using Fresh = std::function<std::unique_ptr<Record>()>;

// A new, empty PostgreSQL record (a project schema of its own).
std::unique_ptr<Record> freshPostgres(const std::string& project) {
  std::string error;
  std::unique_ptr<Record> r =
      PostgresRecord::open(PgCluster::get().conninfo(), "", project, PostgresRecord::Migrate::OnOpen, error);
  INFO(error);
  REQUIRE(r);
  return r;
}

// Runs `sql` with psql on the test cluster, as the database's administrator
// would (or an older mlopsc): "" on success, else psql's messages.
std::string pgDirect(const std::string& sql) {
  Scratch s;
  std::string file = s.path("direct.sql");
  std::ofstream(file) << sql;
  std::FILE* pipe =
      ::popen(("psql '" + PgCluster::get().conninfo() + "' -X -q -v ON_ERROR_STOP=1 -f '" + file + "' 2>&1").c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  return ::pclose(pipe) == 0 ? "" : out.empty() ? "psql failed" : out;
}

std::string uniqueProject() {
  static std::atomic<int> n{0};
  return "conformance " + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

GatePass passOf(int64_t run, const std::string& artifact) {
  GatePass p;
  p.gate = "gate:production";
  p.model = "model:scorer";
  p.artifact = artifact;
  p.run = run;
  p.metrics = R"({"auc":0.81,"a":1})";
  p.policy = std::string(64, 'p');
  p.approvalsCount = 0;
  p.approvalsHead = std::string(64, '0');
  p.profiles = {{"data:b", "x", "{\"bins\":[1]}"}, {"data:a", "income", "{\"bins\":[1,2]}"}};
  return p;
}

ApprovalRecord approvalOf(const std::string& email, const std::string& artifact) {
  ApprovalRecord a;
  a.gate = "gate:production";
  a.role = "validators";
  a.email = email;
  a.comment = "ok ✓";
  a.artifact = artifact;
  return a;
}

// A statement as signers write it (canonical JSON: quotes escaped, UTF-8
// raw) with raw control characters added (newline, tab, CR, ESC): the
// record keeps whatever bytes it is given.
const std::string kPayload =
    "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"approver\":\"dave@x.example\","
    "\"comment\":\"AUC 0.91 \\\"ok\\\" \u2713 Gr\u00fc\u00dfe\\n\"},\"predicateType\":"
    "\"https://mlopsc.example/approval/v1\"}\n\tline two\r\n\x1b[31mred\x1b[0m \xe2\x9c\x93";
// A real armored SSHSIG (ssh-keygen -Y sign -n mlops-approval), of another
// statement: the record stores signatures, it does not verify them.
const std::string kSignature =
    "-----BEGIN SSH SIGNATURE-----\n"
    "U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg9mbdYAL6gxnu7jNk2+CdFaFzvG\n"
    "j2yMPZzi5pigWHFT4AAAAObWxvcHMtYXBwcm92YWwAAAAAAAAABnNoYTUxMgAAAFMAAAAL\n"
    "c3NoLWVkMjU1MTkAAABAyTd7C8f4zcN+7RkyE+HV+pr2PbCFaiBVjrx1zy+K7W6BkF1xNV\n"
    "ppuIk0HHeN+xY1zrwd1f+t16RtYwYDR4nCCg==\n"
    "-----END SSH SIGNATURE-----\n";
const std::string kKey = "SHA256:P5wiP5k7fp2WXg4ixToZ3j3VeIPGaLoeo0y7N4T+SaM";

// A signed row built on `head`, as `approve` completes it before signing.
ApprovalRecord signedOn(const ApprovalHead& head, const std::string& email) {
  ApprovalRecord a = approvalOf(email, "art1");
  a.id = head.id + 1;
  a.prevHash = head.hash;
  a.at = "2026-12-07T01:09:45Z";
  a.payload = kPayload + email;
  a.signature = kSignature;
  a.signingKey = kKey;
  return a;
}

void conforms(const Fresh& fresh) {
  std::unique_ptr<Record> record = fresh();
  Record& r = *record;
  REQUIRE(r.ok());
  CHECK(r.schemaVersion() == kStateSchemaVersion);

  SECTION("runs, results and node history") {
    int64_t run = r.beginRun("ir1");
    CHECK(run > 0);
    r.recordResults(run, {{"data:raw", "checked", 0, 0, ""}, {"step:a", "succeeded", 0, 1.5, "never ran"}});
    r.recordResults(run, {{"model:m", "failed", 3, 0.25, "input `x` changed"}});
    r.finishRun(run, "failed");
    std::vector<NodeRecord> results = r.runResults(run);
    REQUIRE(results.size() == 3);
    CHECK(results[0].node == "data:raw");
    CHECK(results[2].status == "failed");
    CHECK(results[2].exitCode == 3);
    CHECK(results[2].seconds == 0.25);
    CHECK(results[2].why == "input `x` changed");
    int64_t noop = r.beginRun("ir1", run);
    r.finishRun(noop, "succeeded");
    std::vector<RunRecord> runs = r.runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].status == "failed");
    CHECK(!runs[0].finishedAt.empty());
    CHECK(runs[1].noopOf == run);
    auto history = r.nodeHistory("step:a");
    REQUIRE(history.size() == 2);
    CHECK(history[0].second.status == "succeeded");
    CHECK(history[1].first == noop);
    CHECK(history[1].second.status == "cached");
    CHECK(history[1].second.why == "no-op run: no file changed since run " + std::to_string(run));
    CHECK(r.nodeHistory("data:raw").back().second.status == "checked");
    // All results in one read: each node's are its history, in run order.
    auto all = r.allNodeResults();
    REQUIRE(all.size() == 6);
    for (const char* node : {"data:raw", "step:a", "model:m"}) {
      std::vector<std::pair<int64_t, std::string>> fromAll, fromHistory;
      for (const auto& [id, result] : all)
        if (result.node == node) fromAll.emplace_back(id, result.status + "|" + result.why);
      for (const auto& [id, result] : r.nodeHistory(node)) fromHistory.emplace_back(id, result.status + "|" + result.why);
      CHECK(fromAll == fromHistory);
    }
    CHECK(all[0].second.node == "data:raw");
    CHECK(all[2].second.node == "step:a");
    CHECK(all[5].first == noop);
  }

  SECTION("one call with more results than a statement may carry") {
    // 8,000 results of 9 columns: 72,000 values, over PostgreSQL's 65,535
    // parameters per statement. The record sends them in batches.
    int64_t run = r.beginRun("ir1");
    std::vector<NodeRecord> many;
    for (int i = 0; i < 8000; ++i) many.push_back({"step:s" + std::to_string(i), "succeeded", 0, 0.5, "never ran"});
    r.recordResults(run, many);
    r.finishRun(run, "succeeded");
    REQUIRE(r.ok());
    std::vector<NodeRecord> results = r.runResults(run);
    REQUIRE(results.size() == 8000);
    CHECK(results.front().node == "step:s0");
    CHECK(results.back().node == "step:s7999");
  }

  SECTION("a node's job id round-trips; a malformed one reads as empty") {
    int64_t run = r.beginRun("ir1");
    NodeRecord slurm{"model:scorer", "succeeded", 0, 2.5, "never ran; slurm job 1234"};
    slurm.jobId = "slurm:1234";
    NodeRecord rollout{"deploy:prod", "succeeded", 0, 9, "10% → 100%; slurm jobs 16, 17"};
    rollout.jobId = "slurm:16 slurm:17";
    NodeRecord local{"step:a", "succeeded", 0, 1, "never ran"};
    r.recordResults(run, {slurm, rollout, local});
    // Rows as a hand-edited or hostile record could hold them: control
    // characters, another scheduler, too many ids, stray spaces.
    std::vector<std::string> hostile = {"slurm:12\x1b[31m", "slurm:", "pbs:12", "slurm:1 ", " slurm:1",
                                        "slurm:1  slurm:2", "slurm:" + std::string(21, '9'), "slurm:-1",
                                        "slurm:1\nslurm:2"};
    std::string seventeen;
    for (int k = 0; k < 17; ++k) seventeen += (k ? " slurm:" : "slurm:") + std::to_string(k);
    hostile.push_back(seventeen);
    std::vector<NodeRecord> bad;
    for (size_t k = 0; k < hostile.size(); ++k) {
      bad.push_back({"step:bad" + std::to_string(k), "failed", 1, 0, "x"});
      bad.back().jobId = hostile[k];
    }
    r.recordResults(run, bad);
    r.finishRun(run, "failed");
    std::vector<NodeRecord> results = r.runResults(run);
    REQUIRE(results.size() == 3 + hostile.size());
    CHECK(results[0].jobId == "slurm:1234");
    CHECK(results[0].why == "never ran; slurm job 1234");  // the prose keeps the id too
    CHECK(results[1].jobId == "slurm:16 slurm:17");
    CHECK(results[2].jobId.empty());
    for (size_t k = 0; k < hostile.size(); ++k) {
      INFO(hostile[k]);
      CHECK(results[3 + k].jobId.empty());
    }
    auto history = r.nodeHistory("model:scorer");
    REQUIRE(history.size() == 1);
    CHECK(history[0].second.jobId == "slurm:1234");
    CHECK(r.nodeHistory("step:bad0").at(0).second.jobId.empty());
    // A no-op run repeats results, not where they ran.
    r.finishRun(r.beginRun("ir1", run), "succeeded");
    history = r.nodeHistory("model:scorer");
    REQUIRE(history.size() == 2);
    CHECK(history[1].second.status == "cached");
    CHECK(history[1].second.jobId.empty());
    size_t withJob = 0;
    for (const auto& [id, result] : r.allNodeResults()) withJob += !result.jobId.empty();
    CHECK(withJob == 2);
  }

  SECTION("every job of one CI run joins one run") {
    int64_t first = r.beginRun("ir", 0, "gh-1");
    r.finishRun(first, "waiting");
    int64_t local = r.beginRun("ir");
    CHECK(local != first);
    CHECK(r.beginRun("ir", 0, "gh-1") == first);
    r.finishRun(first, "succeeded");
    std::vector<RunRecord> runs = r.runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].externalId == "gh-1");
    CHECK(runs[0].status == "waiting");  // the worst of its jobs
  }

  SECTION("graphs and the latest run's") {
    CHECK(!r.lastGraph());
    r.saveGraph("d1", R"({"g":1})");
    r.saveGraph("d1", R"({"g":"again"})");  // known digest: kept as it was
    r.saveGraph("d2", R"({"g":2})");
    r.beginRun("d2");
    int64_t latest = r.beginRun("d1");
    int64_t run = 0;
    CHECK(r.lastGraph(&run) == std::optional<std::string>(R"({"g":1})"));
    CHECK(run == latest);
  }

  SECTION("artifacts by digest prefix, newest first") {
    int64_t r1 = r.beginRun("ir"), r2 = r.beginRun("ir");
    r.recordArtifact({r1, "model:scorer", "2e673d531a11", R"({"auc":0.81})", "", ""});
    r.recordArtifact({r2, "model:scorer", "2e673d531a11", R"({"auc":0.82})", "2026-12-07T01:00:00Z",
                      R"([{"digest":{"sha256":"ab"},"name":"m.json"}])"});
    r.recordArtifact({r2, "model:scorer", "2e67ffff", "{}", "", ""});
    std::vector<ArtifactRecord> found = r.findArtifacts("model:scorer", "2e673d");
    REQUIRE(found.size() == 2);
    CHECK(found[0].run == r2);
    CHECK(found[0].at == "2026-12-07T01:00:00Z");
    CHECK(found[1].metrics == R"({"auc":0.81})");
    CHECK(found[0].subjects == R"([{"digest":{"sha256":"ab"},"name":"m.json"}])");
    CHECK(found[1].subjects.empty());
    CHECK(r.findArtifacts("model:scorer", "2e67%").empty());
    CHECK(r.findArtifacts("model:other", "").empty());
  }

  SECTION("KPI readings and A/B conclusions, in the order written") {
    int64_t run = r.beginRun("ir");
    KpiReading offline{0, run, "approval_rate", "business.approval_rate", 0.1 + 0.2, ">= 0.3", false,
                       "model:scorer", "2e673d", "offline", "model:scorer", "build/metrics.json", ""};
    KpiReading online = offline;
    online.value = 0.41;
    online.met = true;
    online.source = "online";
    online.node = "monitor:live";
    online.origin = "serving/live.json";
    online.at = "2026-12-07T02:00:00Z";
    r.recordKpiReadings({offline, online});
    r.recordKpiReadings({});
    std::vector<KpiReading> readings = r.kpiReadings();
    REQUIRE(readings.size() == 2);
    CHECK(readings[0].id < readings[1].id);
    CHECK(readings[0].value == 0.1 + 0.2);  // the double as written, not as printed
    CHECK(!readings[0].met);
    CHECK(!readings[0].at.empty());
    CHECK(readings[0].origin == "build/metrics.json");
    CHECK(readings[1].source == "online");
    CHECK(readings[1].met);
    CHECK(readings[1].at == "2026-12-07T02:00:00Z");
    CHECK(readings[1].node == "monitor:live");

    AbRecord check{0, run, "deploy:ab", "model:churn", "2e67", "business.retention_rate", "check", "inconclusive",
                   "", R"({"decision":"inconclusive","problem":"x"})", "inconclusive: x", ""};
    AbRecord final = check;
    final.stage = "final";
    final.decision = "promote";
    final.action = "promoted";
    r.recordAbConclusion(check);
    r.recordAbConclusion(final);
    std::vector<AbRecord> ab = r.abConclusions();
    REQUIRE(ab.size() == 2);
    CHECK(ab[0].id < ab[1].id);
    CHECK(ab[0].conclusion == check.conclusion);
    CHECK(ab[0].summary == "inconclusive: x");
    CHECK(ab[1].action == "promoted");
    CHECK(ab[1].stage == "final");
    CHECK(!ab[1].at.empty());
    CHECK(r.ok());
  }

  SECTION("both hash chains") {
    int64_t run = r.beginRun("ir");
    ApprovalRecord a1 = r.appendApproval(approvalOf("carol@x.example", "art1"), approvalHash);
    ApprovalRecord a2 = r.appendApproval(approvalOf("dave@x.example", "art1"), approvalHash);
    CHECK(a1.id == 1);
    CHECK(a1.prevHash == std::string(64, '0'));
    CHECK(a2.id == 2);
    CHECK(a2.prevHash == a1.hash);
    GatePass p1 = r.recordGatePass(passOf(run, "art1"));
    GatePass p2 = r.recordGatePass(passOf(run, "art2"));
    CHECK(p2.prevHash == p1.hash);
    CHECK(p1.profiles.front().data == "data:a");  // sorted
    std::vector<ApprovalRecord> log = r.approvals();
    std::vector<GatePass> passes = r.gatePasses();
    REQUIRE(log.size() == 2);
    CHECK(log[1].hash == a2.hash);
    CHECK(log[0].comment == "ok ✓");
    REQUIRE(passes.size() == 2);
    CHECK(passes[1].hash == p2.hash);
    CHECK(passes[1].metrics == R"({"auc":0.81,"a":1})");  // the bytes, key order kept
    REQUIRE(passes[0].profiles.size() == 2);
    CHECK(verifyApprovalChain(log, passes).empty());
    CHECK(verifyGatePassChain(passes).empty());
  }

  SECTION("signed approvals: the head, byte-exact rows, a stale head") {
    ApprovalHead empty = r.approvalsHead();
    CHECK(empty.id == 0);
    CHECK(empty.hash == std::string(64, '0'));
    CHECK(empty.at.empty());
    // The first row may be signed too: built on the empty log's head.
    std::optional<ApprovalRecord> first = r.appendSignedApproval(signedOn(empty, "carol@x.example"), approvalHash);
    REQUIRE(first);
    CHECK(first->id == 1);
    ApprovalRecord unsignedRow = r.appendApproval(approvalOf("erin@x.example", "art1"), approvalHash);
    ApprovalHead head = r.approvalsHead();
    CHECK(head.id == 2);
    CHECK(head.hash == unsignedRow.hash);
    CHECK(head.at == unsignedRow.at);

    ApprovalRecord dave = signedOn(head, "dave@x.example");
    std::optional<ApprovalRecord> stored = r.appendSignedApproval(dave, approvalHash);
    REQUIRE(stored);
    CHECK(stored->hash == approvalHash(dave));
    CHECK(stored->at == "2026-12-07T01:09:45Z");  // the signed time, not the record's clock
    std::vector<ApprovalRecord> log = r.approvals();
    REQUIRE(log.size() == 3);
    const ApprovalRecord& back = log[2];
    CHECK(back.payload == dave.payload);  // byte for byte, control characters and all
    CHECK(back.signature == kSignature);
    CHECK(back.signingKey == kKey);
    CHECK(back.hash == stored->hash);
    CHECK(log[1].payload.empty());
    CHECK(log[1].signature.empty());
    CHECK(verifyApprovalChain(log, {}).empty());

    // Another signer built on the same head: the head moved, nothing is
    // written, and that is no failure of the record.
    CHECK(!r.appendSignedApproval(signedOn(head, "frank@x.example"), approvalHash));
    ApprovalRecord wrongId = signedOn(r.approvalsHead(), "frank@x.example");
    wrongId.id += 1;  // the right previous hash, a gap in the ids
    CHECK(!r.appendSignedApproval(wrongId, approvalHash));
    CHECK(r.ok());
    CHECK(r.approvals().size() == 3);
    // Signed again on the new head, it goes in.
    std::optional<ApprovalRecord> again = r.appendSignedApproval(signedOn(r.approvalsHead(), "frank@x.example"), approvalHash);
    REQUIRE(again);
    CHECK(again->prevHash == stored->hash);
    CHECK(verifyApprovalChain(r.approvals(), {}).empty());
  }

  SECTION("gate pass evidence round-trips and is chained") {
    int64_t run = r.beginRun("ir");
    GatePass plain = r.recordGatePass(passOf(run, "art1"));
    GatePass withEvidence = passOf(run, "art1");
    withEvidence.evidence = R"({"approvals":[{"id":3,"sha256":"ab"}],"mlopsc":"1.4.0","policy":"p\u00e9"})";
    GatePass stored = r.recordGatePass(withEvidence);
    std::vector<GatePass> passes = r.gatePasses();
    REQUIRE(passes.size() == 2);
    CHECK(passes[0].evidence.empty());
    CHECK(passes[1].evidence == withEvidence.evidence);
    CHECK(passes[1].hash == stored.hash);
    CHECK(verifyGatePassChain(passes).empty());
    // The evidence is in the hash: the same pass without it does not verify.
    GatePass stripped = passes[1];
    stripped.evidence.clear();
    CHECK(gatePassHash(stripped) != stored.hash);
    CHECK(gatePassHash(passes[0]) == plain.hash);
  }
  CHECK(r.ok());
}

// Each table's rows of a `mlopsc state export` file.
std::vector<StateTable> readExport(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  std::vector<StateTable> tables;
  llvm::StringRef rest = (*buffer)->getBuffer();
  while (!rest.empty()) {
    auto [line, after] = rest.split('\n');
    rest = after;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(line.str());  // the file's column order
    if (!j.contains("table")) continue;  // the header
    std::string name = j["table"].get<std::string>();
    if (tables.empty() || tables.back().name != name) {
      tables.push_back({name, {}, {}});
      for (auto& [column, value] : j["row"].items()) tables.back().columns.push_back(column);
    }
    std::vector<std::optional<std::string>> row;
    for (const std::string& column : tables.back().columns)
      row.push_back(j["row"][column].is_null() ? std::nullopt
                                               : std::optional<std::string>(j["row"][column].get<std::string>()));
    tables.back().rows.push_back(std::move(row));
  }
  return tables;
}

// INSERT statements for `tables`, as someone with a SQL prompt would write
// them (SQL string literals, the same on both databases).
std::string insertsFor(const std::vector<StateTable>& tables) {
  std::string sql;
  for (const StateTable& t : tables)
    for (const auto& row : t.rows) {
      std::string columns, values;
      for (size_t c = 0; c < row.size(); ++c) {
        columns += (c ? ", " : "") + t.columns[c];
        std::string literal = "NULL";
        if (row[c]) {
          literal = "'";
          for (char ch : *row[c]) literal += ch == '\'' ? std::string("''") : std::string(1, ch);
          literal += "'";
        }
        values += (c ? ", " : "") + literal;
      }
      sql += "INSERT INTO " + t.name + " (" + columns + ") VALUES (" + values + ");\n";
    }
  return sql;
}

// The approvals log and gate passes mlopsc 6 wrote (tests/unit/data/
// state_v6_chain.jsonl: its `state export` of a project with three
// approvals, one a multi-line comment with quotes and UTF-8, and a gate
// pass with a drift profile), in a `fresh` record migrated to the current schema: every
// row as it was, every hash recomputed by this mlopsc equal to the one
// mlopsc 6 recorded, both chains verifying, the new columns empty.
void keepsTheSchema6Chains(Record& r, const std::vector<StateTable>& v6) {
  CHECK(r.schemaVersion() == kStateSchemaVersion);
  std::vector<ApprovalRecord> log = r.approvals();
  std::vector<GatePass> passes = r.gatePasses();
  REQUIRE(log.size() == 3);
  REQUIRE(passes.size() == 1);
  for (const StateTable& t : v6) {
    if (t.name == "approvals")
      for (size_t i = 0; i < t.rows.size(); ++i) {
        CHECK(log[i].hash == *t.rows[i][8]);
        CHECK(approvalHash(log[i]) == *t.rows[i][8]);
        CHECK(!log[i].isSigned());
        CHECK(log[i].signingKey.empty());
      }
    if (t.name == "gate_passes") {
      CHECK(passes[0].hash == *t.rows[0][11]);
      CHECK(gatePassHash(passes[0]) == *t.rows[0][11]);
    }
  }
  CHECK(log[0].comment == "checked the AUC \"0.9\" \u2713\nsecond line");
  CHECK(passes[0].evidence.empty());
  REQUIRE(passes[0].profiles.size() == 1);
  CHECK(verifyApprovalChain(log, passes).empty());
  CHECK(verifyGatePassChain(passes).empty());
  // The chain goes on, signed, from the head mlopsc 6 left.
  std::optional<ApprovalRecord> next = r.appendSignedApproval(signedOn(r.approvalsHead(), "val3@x.example"), approvalHash);
  REQUIRE(next);
  CHECK(next->prevHash == log.back().hash);
  CHECK(verifyApprovalChain(r.approvals(), passes).empty());
  CHECK(r.ok());
}

const char* const kSchema6Export = MLOPS_SOURCE_DIR "/tests/unit/data/state_v6_chain.jsonl";

}  // namespace

TEST_CASE("the SQLite record conforms", "[runtime][state]") {
  Scratch s;
  int n = 0;
  conforms([&] {
    std::string error;
    std::unique_ptr<Record> r = SqliteStore::open(s.path("state" + std::to_string(++n) + ".db"), error);
    REQUIRE(r);
    return r;
  });
}

TEST_CASE("the PostgreSQL record conforms", "[runtime][state][pg]") {
  conforms([] { return freshPostgres(uniqueProject()); });
}

TEST_CASE("a schema 6 SQLite record migrates to 7 with its chains intact", "[runtime][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  std::vector<StateTable> v6 = readExport(kSchema6Export);
  sqliteAtSchema(db, 6);
  REQUIRE(sqliteDirect(db, insertsFor(v6)).empty());
  int from = -1;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error, SqliteStore::Use::RecordAndCache, &from);
  INFO(error);
  REQUIRE(store);
  CHECK(from == 6);
  keepsTheSchema6Chains(*store, v6);
  store.reset();
  store = SqliteStore::open(db, error, SqliteStore::Use::RecordAndCache, &from);
  REQUIRE(store);
  CHECK(from == -1);  // migrated once
  // Still append-only after the migration.
  CHECK(sqliteDirect(db, "UPDATE approvals SET comment = 'x' WHERE id = 1").find("append-only") != std::string::npos);
  CHECK(sqliteDirect(db, "DELETE FROM approvals").find("append-only") != std::string::npos);
  CHECK(sqliteDirect(db, "UPDATE gate_passes SET evidence = 'x'").find("append-only") != std::string::npos);
  // A schema from a newer mlopsc is still refused.
  store.reset();
  REQUIRE(sqliteDirect(db, "PRAGMA user_version = 11").empty());
  CHECK(!SqliteStore::open(db, error));
  CHECK(error.find("its schema is version 11, newer than this mlopsc (version 10)") != std::string::npos);
}

// A PostgreSQL record as mlopsc `version` created it (its migrations up to
// that version, then `rows` as SQL), opened by this mlopsc, which migrates
// it; `from` is the version it migrated from.
std::unique_ptr<Record> pgRecordFromVersion(const std::string& project, int version, const std::string& rows,
                                            int& from) {
  std::string schema = pgSchemaName(project);
  std::string sql = "BEGIN; CREATE SCHEMA \"" + schema + "\"; SET search_path = \"" + schema + "\";\n"
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n";
  for (const PgMigration& m : pgMigrations())
    if (m.toVersion <= version) sql += m.sql;
  sql += "INSERT INTO meta VALUES ('schema_version', '" + std::to_string(version) + "');\n" + rows + "COMMIT;\n";
  REQUIRE(pgDirect(sql) == "");
  std::string error;
  std::unique_ptr<Record> r =
      PostgresRecord::open(PgCluster::get().conninfo(), "", project, PostgresRecord::Migrate::OnOpen, error, &from);
  INFO(error);
  REQUIRE(r);
  return r;
}

TEST_CASE("a schema 6 PostgreSQL record migrates to 7 with its chains intact", "[runtime][state][pg]") {
  std::string project = uniqueProject(), schema = pgSchemaName(project);
  std::vector<StateTable> v6 = readExport(kSchema6Export);
  int from = -1;
  std::unique_ptr<Record> r = pgRecordFromVersion(project, 6, insertsFor(v6), from);
  CHECK(from == 6);
  keepsTheSchema6Chains(*r, v6);
  // The append-only triggers hold after the migration, on the new columns too.
  std::string path = "SET search_path = \"" + schema + "\"; ";
  CHECK(pgDirect(path + "UPDATE approvals SET payload = 'x', signature = 'y' WHERE id = 1").find("append-only") !=
        std::string::npos);
  CHECK(pgDirect(path + "UPDATE gate_passes SET evidence = 'x'").find("append-only") != std::string::npos);
  // A schema from a newer mlopsc is still refused.
  REQUIRE(pgDirect(path + "UPDATE meta SET value = '11' WHERE key = 'schema_version'") == "");
  std::string error;
  CHECK(!PostgresRecord::open(PgCluster::get().conninfo(), "", project, PostgresRecord::Migrate::OnOpen, error));
  CHECK(error.find("is schema 11; this mlopsc knows up to 10: upgrade mlopsc") != std::string::npos);
}

// A run (id 1, the first of a new record on either database) and its node
// results as mlopsc 9 wrote them (no job_id), for the schema 10 migration.
const char* const kSchema9Results =
    "INSERT INTO runs (started_at, finished_at, status, ir_digest) "
    "VALUES ('2026-12-07T04:00:57Z', '2026-12-07T04:00:58Z', 'succeeded', 'ir9');\n"
    "INSERT INTO node_results (run, node, status, exit_code, seconds, why, cpu_seconds, max_rss_bytes) "
    "VALUES (1, 'model:m', 'succeeded', 0, 1.5, 'never ran; slurm job 77', 0.5, 1024);\n";

// The schema 9 rows, migrated: read as local (no job id), everything else
// as it was; a new result keeps its job id; a job_id written outside
// mlopsc that is not one reads as "".
void migratesTheSchema9Results(Record& r, const std::function<std::string(const std::string&)>& direct) {
  CHECK(r.schemaVersion() == kStateSchemaVersion);
  std::vector<NodeRecord> old = r.runResults(1);
  REQUIRE(old.size() == 1);
  CHECK(old[0].why == "never ran; slurm job 77");
  CHECK(old[0].maxRssBytes == 1024);
  CHECK(old[0].jobId.empty());
  int64_t run = r.beginRun("ir9");
  NodeRecord next{"model:m", "succeeded", 0, 1, "never ran; slurm job 78"};
  next.jobId = "slurm:78";
  r.recordResults(run, {next});
  CHECK(r.runResults(run).at(0).jobId == "slurm:78");
  REQUIRE(direct("UPDATE node_results SET job_id = 'slurm:78\x1b[2J' WHERE run = 1") == "");
  CHECK(r.runResults(1).at(0).jobId.empty());
  CHECK(r.nodeHistory("model:m").at(0).second.jobId.empty());
  CHECK(r.ok());
}

TEST_CASE("a schema 9 SQLite record migrates to 10: old results ran nowhere else", "[runtime][state]") {
  Scratch s;
  std::string db = s.path("state.db"), error;
  sqliteAtSchema(db, 9);
  REQUIRE(sqliteDirect(db, kSchema9Results).empty());
  int from = -1;
  std::unique_ptr<SqliteStore> store = SqliteStore::open(db, error, SqliteStore::Use::RecordAndCache, &from);
  INFO(error);
  REQUIRE(store);
  CHECK(from == 9);
  migratesTheSchema9Results(*store, [&](const std::string& sql) { return sqliteDirect(db, sql); });
}

TEST_CASE("a schema 9 PostgreSQL record migrates to 10: old results ran nowhere else", "[runtime][state][pg]") {
  std::string project = uniqueProject(), schema = pgSchemaName(project);
  std::string path = "SET search_path = \"" + schema + "\"; ";
  int from = -1;
  std::unique_ptr<Record> r = pgRecordFromVersion(project, 9, kSchema9Results, from);
  CHECK(from == 9);
  migratesTheSchema9Results(*r, [&](const std::string& update) { return pgDirect(path + update); });
}

TEST_CASE("a recorded job id is read only when well-formed", "[runtime][state]") {
  CHECK(recordedJobId("").empty());
  CHECK(recordedJobId("slurm:1234") == "slurm:1234");
  CHECK(recordedJobId("slurm:16 slurm:17 slurm:18") == "slurm:16 slurm:17 slurm:18");
  CHECK(recordedJobId("slurm:" + std::string(20, '9')) == "slurm:" + std::string(20, '9'));
  CHECK(recordedJobId("slurm:" + std::string(21, '9')).empty());
  std::string sixteen, seventeen;
  for (int k = 0; k < 16; ++k) sixteen += (k ? " slurm:" : "slurm:") + std::string(20, '1');
  seventeen = sixteen + " slurm:1";
  CHECK(recordedJobId(sixteen) == sixteen);
  CHECK(recordedJobId(seventeen).empty());
  for (const char* bad : {"slurm:", "slurm:1 ", " slurm:1", "slurm:1  slurm:2", "slurm:1\tslurm:2", "SLURM:1",
                          "slurm:+1", "slurm:1a", "local", "slurm:1;rm", "slurm:\xd9\xa1"})
    CHECK(recordedJobId(bad).empty());
}

TEST_CASE("half a signature is refused by the SQLite record", "[runtime][state]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> r = SqliteStore::open(s.path("state.db"), error);
  REQUIRE(r);
  ApprovalRecord noSignature = signedOn(r->approvalsHead(), "dave@x.example");
  noSignature.signature.clear();
  CHECK(!r->appendSignedApproval(noSignature, approvalHash));
  ApprovalRecord noPayload = signedOn(r->approvalsHead(), "dave@x.example");
  noPayload.payload.clear();
  CHECK(!r->appendSignedApproval(noPayload, approvalHash));
  CHECK(r->approvals().empty());
  CHECK(sqliteDirect(s.path("state.db"), "INSERT INTO approvals (id, gate, role, email, comment, artifact, at, "
                                         "prev_hash, hash, payload) VALUES (1, 'g', 'r', 'e', '', 'a', 't', 'p', 'h', 'x')")
            .find("approvals_signed_whole") != std::string::npos);
}

TEST_CASE("half a signature is refused by the PostgreSQL record", "[runtime][state][pg]") {
  std::unique_ptr<Record> r = freshPostgres(uniqueProject());
  ApprovalRecord noSignature = signedOn(r->approvalsHead(), "dave@x.example");
  noSignature.signature.clear();
  CHECK(!r->appendSignedApproval(noSignature, approvalHash));
  CHECK(!r->ok());  // not a moved head: a failure, sticky
  CHECK(r->error().find("approvals_signed_whole") != std::string::npos);
}

TEST_CASE("a record moves from SQLite to PostgreSQL verbatim", "[runtime][state][pg]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> from = SqliteStore::open(s.path("state.db"), error);
  REQUIRE(from);
  int64_t run = from->beginRun("ir");
  from->saveGraph("ir", "{}");
  from->recordResults(run, {{"step:a", "succeeded", 0, 0.125, "never ran"}});
  from->recordArtifact({run, "model:scorer", "art1", R"({"auc":0.9})", "", ""});
  from->appendApproval(approvalOf("carol@x.example", "art1"), approvalHash);
  REQUIRE(from->appendSignedApproval(signedOn(from->approvalsHead(), "dave@x.example"), approvalHash));
  from->recordGatePass(passOf(run, "art1"));
  GatePass withEvidence = passOf(run, "art1");
  withEvidence.evidence = R"({"approvals":[{"id":2,"sha256":"ab"}]})";
  from->recordGatePass(withEvidence);
  from->finishRun(from->beginRun("ir", 0, "ci-9"), "succeeded");
  from->recordKpiReadings({{0, run, "k", "m", 0.1 + 0.2, ">= 0.3", true, "model:scorer", "art1", "offline",
                            "model:scorer", "build/metrics.json", ""}});
  from->recordAbConclusion({0, run, "deploy:ab", "model:scorer", "art1", "m", "final", "roll back", "rolled back",
                            "{}", "roll back", ""});
  std::vector<StateTable> tables = from->exportTables();

  std::unique_ptr<Record> to = freshPostgres(uniqueProject());
  REQUIRE(to->importTables(tables, error));
  std::vector<StateTable> back = to->exportTables();
  REQUIRE(back.size() == tables.size());
  for (size_t t = 0; t < tables.size(); ++t) {
    INFO(tables[t].name);
    CHECK(back[t].name == tables[t].name);
    CHECK(back[t].rows == tables[t].rows);
  }
  CHECK(to->approvals().back().hash == from->approvals().back().hash);
  CHECK(to->approvals().back().payload == kPayload + "dave@x.example");
  CHECK(to->approvals().back().signature == kSignature);
  CHECK(to->gatePasses().back().evidence == withEvidence.evidence);
  REQUIRE(to->kpiReadings().size() == 1);
  CHECK(to->kpiReadings()[0].value == 0.1 + 0.2);
  CHECK(to->abConclusions().at(0).action == "rolled back");
  CHECK(verifyApprovalChain(to->approvals(), to->gatePasses()).empty());
  CHECK(verifyGatePassChain(to->gatePasses()).empty());
  // New runs continue after the imported ids.
  CHECK(to->beginRun("ir") == 3);
  // A second import into a record that is no longer empty is refused.
  CHECK(!to->importTables(tables, error));
  CHECK(error.find("not empty") != std::string::npos);
  // And back into an empty SQLite file, as verbatim.
  std::unique_ptr<SqliteStore> again = SqliteStore::open(s.path("again.db"), error);
  REQUIRE(again->importTables(tables, error));
  CHECK(again->approvals().back().hash == from->approvals().back().hash);
  CHECK(again->exportTables()[4].rows == tables[4].rows);  // approvals, signed row and all
}

TEST_CASE("16 approvers at once keep the PostgreSQL approvals log linear", "[runtime][state][pg]") {
  std::string project = uniqueProject();
  freshPostgres(project);  // migrated once, before the crowd
  constexpr int kApprovers = 16, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kApprovers; ++i)
    threads.emplace_back([&, i] {
      std::string error;
      std::unique_ptr<Record> r =
          PostgresRecord::open(PgCluster::get().conninfo(), "", project, PostgresRecord::Migrate::OnOpen, error);
      if (!r) {
        ++failures;
        return;
      }
      for (int k = 0; k < kEach; ++k) r->appendApproval(approvalOf("v" + std::to_string(i) + "@x.example", "art"), approvalHash);
      if (!r->ok()) ++failures;
    });
  for (std::thread& t : threads) t.join();
  CHECK(failures == 0);
  std::unique_ptr<Record> r = freshPostgres(project);
  std::vector<ApprovalRecord> log = r->approvals();
  CHECK(log.size() == static_cast<size_t>(kApprovers * kEach));
  CHECK(verifyApprovalChain(log, {}).empty());
}

TEST_CASE("signers racing on one PostgreSQL head: exactly one appends", "[runtime][state][pg]") {
  std::string project = uniqueProject();
  freshPostgres(project)->appendApproval(approvalOf("carol@x.example", "art1"), approvalHash);
  constexpr int kSigners = 8, kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::unique_ptr<Record>> records;
    for (int i = 0; i < kSigners; ++i) records.push_back(freshPostgres(project));
    // Every signer reads the head before any appends: all sign on the same one.
    std::vector<ApprovalHead> heads;
    for (auto& r : records) heads.push_back(r->approvalsHead());
    std::atomic<int> ready{0}, won{0}, lost{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kSigners; ++i)
      threads.emplace_back([&, i] {
        ApprovalRecord row = signedOn(heads[i], "v" + std::to_string(i) + "@x.example");
        ++ready;
        while (ready < kSigners) std::this_thread::yield();
        if (records[i]->appendSignedApproval(row, approvalHash)) ++won;
        else if (records[i]->ok()) ++lost;
      });
    for (std::thread& t : threads) t.join();
    CHECK(won == 1);
    CHECK(lost == kSigners - 1);
  }
  std::vector<ApprovalRecord> log = freshPostgres(project)->approvals();
  CHECK(log.size() == 1 + kRounds);
  CHECK(verifyApprovalChain(log, {}).empty());
}

// One suite, both backends of the record (runtime/state/record.h): the
// SQLite file and PostgreSQL (a throwaway cluster started by
// tests/support/pg-cluster, tagged [pg]). Runs, joined CI runs, results and
// node history, graphs, artifacts, both hash chains; a record exported from
// SQLite and imported into PostgreSQL keeps its rows and hashes verbatim;
// concurrent appenders keep the approvals log linear.
#include "runtime/approvals.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/state/postgres_record.h"
#include "runtime/state/sqlite_store.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
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
    r.recordArtifact({r1, "model:scorer", "2e673d531a11", R"({"auc":0.81})", ""});
    r.recordArtifact({r2, "model:scorer", "2e673d531a11", R"({"auc":0.82})", "2026-12-07T01:00:00Z"});
    r.recordArtifact({r2, "model:scorer", "2e67ffff", "{}", ""});
    std::vector<ArtifactRecord> found = r.findArtifacts("model:scorer", "2e673d");
    REQUIRE(found.size() == 2);
    CHECK(found[0].run == r2);
    CHECK(found[0].at == "2026-12-07T01:00:00Z");
    CHECK(found[1].metrics == R"({"auc":0.81})");
    CHECK(r.findArtifacts("model:scorer", "2e67%").empty());
    CHECK(r.findArtifacts("model:other", "").empty());
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
  CHECK(r.ok());
}

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

TEST_CASE("a record moves from SQLite to PostgreSQL verbatim", "[runtime][state][pg]") {
  Scratch s;
  std::string error;
  std::unique_ptr<SqliteStore> from = SqliteStore::open(s.path("state.db"), error);
  REQUIRE(from);
  int64_t run = from->beginRun("ir");
  from->saveGraph("ir", "{}");
  from->recordResults(run, {{"step:a", "succeeded", 0, 0.125, "never ran"}});
  from->recordArtifact({run, "model:scorer", "art1", R"({"auc":0.9})", ""});
  from->appendApproval(approvalOf("carol@x.example", "art1"), approvalHash);
  from->recordGatePass(passOf(run, "art1"));
  from->finishRun(from->beginRun("ir", 0, "ci-9"), "succeeded");
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

// mlopsc state check|migrate|export FILE|import FILE [--state URL|FILE]
// [--state-project NAME] [--project DIR]: the record itself
// (runtime/state/record.h). `check` connects and says what it found;
// `migrate` brings its schema to this mlopsc's (runs do it on first use
// too); `export` writes every row verbatim (ids, times, hashes) as JSON
// lines; `import` copies such a file into an empty record and verifies both
// hash chains, so a project's history moves from SQLite to PostgreSQL with
// its approvals log intact (not recomputed).
#include "driver/commands.h"
#include "driver/project_state.h"
#include "ir/ir_reader.h"
#include "runtime/approvals.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/state/pg_conninfo.h"
#include "runtime/state/postgres_record.h"
#include "runtime/state/sqlite_store.h"

#include <nlohmann/json.hpp>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <map>

namespace mlops::driver {

namespace {

llvm::cl::list<std::string> stateArgs(llvm::cl::Positional, llvm::cl::desc("check|migrate|export FILE|import FILE"),
                                      llvm::cl::OneOrMore, llvm::cl::sub(stateCommand), llvm::cl::cat(commandCategory));

constexpr const char* kFormat = "mlopsc-state-export";

int usage(const std::string& why) {
  llvm::errs() << "mlopsc: error: " << why << '\n';
  return static_cast<int>(ExitCode::Usage);
}

// The project folder for the default record: --project, else the nearest
// folder upwards with a .mlops/state.db, else the current one.
std::string projectRoot() {
  if (!projectOption.empty()) return projectOption;
  llvm::SmallString<256> dir;
  llvm::sys::fs::current_path(dir);
  std::string here = dir.str().str();
  for (;;) {
    if (llvm::sys::fs::exists(dir + "/.mlops/state.db")) return dir.str().str();
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent.empty() || parent == dir) return here;
    dir = parent;
  }
}

// The project a dump's latest graph names ("" when it holds none).
std::string projectOfDump(const std::vector<runtime::StateTable>& tables) {
  std::map<std::string, std::string> graphs;
  std::string lastDigest;
  for (const runtime::StateTable& t : tables) {
    if (t.name == "graphs")
      for (const auto& row : t.rows)
        if (row.size() == 2 && row[0] && row[1]) graphs[*row[0]] = *row[1];
    if (t.name == "runs" && !t.rows.empty() && t.rows.back().size() > 4 && t.rows.back()[4])
      lastDigest = *t.rows.back()[4];
  }
  auto it = graphs.find(lastDigest);
  if (it == graphs.end()) return "";
  ir::ReadError error;
  std::optional<ir::PipelineGraph> g = ir::readPipelineJson(it->second, error);
  return g ? g->projectName : "";
}

std::unique_ptr<runtime::Record> open(const runtime::StateSelection& selection, const std::string& project,
                                      bool migrate, std::string& error, int* migratedFrom = nullptr) {
  if (selection.backend == runtime::StateBackend::Postgres)
    // --state-project, else the dump's project (import), else the one the
    // checkout's runs used (--project DIR or the folder found upwards).
    return runtime::PostgresRecord::open(selection.location, selection.pgPassword,
                                         !selection.project.empty() ? selection.project
                                         : !project.empty()         ? project
                                                                    : projectNameOfCheckout(projectRoot()),
                                         migrate ? runtime::PostgresRecord::Migrate::OnOpen
                                                 : runtime::PostgresRecord::Migrate::Never,
                                         error, migratedFrom);
  std::string path = selection.isDefault() ? projectRoot() + "/.mlops/state.db" : selection.location;
  if (!migrate && !llvm::sys::fs::exists(path)) {
    error = "no state at `" + path + "`";
    return nullptr;
  }
  return runtime::SqliteStore::open(path, error, runtime::SqliteStore::Use::RecordAndCache, migratedFrom);
}

// Both chains of `record`, verified; prints problems, returns whether none.
bool chainsVerify(const runtime::Record& record, const char* which) {
  std::vector<runtime::ApprovalRecord> log = record.approvals();
  std::vector<runtime::GatePass> passes = record.gatePasses();
  std::vector<std::string> problems = runtime::verifyApprovalChain(log, passes);
  for (std::string& p : runtime::verifyGatePassChain(passes)) problems.push_back(std::move(p));
  for (const std::string& p : problems) llvm::errs() << "mlopsc: error: " << which << ": " << p << '\n';
  return problems.empty();
}

int check(const runtime::StateSelection& selection) {
  std::string error;
  std::unique_ptr<runtime::Record> record = open(selection, "", /*migrate=*/false, error);
  if (!record) return usage(error);
  llvm::raw_ostream& out = llvm::outs();
  out << "record: " << record->describe() << '\n';
  if (auto* pg = dynamic_cast<runtime::PostgresRecord*>(record.get())) {
    int v = pg->serverVersion();
    out << "server: PostgreSQL " << v / 10000 << "." << v % 10000 << '\n';
    std::string ignored;
    if (std::optional<runtime::PgConnInfo> info = runtime::parsePgConnInfo(selection.location, ignored))
      if (!info->host.empty() && info->host[0] != '/' && info->masked.find("sslmode=verify-full") == std::string::npos)
        llvm::errs() << "mlopsc: warning: the connection to " << info->host
                     << " does not verify the server's certificate: add sslmode=verify-full (docs/cli.md, State)\n";
  }
  int version = record->schemaVersion();
  out << "schema: " << version << " (this mlopsc: " << runtime::kStateSchemaVersion << ")\n";
  if (version < runtime::kStateSchemaVersion) {
    out << "not migrated yet: `mlopsc state migrate` (or the first run) brings it to "
        << runtime::kStateSchemaVersion << '\n';
    return 0;
  }
  std::vector<runtime::RunRecord> runs = record->runs();
  out << runs.size() << (runs.size() == 1 ? " run, " : " runs, ") << record->approvals().size() << " approvals, "
      << record->gatePasses().size() << " gate passes\n";
  if (!record->ok()) return usage(record->error());
  return 0;
}

int migrate(const runtime::StateSelection& selection) {
  std::string error;
  int from = -1;
  std::unique_ptr<runtime::Record> record = open(selection, "", /*migrate=*/true, error, &from);
  if (!record) return usage(error);
  if (from >= 0)
    llvm::outs() << "migrated " << record->describe() << " from schema " << from << " to "
                 << runtime::kStateSchemaVersion << '\n';
  else
    llvm::outs() << record->describe() << " is at schema " << record->schemaVersion() << ": nothing to migrate\n";
  return 0;
}

int exportTo(const runtime::StateSelection& selection, const std::string& file) {
  std::string error;
  std::unique_ptr<runtime::Record> record = open(selection, "", /*migrate=*/false, error);
  if (!record) return usage(error);
  if (int v = record->schemaVersion(); v != runtime::kStateSchemaVersion)
    return usage("the record at " + record->describe() + " is schema " + std::to_string(v) +
                 ": run `mlopsc state migrate` on it first");
  std::vector<runtime::StateTable> tables = record->exportTables();
  if (!record->ok()) return usage(record->error());
  std::string text = nlohmann::json{{"format", kFormat}, {"schema_version", runtime::kStateSchemaVersion}}.dump() + "\n";
  size_t rows = 0;
  for (const runtime::StateTable& t : tables)
    for (const auto& row : t.rows) {
      nlohmann::ordered_json values = nlohmann::ordered_json::object();
      for (size_t c = 0; c < t.columns.size(); ++c)
        values[t.columns[c]] = row[c] ? nlohmann::ordered_json(*row[c]) : nlohmann::ordered_json(nullptr);
      // Verbatim or not at all: a row that is not UTF-8 (written outside
      // mlopsc) cannot be a JSON string, and replacing its bytes would
      // change what its hash covers.
      try {
        text += nlohmann::ordered_json{{"table", t.name}, {"row", values}}.dump() + "\n";
      } catch (const nlohmann::json::type_error&) {
        return usage("row " + std::to_string(rows + 1) + " of the export (table `" + t.name +
                     "`) holds text that is not UTF-8: it cannot be exported verbatim");
      }
      ++rows;
    }
  std::error_code ec;
  llvm::raw_fd_ostream out(file, ec);
  if (ec) return usage("cannot write `" + file + "`: " + ec.message());
  out << text;
  out.close();
  if (out.has_error()) return usage("cannot write `" + file + "`: " + out.error().message());
  llvm::outs() << "exported " << rows << " rows of " << record->describe() << " to " << file << '\n';
  return 0;
}

int importFrom(const runtime::StateSelection& selection, const std::string& file) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return usage("cannot read `" + file + "`: " + buffer.getError().message());
  std::vector<runtime::StateTable> tables;
  std::map<std::string, size_t> index;
  llvm::StringRef rest = (*buffer)->getBuffer();
  size_t line = 0;
  while (!rest.empty()) {
    auto [text, after] = rest.split('\n');
    rest = after;
    ++line;
    if (text.trim().empty()) continue;
    std::string where = file + ":" + std::to_string(line) + ": ";
    nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return usage(where + "expected a JSON object per line");
    if (line == 1) {
      if (j.value("format", "") != kFormat || !j["schema_version"].is_number_integer())
        return usage(where + "expected the header of a `mlopsc state export` file");
      if (int schema = j["schema_version"].get<int>(); schema != runtime::kStateSchemaVersion)
        return usage(where + "the export is of schema " + std::to_string(schema) + "; this mlopsc imports schema " +
                     std::to_string(runtime::kStateSchemaVersion) +
                     (schema < runtime::kStateSchemaVersion
                          ? ": run `mlopsc state migrate` on the record it came from, then export it again"
                          : ": upgrade mlopsc"));
      continue;
    }
    if (!j["table"].is_string() || !j["row"].is_object()) return usage(where + "expected {\"table\": ..., \"row\": {...}}");
    std::string name = j["table"].get<std::string>();
    const std::vector<std::string>* columns = runtime::stateTableColumns(name);
    if (!columns) return usage(where + "unknown table `" + name + "`");
    if (j["row"].size() != columns->size()) return usage(where + "expected the columns of `" + name + "`");
    std::vector<std::optional<std::string>> row;
    for (const std::string& c : *columns) {
      auto it = j["row"].find(c);
      if (it == j["row"].end() || !(it->is_string() || it->is_null()))
        return usage(where + "column `" + c + "` of `" + name + "` is missing or not a string or null");
      row.push_back(it->is_null() ? std::nullopt : std::optional<std::string>(it->get<std::string>()));
    }
    auto [at, inserted] = index.emplace(name, tables.size());
    if (inserted) tables.push_back({name, *columns, {}});
    tables[at->second].rows.push_back(std::move(row));
  }
  if (line == 0) return usage("`" + file + "` is empty: expected a `mlopsc state export` file");
  std::string error;
  std::unique_ptr<runtime::Record> record = open(selection, projectOfDump(tables), /*migrate=*/true, error);
  if (!record) return usage(error);
  if (!record->importTables(tables, error)) return usage(error);
  // What was imported must verify as it did where it came from: the rows are
  // copied, never recomputed, so a chain that breaks here was broken there.
  if (!chainsVerify(*record, record->describe().c_str())) return static_cast<int>(ExitCode::Refused);
  size_t rows = 0;
  for (const runtime::StateTable& t : tables) rows += t.rows.size();
  std::vector<runtime::ApprovalRecord> log = record->approvals();
  std::vector<runtime::GatePass> passes = record->gatePasses();
  llvm::outs() << "imported " << rows << " rows into " << record->describe() << "; approvals log verified ("
               << log.size() << " rows" << (log.empty() ? "" : ", head " + log.back().hash.substr(0, 12))
               << "), gate passes verified (" << passes.size() << " rows"
               << (passes.empty() ? "" : ", head " + passes.back().hash.substr(0, 12)) << ")\n";
  return 0;
}

}  // namespace

int runState() {
  std::vector<std::string> args(stateArgs.begin(), stateArgs.end());
  runtime::StateSelection selection = selectedState();
  const std::string& action = args[0];
  if (action == "check" || action == "migrate") {
    if (args.size() != 1) return usage("`state " + action + "` takes no file");
    return action == "check" ? check(selection) : migrate(selection);
  }
  if (action == "export" || action == "import") {
    if (args.size() != 2) return usage("`state " + action + "` needs one FILE");
    return action == "export" ? exportTo(selection, args[1]) : importFrom(selection, args[1]);
  }
  return usage("unknown `state` action `" + action + "`: expected check, migrate, export FILE or import FILE");
}

}  // namespace mlops::driver

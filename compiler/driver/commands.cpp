#include "driver/commands.h"

#include "runtime/exec/node_exec.h"

#include "driver/diagnostic_output.h"

namespace mlops::driver {

llvm::cl::SubCommand checkCommand("check", "Check .mlops files and report diagnostics");
llvm::cl::SubCommand parseCommand("parse", "Parse .mlops files (syntax only); --dump-ast prints the AST");
llvm::cl::SubCommand buildCommand("build",
                                  "Check a spec and write the pipeline IR, graph and CI files (OUT/pipeline.json, OUT/graph/, OUT/github/, OUT/gitlab/, OUT/argo/)");
llvm::cl::SubCommand graphCommand("graph", "Draw the pipeline graph of a spec as DOT, SVG or PNG");
llvm::cl::SubCommand runCommand("run", "Run a spec or pipeline.json on this machine: steps, models, tests, gates, deploys, monitors");
llvm::cl::SubCommand approveCommand("approve",
                                    "Approve a gate for the model artifact on disk, hashed from its bytes (an "
                                    "append-only, hash-chained log)");
llvm::cl::SubCommand historyCommand("history",
                                    "Show past runs, a node's results, gate passes and approvals; --verify checks "
                                    "the hash chains of the approvals log and the gate passes");
llvm::cl::SubCommand attestCommand("attest",
                                   "Export a gate pass's release evidence (signed approval statements, "
                                   "allowed_signers, policy, SLSA verification summary, checksums) for anyone to "
                                   "check with ssh-keygen and sha256sum");
llvm::cl::SubCommand logCommand("log", "Print a node's output from its latest run (control characters escaped on a terminal)");
llvm::cl::SubCommand statusCommand(
    "status", "Say which nodes are not up to date and why, running nothing; kill what a killed run left running");
// Defined here, not in state_command.cpp: the shared options below name it,
// and objects of one file are constructed in order.
llvm::cl::SubCommand stateCommand("state",
                                  "The record of runs, approvals and gate passes: check, migrate, export FILE, "
                                  "import FILE (from SQLite to PostgreSQL, hash chains kept)");
// Defined here too: the shared --project, --state and --state-project name it.
llvm::cl::SubCommand dashboardCommand(
    "dashboard",
    "Write the team dashboard (KPIs, models, data, teams and resources) as a static site, or serve it live "
    "with --serve");
// Here, not in diff_command.cpp: the diagnostic options below name it, and
// a SubCommand must be constructed before an option registers on it.
llvm::cl::SubCommand diffCommand("diff",
                                 "Show what a spec change does to governance (loosened and tightened controls, "
                                 "who must review) as Markdown or JSON");
llvm::cl::SubCommand execNodeCommand(
    "exec-node", "Run one node's command inside a SLURM job of `run --executor slurm` (what its jobs run; docs/slurm.md)");
llvm::cl::SubCommand explainCommand("explain", "Explain a diagnostic code, with a wrong and a right example");

llvm::cl::OptionCategory diagnosticCategory("Diagnostic options");
llvm::cl::OptionCategory commandCategory("Options");

llvm::cl::opt<std::string> projectOption(
    "project",
    llvm::cl::desc("Project folder (default: the nearest folder upwards with a .mlops/state.db; for `status`, "
                   "used when no spec is given)"),
    llvm::cl::value_desc("dir"), llvm::cl::sub(statusCommand), llvm::cl::sub(approveCommand),
    llvm::cl::sub(historyCommand), llvm::cl::sub(attestCommand), llvm::cl::sub(logCommand),
    llvm::cl::sub(stateCommand), llvm::cl::sub(dashboardCommand), llvm::cl::cat(commandCategory));

llvm::cl::opt<std::string> stateOption(
    "state",
    llvm::cl::desc("The team's record of runs, approvals and gate passes: a PostgreSQL URL "
                   "(postgresql://HOST/DB) or libpq keyword string (host=HOST dbname=DB), or a SQLite file "
                   "(default: $MLOPS_STATE, else the project's .mlops/state.db); passwords come from libpq's "
                   "means (the URL, PGPASSWORD, ~/.pgpass) and are never printed"),
    llvm::cl::value_desc("url|file"), llvm::cl::sub(runCommand), llvm::cl::sub(statusCommand),
    llvm::cl::sub(approveCommand), llvm::cl::sub(historyCommand), llvm::cl::sub(attestCommand),
    llvm::cl::sub(logCommand), llvm::cl::sub(stateCommand), llvm::cl::sub(dashboardCommand),
    llvm::cl::cat(commandCategory));

llvm::cl::opt<std::string> stateProjectOption(
    "state-project",
    llvm::cl::desc("In a PostgreSQL record holding several projects, the one to use (default: the spec's "
                   "project, else the checkout's, else the only one there); its schema is mlops_NAME"),
    llvm::cl::value_desc("name"), llvm::cl::sub(runCommand), llvm::cl::sub(statusCommand),
    llvm::cl::sub(approveCommand), llvm::cl::sub(historyCommand), llvm::cl::sub(attestCommand),
    llvm::cl::sub(logCommand), llvm::cl::sub(stateCommand), llvm::cl::sub(dashboardCommand),
    llvm::cl::cat(commandCategory));

runtime::StateSelection selectedState() { return runtime::selectState(stateOption, stateProjectOption); }

llvm::cl::opt<bool> noCompileCache(
    "no-compile-cache",
    llvm::cl::desc("Compile the spec even when the compile cache (.mlops/compile-cache/) holds its IR (for "
                   "`build --check`: a record of the last build); MLOPS_NO_COMPILE_CACHE=1 does the same"),
    llvm::cl::sub(runCommand), llvm::cl::sub(statusCommand), llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));

namespace {

llvm::cl::opt<std::string> diagnosticsFormat(
    "diagnostics-format",
    llvm::cl::desc("How to print diagnostics: text (stderr), json, sarif (GitHub code scanning), github "
                   "(workflow annotations), gitlab-codequality (GitLab Code Quality report) (stdout)"),
    llvm::cl::value_desc("format"), llvm::cl::init("text"), llvm::cl::cat(diagnosticCategory),
    llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand), llvm::cl::sub(buildCommand),
    llvm::cl::sub(graphCommand), llvm::cl::sub(runCommand), llvm::cl::sub(diffCommand));

llvm::cl::opt<std::string> colorOption(
    "color", llvm::cl::desc("Colour in text diagnostics: auto (terminal, unless NO_COLOR is set), always, never"),
    llvm::cl::value_desc("auto|always|never"), llvm::cl::init("auto"), llvm::cl::cat(diagnosticCategory),
    llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand), llvm::cl::sub(buildCommand),
    llvm::cl::sub(graphCommand), llvm::cl::sub(runCommand), llvm::cl::sub(diffCommand));

llvm::cl::opt<unsigned> maxErrors("max-errors",
                                  llvm::cl::desc("Stop after this many errors (0: no limit; default 50)"),
                                  llvm::cl::init(50), llvm::cl::cat(diagnosticCategory),
                                  llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand), llvm::cl::sub(buildCommand),
                                  llvm::cl::sub(graphCommand), llvm::cl::sub(runCommand), llvm::cl::sub(diffCommand));

llvm::cl::opt<unsigned> maxNesting("max-nesting",
                                   llvm::cl::desc("Deepest bracket nesting accepted (default 256)"),
                                   llvm::cl::init(256), llvm::cl::cat(diagnosticCategory),
                                   llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand), llvm::cl::sub(buildCommand),
                                  llvm::cl::sub(graphCommand), llvm::cl::sub(runCommand), llvm::cl::sub(diffCommand));

llvm::cl::list<std::string> warningFlags(
    "W", llvm::cl::Prefix, llvm::cl::ZeroOrMore,
    llvm::cl::desc("Warnings: -Werror (all warnings are errors), -Werror=CODE, -Wno-CODE (silence), -WCODE (enable)"),
    llvm::cl::value_desc("error|error=CODE|no-CODE|CODE"), llvm::cl::cat(diagnosticCategory),
    llvm::cl::sub(checkCommand), llvm::cl::sub(buildCommand), llvm::cl::sub(graphCommand), llvm::cl::sub(runCommand), llvm::cl::sub(diffCommand));

}  // namespace

bool applyWarningFlags(diag::DiagnosticEngine& diags) {
  using State = diag::DiagnosticEngine::WarningState;
  for (const std::string& flag : warningFlags) {
    llvm::StringRef f(flag);
    if (f == "error") {
      diags.setWarningsAsErrors(true);
      continue;
    }
    State state = State::Enabled;
    llvm::StringRef code = f;
    if (f.consume_front("no-")) { state = State::Ignored; code = f; }
    else if (f.consume_front("error=")) { state = State::Error; code = f; }
    const diag::CodeInfo* info = diag::findCode(code);
    if (!info) {
      llvm::errs() << "mlopsc: error: unknown diagnostic code in `-W" << flag << "`: expected a code like W0601\n";
      return false;
    }
    if (info->severity != diag::Severity::Warning) {
      llvm::errs() << "mlopsc: error: `-W" << flag << "`: " << info->name
                   << " is an error, not a warning; only W-codes can be controlled\n";
      return false;
    }
    diags.setWarningState(info->code, state);
  }
  return true;
}

std::vector<const llvm::cl::OptionCategory*> commandCategories() {
  return {&commandCategory, &diagnosticCategory};
}

bool validateDiagnosticOptions() {
  if (!parseDiagnosticFormat(diagnosticsFormat)) {
    llvm::errs() << "mlopsc: error: unknown diagnostics format `" << diagnosticsFormat
                 << "`: expected text, json, sarif, github or gitlab-codequality\n";
    return false;
  }
  if (!parseColorMode(colorOption)) {
    llvm::errs() << "mlopsc: error: unknown colour mode `" << colorOption << "`: expected auto, always or never\n";
    return false;
  }
  if (maxNesting == 0) {
    llvm::errs() << "mlopsc: error: --max-nesting must be at least 1\n";
    return false;
  }
  return true;
}

bool emitDiagnostics(const diag::DiagnosticEngine& diags, const std::string& spec) {
  printDiagnostics(diags, *parseDiagnosticFormat(diagnosticsFormat), *parseColorMode(colorOption), spec);
  return true;
}

RenderedDiagnostics renderDiagnosticsFromFlags(const diag::DiagnosticEngine& diags, const std::string& spec) {
  return renderDiagnostics(diags, *parseDiagnosticFormat(diagnosticsFormat), *parseColorMode(colorOption), spec);
}

std::string diagnosticOptionsKey(const std::string& spec) {
  std::string key = "format=" + diagnosticsFormat.getValue() + "\ncolor=" +
                    (useColor(*parseColorMode(colorOption), llvm::errs()) ? "on" : "off") +
                    "\nmax-errors=" + std::to_string(maxErrors) + "\nmax-nesting=" + std::to_string(maxNesting);
  std::optional<DiagnosticFormat> format = parseDiagnosticFormat(diagnosticsFormat);
  if (format && usesRepositoryRoot(*format)) key += "\nroot=" + sourceRootOf(spec).path;  // a `.git` made later
  for (const std::string& flag : warningFlags) key += "\n-W" + flag;  // in order: later flags win
  return key;
}

syntax::ParseOptions parseOptionsFromFlags() {
  syntax::ParseOptions options;
  options.maxNesting = maxNesting;
  return options;
}

unsigned maxErrorsFromFlags() { return maxErrors; }

bool diagnosticsGoToStdout() {
  std::optional<DiagnosticFormat> format = parseDiagnosticFormat(diagnosticsFormat);
  return format && *format != DiagnosticFormat::Text;
}

int runSelectedCommand() {
  if (checkCommand) return runCheck();
  if (explainCommand) return runExplain();
  if (buildCommand) return runBuild();
  if (graphCommand) return runGraph();
  if (runCommand) return runRun();
  if (execNodeCommand) return runtime::execNode(stderr);
  if (statusCommand) return runStatus();
  if (approveCommand) return runApprove();
  if (historyCommand) return runHistory();
  if (attestCommand) return runAttest();
  if (logCommand) return runLog();
  if (reportCommand) return runReport();
  if (diffCommand) return runDiff();
  if (dashboardCommand) return runDashboard();
  if (stateCommand) return runState();
  if (fmtCommand) return runFmt();
  if (lspCommand) return runLsp();
  if (parseCommand) return runParse();
  llvm::errs() << "mlopsc: error: no subcommand given: expected `check`, `parse`, `build`, `graph`, `run`, `status`, `approve`, `history`, `attest`, `log`, `report`, `dashboard`, `state`, `fmt`, `lsp` or `explain`\n"
               << "run `mlopsc --help` for usage\n";
  return static_cast<int>(ExitCode::Usage);
}

}  // namespace mlops::driver

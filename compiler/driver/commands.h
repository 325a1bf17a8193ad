// The subcommands of mlopsc. Each lives in its own *_command.cpp with its
// llvm::cl options registered on its own llvm::cl::SubCommand.
#pragma once

#include <functional>
#include <memory>

#include "driver/compilation.h"
#include "driver/diagnostic_output.h"
#include "ir/pipeline_graph.h"
#include "runtime/state/state_selection.h"

#include <llvm/Support/CommandLine.h>

#include <optional>
#include <string>
#include <vector>

namespace mlops::driver {

struct CompileRecord;

// Option categories shown by --help (others are LLVM's own and hidden).
std::vector<const llvm::cl::OptionCategory*> commandCategories();

// Runs the subcommand chosen on the command line; returns the exit code.
int runSelectedCommand();

int runCheck();
int runParse();
int runExplain();
int runBuild();
int runGraph();
int runRun();
int runStatus();
int runApprove();
int runHistory();
int runAttest();
int runLog();
int runReport();
int runDiff();
int runDashboard();
int runState();
int runFmt();
int runLsp();

// Applies -Werror / -Wno-CODE / -WCODE; false on a bad flag (reported).
bool applyWarningFlags(diag::DiagnosticEngine& diags);

// Options shared by subcommands that print diagnostics.
extern llvm::cl::OptionCategory diagnosticCategory;
extern llvm::cl::OptionCategory commandCategory;
// --project DIR of the commands that read a project's state (status,
// approve, history, attest, log): driver/project_state.h.
extern llvm::cl::opt<std::string> projectOption;
// --state URL|FILE and --state-project NAME of the commands that read or
// write the record (run, status, approve, history, attest, log, state): with
// MLOPS_STATE, which record (runtime/state/state_selection.h).
extern llvm::cl::opt<std::string> stateOption;
runtime::StateSelection selectedState();

// Prints diagnostics as requested by the shared options; returns false on a
// bad option value (already reported). `spec` is the first spec of the
// command line: SARIF and GitLab Code Quality name files relative to its
// repository root.
bool emitDiagnostics(const diag::DiagnosticEngine& diags, const std::string& spec);
// The same text without printing it (the compile cache keeps it).
RenderedDiagnostics renderDiagnosticsFromFlags(const diag::DiagnosticEngine& diags, const std::string& spec);
// Every diagnostic option that changes what is printed or whether the spec
// compiles (-W flags in order, --max-errors, --max-nesting, the format and
// whether colour is on; for SARIF and Code Quality the repository root of
// `spec`), as text for the compile cache's key.
std::string diagnosticOptionsKey(const std::string& spec);
// --no-compile-cache (run, status).
extern llvm::cl::opt<bool> noCompileCache;
// Validates the shared options before any work; false: usage error reported.
bool validateDiagnosticOptions();
syntax::ParseOptions parseOptionsFromFlags();
unsigned maxErrorsFromFlags();
// True when the chosen diagnostics format prints to stdout (json, sarif,
// github), which a command writing its output to stdout cannot share.
bool diagnosticsGoToStdout();

// Runs on the IR of a spec without errors, before its diagnostics are
// printed, to add more (the CI backends' W07xx). The IR's source ranges are
// valid only during the call.
using GraphLint = std::function<void(const ir::PipelineGraph&, diag::DiagnosticEngine&)>;

// Checks SPEC with the standard library (--stdlib DIR, or found as
// findStdlib does) and lowers it to the IR. On failure the diagnostics or
// the problem are printed and `failure` says how to exit.
// The graph is on the heap, so work the lint started on it may go on after
// compileSpec returned. `record` (optional) receives what the compile cache
// keeps of the compilation (driver/compile_cache.h).
std::unique_ptr<ir::PipelineGraph> compileSpec(const std::string& spec, const std::string& stdlibOverride,
                                               ExitCode& failure, const GraphLint& lint = {},
                                               CompileRecord* record = nullptr);
// Writes through a temporary file and a rename, so a reader never sees a
// half-written file; creates the parent folders.
bool writeAtomically(const std::string& path, const std::string& content, std::string& error);
// Prints what Graphviz reported, one `mlopsc: graphviz: ` line each, to stderr.
void printGraphvizMessages(const std::vector<std::string>& messages);

extern llvm::cl::SubCommand checkCommand;
extern llvm::cl::SubCommand parseCommand;
extern llvm::cl::SubCommand explainCommand;
extern llvm::cl::SubCommand buildCommand;
extern llvm::cl::SubCommand runCommand;
extern llvm::cl::SubCommand graphCommand;
extern llvm::cl::SubCommand statusCommand;
extern llvm::cl::SubCommand approveCommand;
extern llvm::cl::SubCommand historyCommand;
extern llvm::cl::SubCommand attestCommand;
extern llvm::cl::SubCommand logCommand;
extern llvm::cl::SubCommand reportCommand;
extern llvm::cl::SubCommand diffCommand;
extern llvm::cl::SubCommand dashboardCommand;
extern llvm::cl::SubCommand stateCommand;
extern llvm::cl::SubCommand fmtCommand;
extern llvm::cl::SubCommand lspCommand;

}  // namespace mlops::driver

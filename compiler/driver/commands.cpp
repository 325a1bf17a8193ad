#include "driver/commands.h"

#include "driver/diagnostic_output.h"

namespace mlops::driver {

llvm::cl::SubCommand checkCommand("check", "Check .mlops files and report diagnostics");
llvm::cl::SubCommand parseCommand("parse", "Parse .mlops files (syntax only); --dump-ast prints the AST");

llvm::cl::OptionCategory diagnosticCategory("Diagnostic options");
llvm::cl::OptionCategory commandCategory("Options");

namespace {

llvm::cl::opt<std::string> diagnosticsFormat(
    "diagnostics-format", llvm::cl::desc("How to print diagnostics: text (stderr), json, sarif, github (stdout)"),
    llvm::cl::value_desc("text|json|sarif|github"), llvm::cl::init("text"), llvm::cl::cat(diagnosticCategory),
    llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand));

llvm::cl::opt<std::string> colorOption(
    "color", llvm::cl::desc("Colour in text diagnostics: auto (terminal, unless NO_COLOR is set), always, never"),
    llvm::cl::value_desc("auto|always|never"), llvm::cl::init("auto"), llvm::cl::cat(diagnosticCategory),
    llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand));

llvm::cl::opt<unsigned> maxErrors("max-errors",
                                  llvm::cl::desc("Stop after this many errors (0: no limit; default 50)"),
                                  llvm::cl::init(50), llvm::cl::cat(diagnosticCategory),
                                  llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand));

llvm::cl::opt<unsigned> maxNesting("max-nesting",
                                   llvm::cl::desc("Deepest bracket nesting accepted (default 256)"),
                                   llvm::cl::init(256), llvm::cl::cat(diagnosticCategory),
                                   llvm::cl::sub(checkCommand), llvm::cl::sub(parseCommand));

}  // namespace

std::vector<const llvm::cl::OptionCategory*> commandCategories() {
  return {&commandCategory, &diagnosticCategory};
}

bool validateDiagnosticOptions() {
  if (!parseDiagnosticFormat(diagnosticsFormat)) {
    llvm::errs() << "mlopsc: error: unknown diagnostics format `" << diagnosticsFormat
                 << "`: expected text, json, sarif or github\n";
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

bool emitDiagnostics(const diag::DiagnosticEngine& diags) {
  printDiagnostics(diags, *parseDiagnosticFormat(diagnosticsFormat), *parseColorMode(colorOption));
  return true;
}

syntax::ParseOptions parseOptionsFromFlags() {
  syntax::ParseOptions options;
  options.maxNesting = maxNesting;
  return options;
}

unsigned maxErrorsFromFlags() { return maxErrors; }

int runSelectedCommand() {
  if (checkCommand) return runCheck();
  if (parseCommand) return runParse();
  llvm::errs() << "mlopsc: error: no subcommand given: expected `check` or `parse`\n"
               << "run `mlopsc --help` for usage\n";
  return static_cast<int>(ExitCode::Usage);
}

}  // namespace mlops::driver

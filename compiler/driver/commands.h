// The subcommands of mlopsc. Each lives in its own *_command.cpp with its
// llvm::cl options registered on its own llvm::cl::SubCommand.
#pragma once

#include "driver/compilation.h"

#include <llvm/Support/CommandLine.h>

namespace mlops::driver {

// Option categories shown by --help (others are LLVM's own and hidden).
std::vector<const llvm::cl::OptionCategory*> commandCategories();

// Runs the subcommand chosen on the command line; returns the exit code.
int runSelectedCommand();

int runCheck();
int runParse();
int runExplain();
int runBuild();

// Applies -Werror / -Wno-CODE / -WCODE; false on a bad flag (reported).
bool applyWarningFlags(diag::DiagnosticEngine& diags);

// Options shared by subcommands that print diagnostics.
extern llvm::cl::OptionCategory diagnosticCategory;
extern llvm::cl::OptionCategory commandCategory;

// Prints diagnostics as requested by the shared options; returns false on a
// bad option value (already reported).
bool emitDiagnostics(const diag::DiagnosticEngine& diags);
// Validates the shared options before any work; false: usage error reported.
bool validateDiagnosticOptions();
syntax::ParseOptions parseOptionsFromFlags();
unsigned maxErrorsFromFlags();

extern llvm::cl::SubCommand checkCommand;
extern llvm::cl::SubCommand parseCommand;
extern llvm::cl::SubCommand explainCommand;
extern llvm::cl::SubCommand buildCommand;

}  // namespace mlops::driver

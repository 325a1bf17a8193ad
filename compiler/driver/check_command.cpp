// mlopsc check FILE...: each FILE is the root of a compilation (its imports
// and the stdlib come along); parse and every semantic pass. Exit 0 when
// clean (warnings allowed), 1 when a spec has errors, 2 on usage or I/O
// problems (missing file, directory, no stdlib).
#include "driver/commands.h"
#include "driver/stdlib_locator.h"
#include "sema/pass_pipeline.h"

#include <llvm/ADT/STLExtras.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {
namespace {

llvm::cl::list<std::string> checkFiles(llvm::cl::Positional, llvm::cl::desc("<file.mlops>..."),
                                       llvm::cl::OneOrMore, llvm::cl::sub(checkCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> stdlibDir("stdlib", llvm::cl::desc("Standard library folder (default: next to mlopsc; "
                                                              "or $MLOPS_STDLIB)"),
                                     llvm::cl::value_desc("dir"), llvm::cl::sub(checkCommand),
                                     llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> dumpAfter("dump-after",
                                     llvm::cl::desc("Print the program after a semantic pass: imports, names, "
                                                    "properties, references, interpolation, checks, expressions, "
                                                    "graph, paths, signers, policy, warnings"),
                                     llvm::cl::value_desc("pass"), llvm::cl::sub(checkCommand),
                                     llvm::cl::cat(commandCategory));

}  // namespace

int runCheck() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  std::vector<std::string> passes = sema::passNames();
  if (!dumpAfter.empty() && !llvm::is_contained(passes, dumpAfter.getValue())) {
    llvm::errs() << "mlopsc: error: unknown pass `" << dumpAfter << "` for --dump-after: expected one of";
    for (const std::string& p : passes) llvm::errs() << ' ' << p;
    llvm::errs() << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  std::string stdlibError;
  std::optional<std::string> stdlib = findStdlib(stdlibDir, stdlibError);
  if (!stdlib) {
    llvm::errs() << "mlopsc: error: " << stdlibError << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  Compilation compilation;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  if (!applyWarningFlags(compilation.diags())) return static_cast<int>(ExitCode::Usage);
  sema::SemaOptions options;
  options.stdlibDir = *stdlib;
  bool readable = compilation.checkFiles(checkFiles, options, parseOptionsFromFlags(), dumpAfter, &llvm::outs());
  emitDiagnostics(compilation.diags(), checkFiles.empty() ? std::string() : checkFiles.front());
  if (!readable) return static_cast<int>(ExitCode::Usage);
  return static_cast<int>(compilation.diags().hasErrors() ? ExitCode::SpecErrors : ExitCode::Success);
}

}  // namespace mlops::driver

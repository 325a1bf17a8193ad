// mlopsc check FILE...: exit 0 when clean, 1 when a spec has errors, 2 on
// usage or I/O problems (missing file, directory).
#include "driver/commands.h"

namespace mlops::driver {
namespace {

llvm::cl::list<std::string> checkFiles(llvm::cl::Positional, llvm::cl::desc("<file.mlops>..."),
                                       llvm::cl::OneOrMore, llvm::cl::sub(checkCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runCheck() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  Compilation compilation;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  bool readable = compilation.parseFiles(checkFiles, parseOptionsFromFlags());
  emitDiagnostics(compilation.diags());
  if (!readable) return static_cast<int>(ExitCode::Usage);
  return static_cast<int>(compilation.diags().hasErrors() ? ExitCode::SpecErrors : ExitCode::Success);
}

}  // namespace mlops::driver

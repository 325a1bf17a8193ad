// mlopsc parse [--dump-ast] [--stats] FILE...: syntax only. Without flags it
// parses and builds the AST and prints nothing but diagnostics (the parse
// benchmark measures this).
#include "driver/commands.h"

#include "ast/ast_dump.h"

#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {
namespace {

llvm::cl::list<std::string> parseFiles(llvm::cl::Positional, llvm::cl::desc("<file.mlops>..."),
                                       llvm::cl::OneOrMore, llvm::cl::sub(parseCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> dumpAst("dump-ast", llvm::cl::desc("Print the AST of each file to stdout"),
                            llvm::cl::sub(parseCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> printStats("stats", llvm::cl::desc("Print token, declaration and arena counts to stderr"),
                               llvm::cl::sub(parseCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runParse() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  Compilation compilation;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  bool readable = compilation.parseFiles(parseFiles, parseOptionsFromFlags());
  if (dumpAst)
    for (const ast::SourceFile* file : compilation.files())
      ast::dumpAst(llvm::outs(), *file, compilation.sources());
  if (printStats) {
    const syntax::ParseStats& s = compilation.stats();
    llvm::errs() << "tokens: " << s.tokens << "\ndeclarations: " << s.declarations
                 << "\nsll fallbacks: " << s.sllFallbacks << "\nast bytes: " << compilation.ast().bytesAllocated()
                 << "\n";
  }
  emitDiagnostics(compilation.diags(), parseFiles.empty() ? std::string() : parseFiles.front());
  if (!readable) return static_cast<int>(ExitCode::Usage);
  return static_cast<int>(compilation.diags().hasErrors() ? ExitCode::SpecErrors : ExitCode::Success);
}

}  // namespace mlops::driver

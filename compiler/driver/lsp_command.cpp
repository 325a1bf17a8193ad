// mlopsc lsp: the language server (LSP 3.17) on standard input and output,
// for editors (editors/vscode, editors/vim; docs/editors.md).
#include "driver/commands.h"

#include "driver/stdlib_locator.h"
#include "driver/version.h"
#include "lsp/server.h"
#include "lsp/uri.h"

#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <cstdlib>

namespace mlops::driver {

llvm::cl::SubCommand lspCommand("lsp", "Run the language server (LSP 3.17 over stdio) for editors");

namespace {

llvm::cl::opt<std::string> lspStdlib("stdlib",
                                     llvm::cl::desc("Standard library folder (default: next to mlopsc; "
                                                    "or $MLOPS_STDLIB)"),
                                     llvm::cl::value_desc("dir"), llvm::cl::sub(lspCommand),
                                     llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> lspStdio("stdio", llvm::cl::desc("Talk over standard input and output (the default and only "
                                                     "transport; accepted for clients that pass it)"),
                             llvm::cl::sub(lspCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runLsp() {
  lsp::ServerOptions options;
  std::string error;
  if (std::optional<std::string> dir = findStdlib(lspStdlib, error)) options.stdlibDir = *dir;
  else llvm::errs() << "mlopsc lsp: " << error << " (`use std.*` will be reported)\n";
  if (std::optional<std::string> doc = findDiagnosticsDoc()) options.docsUrl = lsp::pathToUri(*doc);
  options.version = kVersion;
  int code = lsp::runServer(stdin, stdout, options);
  std::fflush(stdout);
  // The reader thread may still be blocked on standard input: leave without
  // tearing anything down under it.
  std::_Exit(code);
}

}  // namespace mlops::driver

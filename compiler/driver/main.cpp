// mlopsc: the .mlops compiler. Subcommands are registered with llvm::cl and
// implemented in *_command.cpp.
#include "driver/commands.h"
#include "driver/stdlib_locator.h"
#include "driver/version.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/raw_ostream.h>

using namespace mlops::driver;

int main(int argc, char** argv) {
  llvm::InitLLVM init(argc, argv);
  setExecutablePath(argv[0]);
  useBundledGraphvizPlugins();
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream& os) {
    os << "mlopsc " << kVersion << "\n";
    os << ".mlops language version 1\n";
  });
  llvm::cl::HideUnrelatedOptions(commandCategories());
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (!llvm::cl::ParseCommandLineOptions(argc, argv,
                                         "mlopsc: compiler for .mlops ML pipeline specifications\n\n"
                                         "  mlopsc check FILE...          check specs, report diagnostics\n"
                                         "  mlopsc parse --dump-ast FILE  parse and print the AST\n"
                                         "  mlopsc build SPEC -o OUT      check and write the IR, graph and CI files\n"
                                         "  mlopsc graph SPEC -o FILE     draw the pipeline graph (svg, png, dot)\n"
                                         "  mlopsc run SPEC [TARGET...]   run the graph here: steps, models, tests, gates,\n"
                                         "                                deploys, monitors (cached, parallel: -j N);\n"
                                         "                                --executor slurm runs commands on a SLURM cluster\n"
                                         "  mlopsc status [SPEC]          what is not up to date, and why\n"
                                         "  mlopsc approve GATE [--key KEY]  approve a gate for the latest model artifact\n"
                                         "                                (signed with your SSH key when the project has signers)\n"
                                         "  mlopsc history [--verify]     runs, gate passes, approvals; check the log\n"
                                         "  mlopsc attest GATE -o DIR     export a gate pass's signed release evidence\n"
                                         "  mlopsc log NODE               a node's output from its latest run\n"
                                         "  mlopsc state check|migrate    the record (SQLite or PostgreSQL: --state URL);\n"
                                         "                                export FILE, import FILE move it verbatim\n"
                                         "  mlopsc report SPEC -o DIR     write the audit report (md, html, json)\n"
                                         "  mlopsc diff BASE NEW          what a spec change does to governance, for a\n"
                                         "                                pull-request comment (md, json)\n"
                                         "  mlopsc dashboard [SPEC] -o DIR  write the team dashboard (static site);\n"
                                         "                                --serve serves it live on 127.0.0.1:8080\n"
                                         "  mlopsc fmt [--check] [FILE]   format .mlops files in the canonical style\n"
                                         "  mlopsc lsp                    language server for editors (LSP over stdio)\n"
                                         "  mlopsc explain CODE           explain a diagnostic code\n\n"
                                         "  Run `mlopsc SUBCOMMAND --help` for a subcommand's options.\n",
                                         &errorStream)) {
    errorStream.flush();
    llvm::errs() << errors;
    llvm::errs() << "run `mlopsc --help` for usage\n";
    return static_cast<int>(ExitCode::Usage);
  }
  return runSelectedCommand();
}

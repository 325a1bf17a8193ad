// One compilation: the sources, the diagnostics and the AST arena, and the
// front end (load + parse) that check, parse, the golden test runner and the
// fuzzer share.
#pragma once

#include "ast/ast_context.h"
#include "diag/diagnostic_engine.h"
#include "sema/pass.h"
#include "sema/program.h"
#include "syntax/parser.h"

#include <llvm/Support/raw_ostream.h>

#include <memory>

#include <string>
#include <vector>

namespace mlops::driver {

// 3-5 are `mlopsc run`'s (runtime/runner.h RunStatus); 6: a policy refusal (`approve`
// not allowed) or a failed verification (`history --verify`).
enum class ExitCode : int { Success = 0, SpecErrors = 1, Usage = 2, Refused = 6 };

class Compilation {
 public:
  Compilation() : diags_(sources_) {}

  // Loads and parses each file; false when a file could not be read at all
  // (missing, a directory, unreadable): a usage/I/O problem (exit 2).
  bool parseFiles(const std::vector<std::string>& paths, const syntax::ParseOptions& options = {});
  // Checks each file as the root of its own compilation (its imports and the
  // stdlib come along): parse, then every semantic pass. False when a root
  // could not be read at all (exit 2).
  bool checkFiles(const std::vector<std::string>& paths, const sema::SemaOptions& options,
                  const syntax::ParseOptions& parseOptions = {}, llvm::StringRef dumpAfter = {},
                  llvm::raw_ostream* dump = nullptr);
  // Checks in-memory text as the root file `name` (imports resolve relative
  // to `name`).
  sema::Program* checkText(llvm::StringRef name, llvm::StringRef text, const sema::SemaOptions& options);
  // The checked programs, one per root (after checkFiles).
  const std::vector<std::unique_ptr<sema::Program>>& programs() const { return programs_; }

  // Parses in-memory text as if it were a file named `name`.
  ast::SourceFile* parseText(llvm::StringRef name, llvm::StringRef text,
                             const syntax::ParseOptions& options = {});

  llvm::SourceMgr& sources() { return sources_; }
  diag::DiagnosticEngine& diags() { return diags_; }
  ast::ASTContext& ast() { return ast_; }
  const std::vector<ast::SourceFile*>& files() const { return files_; }
  syntax::ParseStats& stats() { return stats_; }

 private:
  llvm::SourceMgr sources_;
  diag::DiagnosticEngine diags_;
  ast::ASTContext ast_;
  std::vector<ast::SourceFile*> files_;
  std::vector<std::unique_ptr<sema::Program>> programs_;
  syntax::ParseStats stats_;
};

}  // namespace mlops::driver

// What pass `params` found in the project's `params` (docs/language.md
// 5.1.1): its leaves as the IR carries them, with where each is written,
// for the passes after it (interpolation, warnings) and the IR.
#pragma once

#include "ast/ast.h"
#include "ir/pipeline_graph.h"

#include <llvm/Support/SMLoc.h>

#include <string>
#include <vector>

namespace mlops::sema {

struct ParamsFacts {
  // Keys, values and types; the IR adds locations, `where` trees and the
  // file's digest (ir/params_lowering.h).
  ir::ProjectParams params;
  std::vector<llvm::SMRange> ranges;             // per entry: its key, in the spec or in the file
  std::vector<const ast::Expr*> conditions;      // per entry: its `where`, or null
  const ast::Member* member = nullptr;           // the project's `params`
  // `params = file("...")`:
  const ast::StringExpr* site = nullptr;         // the path's string; null for the block form
  std::string path;                              // as written, relative to the root spec's folder
  unsigned bufferId = 0;                         // 0 when the file could not be read (E0310)
  std::string opened;                            // the path read from disk ("" for in-memory text)
};

class Program;

// `${params.KEY}` in the `run` or `rollback` of `reader`, whose own params
// (`ownNames`) do not hold KEY: a project param (a leaf or a group), which
// is recorded in Program::paramReads; else E0304 with did-you-mean over both.
void checkProjectParam(Program& program, const ast::Decl* reader, llvm::StringRef key,
                       const std::vector<llvm::StringRef>& ownNames, llvm::SMRange at);

}  // namespace mlops::sema

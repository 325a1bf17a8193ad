// A stable, indented text dump of the AST (`mlopsc parse --dump-ast`), one
// node per line with its source range as <line:col-line:col>. Golden tests
// compare it byte for byte.
#pragma once

#include "ast/ast.h"

#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::ast {

void dumpAst(llvm::raw_ostream& os, const SourceFile& file, const llvm::SourceMgr& sources);

}  // namespace mlops::ast

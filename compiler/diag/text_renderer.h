// Human-readable diagnostics, rustc/clang style:
//
//   spec.mlops:3:9: error[E0101]: expected `=` or `{` after property name `owner`, found string literal
//     owner "x"
//           ^~~
//
// The source line, caret and range underline and fix-it line come from
// llvm::SourceMgr; the header line is ours so that it carries the code.
#pragma once

#include "diag/diagnostic.h"

#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <vector>

namespace mlops::diag {

struct TextOptions {
  bool color = false;
  bool summary = true;  // trailing "N errors, M warnings" line
};

void renderText(llvm::raw_ostream& os, const llvm::SourceMgr& sources,
                const std::vector<Diagnostic>& diagnostics, const TextOptions& options);

}  // namespace mlops::diag

// The canonical formatter behind `mlopsc fmt` and the language server's
// formatting request. It prints the AST in one style (docs/format.md) and
// puts every comment of the lexer's comment list back where it was relative
// to the code: above a declaration or member, or at the end of its line.
//
// A file with syntax errors is not formatted. Every result is checked before
// it is returned: the output must parse without errors, give the same AST
// (ranges aside) and keep every comment, in order; otherwise the formatter
// refuses (Status::Unsafe) instead of changing what the file means.
#pragma once

#include "diag/diagnostic_engine.h"

#include <llvm/ADT/StringRef.h>

#include <string>

namespace mlops::format {

struct FormatOptions {
  unsigned indentWidth = 2;
  // Lists and inline blocks longer than this are broken one item per line.
  unsigned lineWidth = 100;
};

struct FormatResult {
  enum class Status {
    Formatted,     // `text` is the formatted file (maybe equal to the input)
    SyntaxErrors,  // the input does not parse: its errors are in the engine
    Unsafe,        // the output would not mean the same: `problem` says why
  };
  Status status = Status::Formatted;
  std::string text;
  std::string problem;
};

// Formats buffer `bufferId` of `diags.sources()`. Syntax errors are reported
// to `diags`.
FormatResult formatBuffer(diag::DiagnosticEngine& diags, unsigned bufferId, const FormatOptions& options = {});

// The AST of `text` printed without source ranges (the formatter's notion
// of "means the same"), or "" when it does not parse. Tests use it too.
std::string astFingerprint(llvm::StringRef text);

}  // namespace mlops::format

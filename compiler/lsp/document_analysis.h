// One open document, checked: the same front end and semantic passes as
// `mlopsc check` (so the same diagnostics), plus what the language
// features need: what is at an offset, where a symbol is declared and
// used, and the files and URIs of the modules it imports.
#pragma once

#include "ast/ast_context.h"
#include "diag/diagnostic_engine.h"
#include "lsp/line_index.h"
#include "sema/program.h"
#include "sema/schema.h"
#include "syntax/parser.h"

#include <memory>
#include <string>
#include <vector>

namespace mlops::lsp {

struct Analysis {
  std::string path;  // absolute path of the document (imports resolve from it)
  llvm::SourceMgr sources;
  diag::DiagnosticEngine diags{sources};
  ast::ASTContext ast;
  std::unique_ptr<sema::Program> program;
  ast::SourceFile* file = nullptr;  // the document's AST (null if it could not be loaded)
  unsigned bufferId = 0;
  llvm::StringRef text;             // the document's text in `sources`
  LineIndex lines;
  // Declarations of this parse, for the next analysis of the document to
  // copy instead of parsing again (syntax/parser.h ParseReuse).
  syntax::ParseReuse reuse;

  size_t offset(llvm::SMLoc loc) const { return static_cast<size_t>(loc.getPointer() - text.data()); }
  bool inDocument(llvm::SMLoc loc) const {
    return loc.isValid() && loc.getPointer() >= text.data() && loc.getPointer() <= text.data() + text.size();
  }
  // The path of the file holding `loc` (the document or an imported module).
  std::string pathOf(llvm::SMLoc loc) const;
  // Line index of any buffer (the document's is `lines`).
  const LineIndex& linesOf(unsigned bufferId) const;

 private:
  mutable std::vector<std::unique_ptr<LineIndex>> otherLines_;
};

// Checks `text` as the file `path`. With `previous` (an earlier analysis of
// the same document, kept alive during the call), unchanged declarations
// are copied from it instead of parsed.
std::unique_ptr<Analysis> analyze(const std::string& path, const std::string& text, const std::string& stdlibDir,
                                  Analysis* previous = nullptr);

// What the spec has at an offset of the document.
struct Occurrence {
  enum class Kind { None, DeclName, PathSegment, MemberName, MemberAddress } kind = Kind::None;
  llvm::SMRange range;                    // the name under the cursor
  const ast::Decl* decl = nullptr;        // the enclosing declaration
  const ast::PathExpr* path = nullptr;    // PathSegment
  size_t segment = 0;
  const ast::Member* member = nullptr;    // MemberName
  const sema::BlockSchema* schema = nullptr;  // the schema of the member's block
  const ast::StringExpr* address = nullptr;   // MemberAddress: a string in a role's `members`
};
Occurrence occurrenceAt(const Analysis& analysis, size_t offset);

// The symbol an occurrence names (a declaration's own name, or a resolved
// reference), or null.
sema::Symbol* symbolOf(const Analysis& analysis, const Occurrence& occurrence);

// Every place that names `symbol`: its declaration's name first, then each
// reference (the segment that names it), in the document and its imports.
std::vector<llvm::SMRange> occurrencesOf(const Analysis& analysis, const sema::Symbol* symbol);

// The range of the segment of `path` that names `symbol`.
llvm::SMRange segmentNaming(const ast::PathExpr& path, const sema::Symbol& symbol);

}  // namespace mlops::lsp

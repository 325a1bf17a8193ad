// Parsing: text -> tokens -> (ANTLR parse tree, one declaration at a time) -> AST.
//
// The file is lexed once by the hand-written lexer, then cut into top-level
// declarations at declaration keywords. Each declaration is parsed by the
// ANTLR parser generated from grammar/MLOps.g4 (SLL first, full LL with error
// recovery only when SLL fails), turned into AST nodes, and its parse tree
// freed before the next one. Cutting at declaration headers bounds the damage
// of a missing `}` to one declaration and keeps memory flat on large files.
#pragma once

#include "ast/ast_context.h"
#include "diag/diagnostic_engine.h"

#include <llvm/ADT/StringMap.h>

namespace mlops::syntax {

// An editor's earlier parse of the same document: a declaration whose text
// is unchanged (and parsed without any diagnostic) is copied from it instead
// of parsed again. `previous` must stay alive (its AST and buffer) during the
// parse; `next` is filled for the following one.
struct ParseReuse {
  struct Entry {
    const ast::Decl* decl;
    const char* text;       // where the declaration's text starts in its buffer
    const char* bufferBegin;
    const char* bufferEnd;
  };
  llvm::StringMap<Entry> previous;  // by the declaration's text
  llvm::StringMap<Entry> next;
  size_t reused = 0;                // declarations copied in the last parse
};

struct ParseOptions {
  // Deepest nesting of brackets accepted; deeper input is E0101, never a
  // stack overflow.
  unsigned maxNesting = 256;
  // Most elements a list literal may hold; a longer list is E0105 and its
  // declaration is not parsed. The parse tree costs ~680 bytes an element
  // (an 8 MB list took 2.7 GB before this limit); real lists hold dozens.
  size_t maxListElements = 100000;
  ParseReuse* reuse = nullptr;
};

struct ParseStats {
  size_t tokens = 0;
  size_t declarations = 0;
  size_t sllFallbacks = 0;  // declarations that needed the full LL pass
};

// Parses the SourceMgr buffer `bufferId`. Always returns a SourceFile (with
// the declarations that could be recovered); errors go to `diags`.
ast::SourceFile* parseBuffer(ast::ASTContext& context, llvm::SourceMgr& sources, unsigned bufferId,
                             diag::DiagnosticEngine& diags, const ParseOptions& options = {},
                             ParseStats* stats = nullptr);

}  // namespace mlops::syntax

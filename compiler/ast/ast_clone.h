// Deep copies of declarations into another arena, with every source
// location and source slice moved by the distance between the old and the
// new place of the same text. The language server uses it to keep the
// declarations an edit did not touch instead of parsing them again.
#pragma once

#include "ast/ast_context.h"

namespace mlops::ast {

struct Relocation {
  const char* oldBegin;  // the old buffer, [oldBegin, oldEnd]
  const char* oldEnd;
  std::ptrdiff_t delta;  // new position - old position of the declaration's text
};

// A copy of `decl` in `context`; pointers into the old buffer are moved by
// `delta`, text held elsewhere (decoded strings) is copied.
Decl* cloneDecl(const Decl& decl, ASTContext& context, const Relocation& relocation);

}  // namespace mlops::ast

// How a value is named in messages: "a string", "number `3`", "`high`".
#pragma once

#include "ast/ast.h"

#include <string>

namespace mlops::sema {

std::string describeValue(const ast::Expr* e);
// a.b.c as written.
std::string dottedPath(const ast::PathExpr* p);

}  // namespace mlops::sema

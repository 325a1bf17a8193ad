#include "sema/value_description.h"

namespace mlops::sema {

using namespace ast;

std::string dottedPath(const PathExpr* p) {
  std::string out;
  if (!p) return out;
  for (const Name& n : p->segments) out += (out.empty() ? "" : ".") + n.text.str();
  return out;
}

std::string describeValue(const Expr* e) {
  if (!e) return "nothing";
  switch (e->kind()) {
    case ExprKind::String: return "a string";
    case ExprKind::Number: return "number `" + llvm::cast<NumberExpr>(e)->spelling.str() + "`";
    case ExprKind::Unit: {
      auto* u = llvm::cast<UnitExpr>(e);
      const char* what = u->unitKind == UnitKind::Duration ? "duration" : u->unitKind == UnitKind::Size ? "size" : "percentage";
      return std::string(what) + " `" + u->spelling.str() + "`";
    }
    case ExprKind::Bool: return llvm::cast<BoolExpr>(e)->value ? "`true`" : "`false`";
    case ExprKind::Path: return "`" + dottedPath(llvm::cast<PathExpr>(e)) + "`";
    case ExprKind::List: return "a list";
    case ExprKind::Call: return "a call";
    case ExprKind::Quorum: return "a quorum `N of role`";
    case ExprKind::ValueBlock: return "a `{ ... }` value";
    default: return "an expression";
  }
}

}  // namespace mlops::sema

#include "ast/ast.h"

namespace mlops::ast {

llvm::StringRef spelling(UnaryOp op) { return op == UnaryOp::Negate ? "-" : "not"; }

llvm::StringRef spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "or";
    case BinaryOp::And: return "and";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
  }
  return "?";
}

bool keyPath(const Expr* e, llvm::SmallVectorImpl<llvm::StringRef>& keys, const Expr** badKey) {
  if (!e || e->parenthesized) return false;
  switch (e->kind()) {
    case ExprKind::Path:
      for (const Name& n : llvm::cast<PathExpr>(e)->segments) keys.push_back(n.text);
      return true;
    case ExprKind::Member: {
      auto* m = llvm::cast<MemberExpr>(e);
      if (!keyPath(m->base, keys, badKey)) return false;
      keys.push_back(m->member.text);
      return true;
    }
    case ExprKind::Index: {
      auto* x = llvm::cast<IndexExpr>(e);
      if (!keyPath(x->base, keys, badKey)) return false;
      auto* key = llvm::dyn_cast<StringExpr>(x->key);
      if (!key || key->parenthesized) {
        if (badKey) *badKey = x->key;
        return false;
      }
      keys.push_back(key->value);
      return true;
    }
    default: return false;
  }
}

bool isComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt: case BinaryOp::Le:
    case BinaryOp::Gt: case BinaryOp::Ge: case BinaryOp::In: return true;
    default: return false;
  }
}

llvm::StringRef keyword(DeclKind kind) {
  switch (kind) {
    case DeclKind::Project: return "project";
    case DeclKind::Use: return "use";
    case DeclKind::Import: return "import";
    case DeclKind::Role: return "role";
    case DeclKind::Kpi: return "kpi";
    case DeclKind::Data: return "data";
    case DeclKind::Step: return "step";
    case DeclKind::Model: return "model";
    case DeclKind::Test: return "test";
    case DeclKind::Gate: return "gate";
    case DeclKind::Deploy: return "deploy";
    case DeclKind::Monitor: return "monitor";
    case DeclKind::Pipeline: return "pipeline";
    case DeclKind::Check: return "check";
  }
  return "?";
}

}  // namespace mlops::ast

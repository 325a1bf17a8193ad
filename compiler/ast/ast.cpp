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

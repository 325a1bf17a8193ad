// ANTLR parse tree -> AST, one declaration at a time. Tolerates the holes
// error recovery leaves (missing tokens, absent subtrees): what cannot be
// built is left null, never invented.
#pragma once

#include "MLOpsParser.h"

#include <llvm/ADT/SmallVector.h>
#include "ast/ast_context.h"
#include "diag/diagnostic_engine.h"

namespace mlops::syntax {

class AstBuilder {
 public:
  AstBuilder(ast::ASTContext& context, llvm::StringRef text, diag::DiagnosticEngine& diags)
      : ctx_(context), text_(text), diags_(diags) {}

  // Null when the declaration is too damaged to have a kind and a name.
  ast::Decl* declaration(MLOpsParser::DeclarationContext* decl);
  // The token stream the tree was parsed from (paths read their names from it).
  void setTokens(antlr4::TokenStream* tokens) { tokens_ = tokens; }
  // Deepest expression tree accepted (operator chains, not only brackets).
  void setMaxDepth(unsigned depth) { maxDepth_ = depth; }

 private:
  using P = MLOpsParser;

  bool present(antlr4::Token* t) const;
  bool present(antlr4::tree::TerminalNode* n) const { return n && present(n->getSymbol()); }
  llvm::SMLoc loc(size_t offset) const { return llvm::SMLoc::getFromPointer(text_.data() + offset); }
  llvm::StringRef textOf(antlr4::Token* t) const;
  llvm::SMRange rangeOf(antlr4::Token* t) const;
  llvm::SMRange rangeOf(antlr4::ParserRuleContext* c) const;
  ast::Name name(antlr4::Token* t) const;
  ast::Name name(antlr4::tree::TerminalNode* n) const { return n ? name(n->getSymbol()) : ast::Name{}; }

  template <class T>
  T* finishDecl(T* decl, antlr4::ParserRuleContext* c, antlr4::tree::TerminalNode* keyword,
                antlr4::tree::TerminalNode* ident, P::BlockContext* body);

  ast::Block* block(P::BlockContext* c);
  ast::Member* member(P::MemberContext* c);
  ast::TypeRef* typeName(P::TypeNameContext* c);
  ast::PathExpr* path(P::PathContext* c);
  ast::Expr* value(P::ValueContext* c);
  ast::Expr* number(antlr4::Token* t, bool negative, antlr4::Token* minus);
  ast::StringExpr* string(antlr4::Token* t);
  ast::ListExpr* list(P::ListContext* c);

  ast::Expr* expr(P::ExprContext* c);
  ast::Expr* andExpr(P::AndExprContext* c);
  ast::Expr* notExpr(P::NotExprContext* c);
  ast::Expr* comparison(P::ComparisonContext* c);
  ast::Expr* additive(P::AdditiveContext* c);
  ast::Expr* multiplicative(P::MultiplicativeContext* c);
  ast::Expr* unary(P::UnaryContext* c);
  ast::Expr* postfix(P::PostfixContext* c);
  ast::Expr* primary(P::PrimaryContext* c);
  ast::ListExpr* exprList(P::ExprListContext* c);
  ast::Expr* binary(ast::BinaryOp op, antlr4::Token* opToken, ast::Expr* lhs, ast::Expr* rhs);
  // Sets e's depth from its children; null (and one E0101 per declaration)
  // when it exceeds the limit.
  ast::Expr* deepen(ast::Expr* e, unsigned childDepth);

  // Name tokens of c (every token but `.`), e.g. a.b.c -> a, b, c.
  void namesOf(antlr4::ParserRuleContext* c, size_t skipFirst, llvm::SmallVectorImpl<ast::Name>& out) const;

  ast::ASTContext& ctx_;
  antlr4::TokenStream* tokens_ = nullptr;
  llvm::StringRef text_;
  diag::DiagnosticEngine& diags_;
  unsigned maxDepth_ = 256;
  bool reportedDepth_ = false;  // per declaration
};

}  // namespace mlops::syntax

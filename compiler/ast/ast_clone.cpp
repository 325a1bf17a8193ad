#include "ast/ast_clone.h"

namespace mlops::ast {
namespace {

class Cloner {
 public:
  Cloner(ASTContext& context, const Relocation& r) : ctx_(context), r_(r) {}

  bool inOld(const char* p) const { return p && p >= r_.oldBegin && p <= r_.oldEnd; }
  llvm::SMLoc loc(llvm::SMLoc l) const {
    return inOld(l.getPointer()) ? llvm::SMLoc::getFromPointer(l.getPointer() + r_.delta) : l;
  }
  llvm::SMRange range(llvm::SMRange x) const { return {loc(x.Start), loc(x.End)}; }
  llvm::StringRef text(llvm::StringRef s) {
    if (s.empty()) return s;
    if (inOld(s.data())) return {s.data() + r_.delta, s.size()};
    return ctx_.save(s);
  }
  Name name(const Name& n) { return {text(n.text), range(n.range)}; }
  llvm::ArrayRef<Name> names(llvm::ArrayRef<Name> in) {
    std::vector<Name> out;
    out.reserve(in.size());
    for (const Name& n : in) out.push_back(name(n));
    return ctx_.copy(llvm::ArrayRef<Name>(out));
  }

  template <class T>
  T* copy(const T& node) {
    T* n = ctx_.make<T>(node);
    n->range = range(node.range);
    return n;
  }

  PathExpr* path(const PathExpr* p) { return p ? llvm::cast<PathExpr>(expr(p)) : nullptr; }

  Expr* expr(const Expr* e) {
    if (!e) return nullptr;
    switch (e->kind()) {
      case ExprKind::String: {
        auto* n = copy(*llvm::cast<StringExpr>(e));
        n->value = text(n->value);
        return n;
      }
      case ExprKind::Number: {
        auto* n = copy(*llvm::cast<NumberExpr>(e));
        n->spelling = text(n->spelling);
        return n;
      }
      case ExprKind::Unit: {
        auto* n = copy(*llvm::cast<UnitExpr>(e));
        n->unit = text(n->unit);
        n->spelling = text(n->spelling);
        return n;
      }
      case ExprKind::Bool: return copy(*llvm::cast<BoolExpr>(e));
      case ExprKind::Path: {
        auto* n = copy(*llvm::cast<PathExpr>(e));
        n->segments = names(n->segments);
        return n;
      }
      case ExprKind::List: {
        auto* n = copy(*llvm::cast<ListExpr>(e));
        std::vector<Expr*> items;
        for (const Expr* item : n->items) items.push_back(expr(item));
        n->items = ctx_.copy(llvm::ArrayRef<Expr*>(items));
        return n;
      }
      case ExprKind::Call: {
        auto* n = copy(*llvm::cast<CallExpr>(e));
        n->callee = expr(n->callee);
        std::vector<Argument> args;
        for (const Argument& a : n->args) args.push_back({name(a.name), expr(a.value)});
        n->args = ctx_.copy(llvm::ArrayRef<Argument>(args));
        return n;
      }
      case ExprKind::Quorum: {
        auto* n = copy(*llvm::cast<QuorumExpr>(e));
        n->count = n->count ? llvm::cast<NumberExpr>(expr(n->count)) : nullptr;
        n->role = path(n->role);
        return n;
      }
      case ExprKind::ValueBlock: {
        auto* n = copy(*llvm::cast<ValueBlockExpr>(e));
        n->head = path(n->head);
        n->body = block(n->body);
        return n;
      }
      case ExprKind::Unary: {
        auto* n = copy(*llvm::cast<UnaryExpr>(e));
        n->operand = expr(n->operand);
        return n;
      }
      case ExprKind::Binary: {
        auto* n = copy(*llvm::cast<BinaryExpr>(e));
        n->opRange = range(n->opRange);
        n->lhs = expr(n->lhs);
        n->rhs = expr(n->rhs);
        return n;
      }
      case ExprKind::Member: {
        auto* n = copy(*llvm::cast<MemberExpr>(e));
        n->base = expr(n->base);
        n->member = name(n->member);
        return n;
      }
      case ExprKind::Index: {
        auto* n = copy(*llvm::cast<IndexExpr>(e));
        n->base = expr(n->base);
        n->key = expr(n->key);
        n->bracketRange = range(n->bracketRange);
        return n;
      }
    }
    return nullptr;
  }

  TypeRef* type(const TypeRef* t) {
    if (!t) return nullptr;
    auto* n = ctx_.make<TypeRef>(*t);
    n->name = name(t->name);
    n->element = type(t->element);
    n->range = range(t->range);
    return n;
  }

  Member* member(const Member* m) {
    Member* out = nullptr;
    switch (m->kind()) {
      case MemberKind::Property: {
        auto* n = copy(*llvm::cast<PropertyMember>(m));
        n->value = expr(n->value);
        out = n;
        break;
      }
      case MemberKind::NestedBlock: {
        auto* n = copy(*llvm::cast<NestedBlockMember>(m));
        n->body = block(n->body);
        out = n;
        break;
      }
      case MemberKind::Expect: {
        auto* n = copy(*llvm::cast<ExpectMember>(m));
        n->condition = expr(n->condition);
        n->every = expr(n->every);
        out = n;
        break;
      }
      case MemberKind::Column: {
        auto* n = copy(*llvm::cast<ColumnMember>(m));
        n->type = type(n->type);
        n->defaultValue = expr(n->defaultValue);
        n->constraint = expr(n->constraint);
        out = n;
        break;
      }
      case MemberKind::Comparison: {
        auto* n = copy(*llvm::cast<ComparisonMember>(m));
        n->opRange = range(n->opRange);
        n->value = expr(n->value);
        out = n;
        break;
      }
    }
    out->name = name(m->name);
    return out;
  }

  Block* block(const Block* b) {
    if (!b) return nullptr;
    auto* n = ctx_.make<Block>(*b);
    n->range = range(b->range);
    std::vector<Member*> members;
    for (const Member* m : b->members) members.push_back(member(m));
    n->members = ctx_.copy(llvm::ArrayRef<Member*>(members));
    return n;
  }

  Decl* decl(const Decl& d) {
    Decl* out = nullptr;
    switch (d.kind()) {
      case DeclKind::Use: {
        auto* n = ctx_.make<UseDecl>(llvm::cast<UseDecl>(d));
        n->module = names(n->module);
        out = n;
        break;
      }
      case DeclKind::Import: {
        auto* n = ctx_.make<ImportDecl>(llvm::cast<ImportDecl>(d));
        n->path = n->path ? llvm::cast<StringExpr>(expr(n->path)) : nullptr;
        out = n;
        break;
      }
      case DeclKind::Role: {
        auto* n = ctx_.make<RoleDecl>(llvm::cast<RoleDecl>(d));
        n->base = path(n->base);
        out = n;
        break;
      }
      case DeclKind::Test: {
        auto* n = ctx_.make<TestDecl>(llvm::cast<TestDecl>(d));
        n->target = path(n->target);
        n->uses = path(n->uses);
        out = n;
        break;
      }
      case DeclKind::Gate: {
        auto* n = ctx_.make<GateDecl>(llvm::cast<GateDecl>(d));
        n->model = path(n->model);
        out = n;
        break;
      }
      case DeclKind::Monitor: {
        auto* n = ctx_.make<MonitorDecl>(llvm::cast<MonitorDecl>(d));
        n->target = path(n->target);
        out = n;
        break;
      }
      case DeclKind::Check: {
        auto* n = ctx_.make<CheckDecl>(llvm::cast<CheckDecl>(d));
        std::vector<CheckParam> params;
        for (const CheckParam& p : n->params) params.push_back({name(p.name), type(p.type), expr(p.defaultValue), range(p.range)});
        n->params = ctx_.copy(llvm::ArrayRef<CheckParam>(params));
        n->appliesTo = name(n->appliesTo);
        out = n;
        break;
      }
      default:
        out = ctx_.make<SimpleDecl>(static_cast<const SimpleDecl&>(d));
        break;
    }
    out->range = range(d.range);
    out->keywordRange = range(d.keywordRange);
    out->name = name(d.name);
    out->doc = {};
    out->docRange = {};
    out->body = block(d.body);
    return out;
  }

 private:
  ASTContext& ctx_;
  const Relocation& r_;
};

}  // namespace

Decl* cloneDecl(const Decl& decl, ASTContext& context, const Relocation& relocation) {
  return Cloner(context, relocation).decl(decl);
}

}  // namespace mlops::ast

#include "ast/ast_dump.h"

#include "diag/source_location.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Format.h>

namespace mlops::ast {
namespace {

class Dumper {
 public:
  Dumper(llvm::raw_ostream& os, const llvm::SourceMgr& sources) : os_(os), locator_(sources) {}

  void file(const SourceFile& f) {
    os_ << "File \"" << f.path << "\"\n";
    for (const Decl* d : f.decls) decl(*d, 1);
  }

 private:
  void indent(int depth) { os_.indent(depth * 2); }

  void pos(llvm::SMLoc loc) {
    diag::Position p = locator_.position(loc);
    os_ << p.line << ':' << p.column;
  }
  void range(llvm::SMRange r) {
    os_ << " <";
    if (r.Start.isValid()) {
      pos(r.Start);
      os_ << '-';
      pos(r.End);
    }
    os_ << '>';
  }
  void quoted(llvm::StringRef s) {
    os_ << '"';
    os_.write_escaped(s, /*UseHexEscapes=*/true);
    os_ << '"';
  }
  void path(llvm::ArrayRef<Name> segments) {
    for (size_t i = 0; i < segments.size(); ++i) os_ << (i ? "." : "") << segments[i].text;
  }

  void decl(const Decl& d, int depth) {
    indent(depth);
    llvm::StringRef kw = keyword(d.kind());
    os_ << llvm::toUpper(kw[0]) << kw.drop_front() << "Decl";
    if (!d.name.text.empty()) os_ << ' ' << d.name.text;
    range(d.range);
    os_ << '\n';
    if (!d.doc.empty()) {
      indent(depth + 1);
      os_ << "doc ";
      quoted(d.doc);
      os_ << '\n';
    }
    if (auto* u = llvm::dyn_cast<UseDecl>(&d)) {
      indent(depth + 1);
      os_ << "module ";
      path(u->module);
      os_ << '\n';
    } else if (auto* i = llvm::dyn_cast<ImportDecl>(&d)) {
      labeled("path", i->path, depth + 1);
    } else if (auto* r = llvm::dyn_cast<RoleDecl>(&d)) {
      if (r->base) labeled("base", r->base, depth + 1);
    } else if (auto* t = llvm::dyn_cast<TestDecl>(&d)) {
      labeled("on", t->target, depth + 1);
      if (t->uses) labeled("uses", t->uses, depth + 1);
    } else if (auto* g = llvm::dyn_cast<GateDecl>(&d)) {
      labeled("for", g->model, depth + 1);
    } else if (auto* m = llvm::dyn_cast<MonitorDecl>(&d)) {
      labeled("on", m->target, depth + 1);
    } else if (auto* c = llvm::dyn_cast<CheckDecl>(&d)) {
      for (const CheckParam& p : c->params) {
        indent(depth + 1);
        os_ << "Param " << p.name.text << " : ";
        type(p.type);
        range(p.range);
        os_ << '\n';
        if (p.defaultValue) labeled("default", p.defaultValue, depth + 2);
      }
      indent(depth + 1);
      os_ << "appliesTo " << c->appliesTo.text << '\n';
    }
    if (d.body) block(*d.body, depth + 1);
  }

  void type(const TypeRef* t) {
    if (!t) { os_ << "?"; return; }
    os_ << t->name.text;
    if (t->element) {
      os_ << '(';
      type(t->element);
      os_ << ')';
    }
  }

  void block(const Block& b, int depth) {
    indent(depth);
    os_ << "Block";
    range(b.range);
    os_ << '\n';
    for (const Member* m : b.members) member(*m, depth + 1);
  }

  void member(const Member& m, int depth) {
    indent(depth);
    switch (m.kind()) {
      case MemberKind::Property: {
        auto& p = llvm::cast<PropertyMember>(m);
        os_ << "Property " << m.name.text;
        range(m.range);
        os_ << '\n';
        expr(p.value, depth + 1);
        break;
      }
      case MemberKind::NestedBlock: {
        os_ << "NestedBlock " << m.name.text;
        range(m.range);
        os_ << '\n';
        block(*llvm::cast<NestedBlockMember>(m).body, depth + 1);
        break;
      }
      case MemberKind::Expect: {
        auto& e = llvm::cast<ExpectMember>(m);
        os_ << "Expect";
        range(m.range);
        os_ << '\n';
        expr(e.condition, depth + 1);
        if (e.every) labeled("every", e.every, depth + 1);
        break;
      }
      case MemberKind::Column: {
        auto& c = llvm::cast<ColumnMember>(m);
        os_ << "Column " << m.name.text << " : ";
        type(c.type);
        range(m.range);
        os_ << '\n';
        if (c.defaultValue) labeled("default", c.defaultValue, depth + 1);
        if (c.constraint) labeled("where", c.constraint, depth + 1);
        break;
      }
      case MemberKind::Comparison: {
        auto& c = llvm::cast<ComparisonMember>(m);
        os_ << "Comparison " << m.name.text << ' ' << spelling(c.op);
        range(m.range);
        os_ << '\n';
        expr(c.value, depth + 1);
        break;
      }
    }
  }

  void labeled(llvm::StringRef label, const Expr* e, int depth) {
    indent(depth);
    os_ << label << ":\n";
    expr(e, depth + 1);
  }

  void expr(const Expr* e, int depth) {
    indent(depth);
    if (!e) {
      os_ << "<missing>\n";
      return;
    }
    switch (e->kind()) {
      case ExprKind::String: {
        auto* s = llvm::cast<StringExpr>(e);
        os_ << (s->raw ? "RawString " : "String ");
        quoted(s->value);
        break;
      }
      case ExprKind::Number: {
        auto* n = llvm::cast<NumberExpr>(e);
        os_ << "Number " << n->spelling << (n->isInteger ? " int" : " float");
        break;
      }
      case ExprKind::Unit: {
        auto* u = llvm::cast<UnitExpr>(e);
        static const char* names[] = {"Duration", "Size", "Percent"};
        os_ << names[static_cast<int>(u->unitKind)] << ' ' << u->spelling << " = "
            << llvm::format("%g", u->canonical);
        break;
      }
      case ExprKind::Bool:
        os_ << "Bool " << (llvm::cast<BoolExpr>(e)->value ? "true" : "false");
        break;
      case ExprKind::Path:
        os_ << "Path ";
        path(llvm::cast<PathExpr>(e)->segments);
        break;
      case ExprKind::List: {
        auto* l = llvm::cast<ListExpr>(e);
        os_ << "List";
        range(e->range);
        os_ << '\n';
        for (const Expr* item : l->items) expr(item, depth + 1);
        return;
      }
      case ExprKind::Call: {
        auto* c = llvm::cast<CallExpr>(e);
        os_ << "Call";
        range(e->range);
        os_ << '\n';
        expr(c->callee, depth + 1);
        for (const Argument& a : c->args) {
          if (a.name.text.empty()) {
            expr(a.value, depth + 1);
          } else {
            indent(depth + 1);
            os_ << "Arg " << a.name.text << '\n';
            expr(a.value, depth + 2);
          }
        }
        return;
      }
      case ExprKind::Quorum: {
        auto* q = llvm::cast<QuorumExpr>(e);
        os_ << "Quorum " << q->count->spelling << " of ";
        path(q->role->segments);
        break;
      }
      case ExprKind::ValueBlock: {
        auto* v = llvm::cast<ValueBlockExpr>(e);
        os_ << "ValueBlock ";
        path(v->head->segments);
        range(e->range);
        os_ << '\n';
        block(*v->body, depth + 1);
        return;
      }
      case ExprKind::Unary: {
        auto* u = llvm::cast<UnaryExpr>(e);
        os_ << "Unary " << spelling(u->op);
        range(e->range);
        os_ << '\n';
        expr(u->operand, depth + 1);
        return;
      }
      case ExprKind::Binary: {
        auto* b = llvm::cast<BinaryExpr>(e);
        os_ << "Binary " << spelling(b->op);
        range(e->range);
        os_ << '\n';
        expr(b->lhs, depth + 1);
        expr(b->rhs, depth + 1);
        return;
      }
      case ExprKind::Member: {
        auto* m = llvm::cast<MemberExpr>(e);
        os_ << "Member ." << m->member.text;
        range(e->range);
        os_ << '\n';
        expr(m->base, depth + 1);
        return;
      }
      case ExprKind::Index: {
        auto* x = llvm::cast<IndexExpr>(e);
        os_ << "Index";
        range(e->range);
        os_ << '\n';
        expr(x->base, depth + 1);
        expr(x->key, depth + 1);
        return;
      }
    }
    range(e->range);
    os_ << '\n';
  }

  llvm::raw_ostream& os_;
  diag::SourceLocator locator_;
};

}  // namespace

void dumpAst(llvm::raw_ostream& os, const SourceFile& file, const llvm::SourceMgr& sources) {
  Dumper(os, sources).file(file);
}

}  // namespace mlops::ast

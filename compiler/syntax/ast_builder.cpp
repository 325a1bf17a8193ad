#include "syntax/ast_builder.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/ConvertUTF.h>

#include <charconv>

namespace mlops::syntax {

using namespace mlops::ast;
using antlr4::tree::TerminalNode;

bool AstBuilder::present(antlr4::Token* t) const {
  return t && t->getType() != antlr4::Token::EOF && t->getStartIndex() != INVALID_INDEX &&
         t->getStopIndex() != INVALID_INDEX && t->getStopIndex() >= t->getStartIndex() &&
         t->getStopIndex() < text_.size();
}

llvm::StringRef AstBuilder::textOf(antlr4::Token* t) const {
  if (!present(t)) return {};
  return text_.slice(t->getStartIndex(), t->getStopIndex() + 1);
}

llvm::SMRange AstBuilder::rangeOf(antlr4::Token* t) const {
  if (!present(t)) return {};
  return {loc(t->getStartIndex()), loc(t->getStopIndex() + 1)};
}

llvm::SMRange AstBuilder::rangeOf(antlr4::ParserRuleContext* c) const {
  if (!c || !present(c->getStart())) return {};
  antlr4::Token* stop = c->getStop();
  size_t begin = c->getStart()->getStartIndex();
  size_t end = present(stop) && stop->getStopIndex() + 1 >= begin ? stop->getStopIndex() + 1
                                                                  : c->getStart()->getStopIndex() + 1;
  return {loc(begin), loc(end)};
}

Name AstBuilder::name(antlr4::Token* t) const {
  if (!present(t)) return {};
  return {textOf(t), rangeOf(t)};
}

template <class T>
T* AstBuilder::finishDecl(T* decl, antlr4::ParserRuleContext* c, TerminalNode* keyword, TerminalNode* ident,
                          P::BlockContext* body) {
  decl->range = rangeOf(c);
  decl->keywordRange = keyword ? rangeOf(keyword->getSymbol()) : llvm::SMRange();
  if (ident) {
    decl->name = name(ident);
    if (decl->name.text.empty()) return nullptr;  // `model {`: nothing to name
  }
  decl->body = body ? block(body) : nullptr;
  return decl;
}

Decl* AstBuilder::declaration(P::DeclarationContext* c) {
  if (!c) return nullptr;
  if (auto* d = c->projectDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Project), d, d->PROJECT(), d->IDENT(), d->block());
  if (auto* d = c->kpiDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Kpi), d, d->KPI(), d->IDENT(), d->block());
  if (auto* d = c->dataDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Data), d, d->DATA(), d->IDENT(), d->block());
  if (auto* d = c->stepDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Step), d, d->STEP(), d->IDENT(), d->block());
  if (auto* d = c->modelDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Model), d, d->MODEL(), d->IDENT(), d->block());
  if (auto* d = c->deployDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Deploy), d, d->DEPLOY(), d->IDENT(), d->block());
  if (auto* d = c->pipelineDecl())
    return finishDecl(ctx_.make<SimpleDecl>(DeclKind::Pipeline), d, d->PIPELINE(), d->IDENT(), d->block());
  if (auto* d = c->useDecl()) {
    auto* use = ctx_.make<UseDecl>();
    llvm::SmallVector<Name, 4> segments;
    if (present(d->IDENT())) segments.push_back(name(d->IDENT()));
    for (auto* n : d->anyName())
      if (present(n->getStart())) segments.push_back(name(n->getStart()));
    if (segments.empty()) return nullptr;
    use->module = ctx_.copy(llvm::ArrayRef<Name>(segments));
    return finishDecl(use, d, d->USE(), nullptr, nullptr);
  }
  if (auto* d = c->importDecl()) {
    auto* import = ctx_.make<ImportDecl>();
    if (!present(d->STRING())) return nullptr;
    import->path = string(d->STRING()->getSymbol());
    return finishDecl(import, d, d->IMPORT(), nullptr, nullptr);
  }
  if (auto* d = c->roleDecl()) {
    auto* role = ctx_.make<RoleDecl>();
    if (d->path()) role->base = path(d->path());
    return finishDecl(role, d, d->ROLE(), d->IDENT(), d->block());
  }
  if (auto* d = c->testDecl()) {
    auto* test = ctx_.make<TestDecl>();
    auto paths = d->path();
    if (!paths.empty()) test->target = path(paths[0]);
    if (d->USES() && paths.size() > 1) test->uses = path(paths[1]);
    return finishDecl(test, d, d->TEST(), d->IDENT(), d->block());
  }
  if (auto* d = c->gateDecl()) {
    auto* gate = ctx_.make<GateDecl>();
    if (d->path()) gate->model = path(d->path());
    return finishDecl(gate, d, d->GATE(), d->IDENT(), d->block());
  }
  if (auto* d = c->monitorDecl()) {
    auto* monitor = ctx_.make<MonitorDecl>();
    if (d->path()) monitor->target = path(d->path());
    return finishDecl(monitor, d, d->MONITOR(), d->IDENT(), d->block());
  }
  if (auto* d = c->checkDecl()) {
    auto* check = ctx_.make<CheckDecl>();
    llvm::SmallVector<CheckParam, 4> params;
    for (auto* p : d->param()) {
      if (!present(p->IDENT())) continue;
      params.push_back({name(p->IDENT()), typeName(p->typeName()), p->value() ? value(p->value()) : nullptr,
                        rangeOf(p)});
    }
    check->params = ctx_.copy(llvm::ArrayRef<CheckParam>(params));
    if (d->anyName()) check->appliesTo = name(d->anyName()->getStart());
    return finishDecl(check, d, d->CHECK(), d->IDENT(), d->block());
  }
  return nullptr;
}

Block* AstBuilder::block(P::BlockContext* c) {
  auto* b = ctx_.make<Block>();
  b->range = rangeOf(c);
  llvm::SmallVector<Member*, 16> members;
  for (auto* m : c->member())
    if (Member* built = member(m)) members.push_back(built);
  b->members = ctx_.copy(llvm::ArrayRef<Member*>(members));
  return b;
}

Member* AstBuilder::member(P::MemberContext* c) {
  if (!c) return nullptr;
  if (c->EXPECT()) {
    P::ExpectTailContext* tail = c->expectTail();
    if (!tail) return nullptr;
    if (tail->ASSIGN()) {
      auto* p = ctx_.make<PropertyMember>();
      p->name = name(c->EXPECT());
      p->value = tail->value() ? value(tail->value()) : nullptr;
      p->range = rangeOf(c);
      return p;
    }
    auto* e = ctx_.make<ExpectMember>();
    e->name = name(c->EXPECT());
    e->condition = tail->expr() ? expr(tail->expr()) : nullptr;
    e->every = tail->value() ? value(tail->value()) : nullptr;
    e->range = rangeOf(c);
    return e;
  }
  P::PropertyNameContext* pn = c->propertyName();
  P::MemberTailContext* tail = c->memberTail();
  if (!pn || !tail || !present(pn->getStart())) return nullptr;
  Name n = name(pn->getStart());
  Member* out = nullptr;
  if (tail->ASSIGN()) {
    auto* p = ctx_.make<PropertyMember>();
    p->value = tail->value() ? value(tail->value()) : nullptr;
    out = p;
  } else if (tail->block()) {
    auto* b = ctx_.make<NestedBlockMember>();
    b->body = block(tail->block());
    out = b;
  } else if (tail->COLON()) {
    auto* col = ctx_.make<ColumnMember>();
    col->type = typeName(tail->typeName());
    col->constraint = tail->expr() ? expr(tail->expr()) : nullptr;
    out = col;
  } else if (tail->compareOp()) {
    auto* cmp = ctx_.make<ComparisonMember>();
    antlr4::Token* op = tail->compareOp()->getStart();
    switch (op->getType()) {
      case P::EQ: cmp->op = BinaryOp::Eq; break;
      case P::NE: cmp->op = BinaryOp::Ne; break;
      case P::LT: cmp->op = BinaryOp::Lt; break;
      case P::LE: cmp->op = BinaryOp::Le; break;
      case P::GT: cmp->op = BinaryOp::Gt; break;
      default: cmp->op = BinaryOp::Ge; break;
    }
    cmp->opRange = rangeOf(op);
    cmp->value = tail->expr() ? expr(tail->expr()) : nullptr;
    out = cmp;
  } else {
    return nullptr;
  }
  out->name = n;
  out->range = rangeOf(c);
  return out;
}

TypeRef* AstBuilder::typeName(P::TypeNameContext* c) {
  if (!c || !present(c->IDENT())) return nullptr;
  auto* t = ctx_.make<TypeRef>();
  t->name = name(c->IDENT());
  t->element = c->typeName() ? typeName(c->typeName()) : nullptr;
  t->range = rangeOf(c);
  return t;
}

PathExpr* AstBuilder::path(P::PathContext* c) {
  if (!c || !c->pathHead() || !present(c->pathHead()->getStart())) return nullptr;
  llvm::SmallVector<Name, 4> segments;
  segments.push_back(name(c->pathHead()->getStart()));
  for (auto* n : c->anyName())
    if (present(n->getStart())) segments.push_back(name(n->getStart()));
  auto* p = ctx_.make<PathExpr>();
  p->segments = ctx_.copy(llvm::ArrayRef<Name>(segments));
  p->range = rangeOf(c);
  return p;
}

StringExpr* AstBuilder::string(antlr4::Token* t) {
  auto* s = ctx_.make<StringExpr>();
  s->range = rangeOf(t);
  llvm::StringRef raw = textOf(t);
  if (raw.startswith("\"\"\"")) {
    s->raw = true;
    raw = raw.drop_front(3);
    if (raw.endswith("\"\"\"")) raw = raw.drop_back(3);
    s->value = raw;
    return s;
  }
  raw = raw.drop_front(1);
  if (raw.endswith("\"") && !raw.endswith("\\\"")) raw = raw.drop_back(1);
  else if (raw.endswith("\"") && raw.size() >= 2) {
    // `"a\\"` ends with an escaped backslash then the closing quote.
    size_t slashes = 0;
    for (size_t i = raw.size() - 1; i > 0 && raw[i - 1] == '\\'; --i) ++slashes;
    if (slashes % 2 == 0) raw = raw.drop_back(1);
  }
  if (!raw.contains('\\')) {
    s->value = raw;
    return s;
  }
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out += c;
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u': {
        size_t close = raw.find('}', i);
        uint64_t cp = 0;
        if (i + 1 < raw.size() && raw[i + 1] == '{' && close != llvm::StringRef::npos &&
            !raw.slice(i + 2, close).getAsInteger(16, cp) && cp <= 0x10FFFF) {
          char buf[8];
          char* p = buf;
          if (llvm::ConvertCodePointToUTF8(static_cast<unsigned>(cp), p)) out.append(buf, p);
          i = close;
        } else {
          out += "\\u";  // already reported by the lexer
        }
        break;
      }
      default:
        out += '\\';
        out += e;  // already reported by the lexer
        break;
    }
  }
  s->value = ctx_.save(out);
  return s;
}

Expr* AstBuilder::number(antlr4::Token* t, bool negative, antlr4::Token* minus) {
  llvm::StringRef spelling = textOf(t);
  llvm::SMRange range = rangeOf(t);
  if (negative && present(minus)) {
    range.Start = loc(minus->getStartIndex());
    spelling = text_.slice(minus->getStartIndex(), t->getStopIndex() + 1);
  }
  llvm::StringRef digits = textOf(t);
  size_t numEnd = 0;
  while (numEnd < digits.size() &&
         (llvm::isDigit(digits[numEnd]) || digits[numEnd] == '.' ||
          ((digits[numEnd] == 'e' || digits[numEnd] == 'E') && numEnd + 1 < digits.size() &&
           (llvm::isDigit(digits[numEnd + 1]) || digits[numEnd + 1] == '+' || digits[numEnd + 1] == '-')) ||
          ((digits[numEnd] == '+' || digits[numEnd] == '-') && numEnd > 0 &&
           (digits[numEnd - 1] == 'e' || digits[numEnd - 1] == 'E'))))
    ++numEnd;
  double v = 0;
  std::from_chars(digits.data(), digits.data() + numEnd, v);
  if (negative) v = -v;
  llvm::StringRef unit = digits.drop_front(numEnd);
  switch (t->getType()) {
    case P::DURATION: case P::SIZE: case P::PERCENT: {
      auto* u = ctx_.make<UnitExpr>();
      u->number = v;
      u->unit = unit;
      u->spelling = spelling;
      u->range = range;
      double scale = 1;
      if (t->getType() == P::PERCENT) {
        u->unitKind = UnitKind::Percent;
        scale = 0.01;
      } else if (t->getType() == P::DURATION) {
        u->unitKind = UnitKind::Duration;
        scale = unit == "ms" ? 0.001 : unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 86400;
      } else {
        u->unitKind = UnitKind::Size;
        const double Ki = 1024.0, K = 1000.0;
        scale = unit == "Ki" ? Ki : unit == "Mi" ? Ki * Ki : unit == "Gi" ? Ki * Ki * Ki
              : unit == "Ti" ? Ki * Ki * Ki * Ki : unit == "KB" ? K : unit == "MB" ? K * K
              : unit == "GB" ? K * K * K : K * K * K * K;
      }
      u->canonical = v * scale;
      return u;
    }
    default: {
      auto* n = ctx_.make<NumberExpr>();
      n->value = v;
      n->isInteger = !digits.take_front(numEnd).contains_insensitive('.') &&
                     !digits.take_front(numEnd).contains_insensitive('e');
      n->spelling = spelling;
      n->range = range;
      return n;
    }
  }
}

ListExpr* AstBuilder::list(P::ListContext* c) {
  auto* l = ctx_.make<ListExpr>();
  l->range = rangeOf(c);
  llvm::SmallVector<Expr*, 8> items;
  for (auto* v : c->value())
    if (Expr* e = value(v)) items.push_back(e);
  l->items = ctx_.copy(llvm::ArrayRef<Expr*>(items));
  return l;
}

Expr* AstBuilder::value(P::ValueContext* c) {
  if (!c) return nullptr;
  if (present(c->STRING())) return string(c->STRING()->getSymbol());
  if (present(c->RAW_STRING())) return string(c->RAW_STRING()->getSymbol());
  if (present(c->TRUE()) || present(c->FALSE())) {
    auto* b = ctx_.make<BoolExpr>();
    b->value = present(c->TRUE());
    b->range = rangeOf(c);
    return b;
  }
  if (auto* nv = c->numberValue()) {
    antlr4::Token* t = nv->getStart();
    if (!present(t)) return nullptr;
    Expr* n = number(t, false, nullptr);
    if (nv->OF()) {
      PathExpr* role = path(nv->path());
      auto* count = llvm::dyn_cast<NumberExpr>(n);
      if (!role || !count) return n;
      auto* q = ctx_.make<QuorumExpr>();
      q->count = count;
      q->role = role;
      q->range = rangeOf(nv);
      return q;
    }
    return n;
  }
  if (c->MINUS() && c->number()) {
    antlr4::Token* t = c->number()->getStart();
    if (!present(t)) return nullptr;
    return number(t, true, c->MINUS()->getSymbol());
  }
  if (c->list()) return list(c->list());
  if (c->path()) {
    PathExpr* head = path(c->path());
    if (!head) return nullptr;
    if (auto* args = c->callArgs()) {
      auto* call = ctx_.make<CallExpr>();
      call->callee = head;
      call->range = rangeOf(c);
      llvm::SmallVector<Argument, 4> built;
      for (auto* a : args->callArg()) {
        auto values = a->value();
        if (values.empty()) continue;
        if (a->ASSIGN() && values.size() == 2) {
          Expr* n = value(values[0]);
          auto* p = llvm::dyn_cast_or_null<PathExpr>(n);
          Name argName = p && p->segments.size() == 1 ? p->segments[0] : Name{};
          built.push_back({argName, value(values[1])});
        } else {
          built.push_back({Name{}, value(values[0])});
        }
      }
      call->args = ctx_.copy(llvm::ArrayRef<Argument>(built));
      return call;
    }
    if (c->block()) {
      auto* vb = ctx_.make<ValueBlockExpr>();
      vb->head = head;
      vb->body = block(c->block());
      vb->range = rangeOf(c);
      return vb;
    }
    return head;
  }
  return nullptr;
}

// ------------------------------------------------------------------ expressions

Expr* AstBuilder::binary(BinaryOp op, antlr4::Token* opToken, Expr* lhs, Expr* rhs) {
  if (!lhs || !rhs) return lhs ? lhs : rhs;
  auto* b = ctx_.make<BinaryExpr>();
  b->op = op;
  b->opRange = rangeOf(opToken);
  b->lhs = lhs;
  b->rhs = rhs;
  b->range = {lhs->range.Start, rhs->range.End};
  return b;
}

Expr* AstBuilder::expr(P::ExprContext* c) {
  if (!c) return nullptr;
  auto operands = c->andExpr();
  auto ops = c->OR();
  Expr* out = operands.empty() ? nullptr : andExpr(operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    out = binary(BinaryOp::Or, i - 1 < ops.size() ? ops[i - 1]->getSymbol() : nullptr, out, andExpr(operands[i]));
  return out;
}

Expr* AstBuilder::andExpr(P::AndExprContext* c) {
  auto operands = c->notExpr();
  auto ops = c->AND();
  Expr* out = operands.empty() ? nullptr : notExpr(operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    out = binary(BinaryOp::And, i - 1 < ops.size() ? ops[i - 1]->getSymbol() : nullptr, out, notExpr(operands[i]));
  return out;
}

Expr* AstBuilder::notExpr(P::NotExprContext* c) {
  Expr* out = c->comparison() ? comparison(c->comparison()) : nullptr;
  auto nots = c->NOT();
  for (size_t i = nots.size(); i-- > 0;) {
    if (!out) break;
    auto* u = ctx_.make<UnaryExpr>();
    u->op = UnaryOp::Not;
    u->operand = out;
    u->range = {loc(nots[i]->getSymbol()->getStartIndex()), out->range.End};
    out = u;
  }
  return out;
}

Expr* AstBuilder::comparison(P::ComparisonContext* c) {
  Expr* out = nullptr;
  BinaryOp pending = BinaryOp::Eq;
  antlr4::Token* pendingToken = nullptr;
  bool first = true;
  for (antlr4::tree::ParseTree* child : c->children) {
    Expr* operand = nullptr;
    if (auto* a = dynamic_cast<P::AdditiveContext*>(child)) operand = additive(a);
    else if (auto* l = dynamic_cast<P::ExprListContext*>(child)) operand = exprList(l);
    else if (auto* op = dynamic_cast<P::CompareOpContext*>(child)) {
      pendingToken = op->getStart();
      switch (pendingToken->getType()) {
        case P::EQ: pending = BinaryOp::Eq; break;
        case P::NE: pending = BinaryOp::Ne; break;
        case P::LT: pending = BinaryOp::Lt; break;
        case P::LE: pending = BinaryOp::Le; break;
        case P::GT: pending = BinaryOp::Gt; break;
        default: pending = BinaryOp::Ge; break;
      }
      continue;
    } else if (auto* t = dynamic_cast<TerminalNode*>(child)) {
      if (t->getSymbol()->getType() == P::IN) {
        pending = BinaryOp::In;
        pendingToken = t->getSymbol();
      }
      continue;
    } else {
      continue;
    }
    out = first ? operand : binary(pending, pendingToken, out, operand);
    first = false;
  }
  return out;
}

Expr* AstBuilder::additive(P::AdditiveContext* c) {
  Expr* out = nullptr;
  BinaryOp pending = BinaryOp::Add;
  antlr4::Token* pendingToken = nullptr;
  bool first = true;
  for (antlr4::tree::ParseTree* child : c->children) {
    if (auto* m = dynamic_cast<P::MultiplicativeContext*>(child)) {
      Expr* operand = multiplicative(m);
      out = first ? operand : binary(pending, pendingToken, out, operand);
      first = false;
    } else if (auto* t = dynamic_cast<TerminalNode*>(child)) {
      pendingToken = t->getSymbol();
      pending = pendingToken->getType() == P::MINUS ? BinaryOp::Sub : BinaryOp::Add;
    }
  }
  return out;
}

Expr* AstBuilder::multiplicative(P::MultiplicativeContext* c) {
  Expr* out = nullptr;
  BinaryOp pending = BinaryOp::Mul;
  antlr4::Token* pendingToken = nullptr;
  bool first = true;
  for (antlr4::tree::ParseTree* child : c->children) {
    if (auto* u = dynamic_cast<P::UnaryContext*>(child)) {
      Expr* operand = unary(u);
      out = first ? operand : binary(pending, pendingToken, out, operand);
      first = false;
    } else if (auto* t = dynamic_cast<TerminalNode*>(child)) {
      pendingToken = t->getSymbol();
      pending = pendingToken->getType() == P::SLASH ? BinaryOp::Div : BinaryOp::Mul;
    }
  }
  return out;
}

Expr* AstBuilder::unary(P::UnaryContext* c) {
  Expr* out = c->postfix() ? postfix(c->postfix()) : nullptr;
  auto minuses = c->MINUS();
  for (size_t i = minuses.size(); i-- > 0;) {
    if (!out) break;
    auto* u = ctx_.make<UnaryExpr>();
    u->op = UnaryOp::Negate;
    u->operand = out;
    u->range = {loc(minuses[i]->getSymbol()->getStartIndex()), out->range.End};
    out = u;
  }
  return out;
}

Expr* AstBuilder::postfix(P::PostfixContext* c) {
  Expr* out = c->primary() ? primary(c->primary()) : nullptr;
  if (!out) return nullptr;
  llvm::SmallVector<Name, 4> segments;
  if (auto* p = llvm::dyn_cast<PathExpr>(out)) segments.append(p->segments.begin(), p->segments.end());
  const auto& children = c->children;
  for (size_t i = 1; i < children.size(); ++i) {
    auto* t = dynamic_cast<TerminalNode*>(children[i]);
    if (!t) continue;
    size_t type = t->getSymbol()->getType();
    if (type == P::DOT && i + 1 < children.size()) {
      auto* n = dynamic_cast<P::AnyNameContext*>(children[i + 1]);
      if (!n || !present(n->getStart())) continue;
      Name member = name(n->getStart());
      if (auto* p = llvm::dyn_cast<PathExpr>(out)) {
        segments.push_back(member);
        auto* extended = ctx_.make<PathExpr>();
        extended->segments = ctx_.copy(llvm::ArrayRef<Name>(segments));
        extended->range = {p->range.Start, member.range.End};
        out = extended;
      } else {
        auto* m = ctx_.make<MemberExpr>();
        m->base = out;
        m->member = member;
        m->range = {out->range.Start, member.range.End};
        out = m;
      }
      ++i;
    } else if (type == P::LPAREN) {
      llvm::SmallVector<Argument, 4> args;
      size_t j = i + 1;
      llvm::SMLoc end = out->range.End;
      for (; j < children.size(); ++j) {
        if (auto* e = dynamic_cast<P::ExprContext*>(children[j])) {
          if (Expr* built = expr(e)) args.push_back({Name{}, built});
        } else if (auto* tt = dynamic_cast<TerminalNode*>(children[j])) {
          if (tt->getSymbol()->getType() == P::RPAREN) {
            if (present(tt->getSymbol())) end = loc(tt->getSymbol()->getStopIndex() + 1);
            break;
          }
        }
      }
      auto* call = ctx_.make<CallExpr>();
      call->callee = out;
      call->args = ctx_.copy(llvm::ArrayRef<Argument>(args));
      call->range = {out->range.Start, end};
      out = call;
      segments.clear();
      i = j;
    }
  }
  return out;
}

Expr* AstBuilder::primary(P::PrimaryContext* c) {
  if (auto* n = c->number()) return present(n->getStart()) ? number(n->getStart(), false, nullptr) : nullptr;
  if (present(c->STRING())) return string(c->STRING()->getSymbol());
  if (present(c->RAW_STRING())) return string(c->RAW_STRING()->getSymbol());
  if (present(c->TRUE()) || present(c->FALSE())) {
    auto* b = ctx_.make<BoolExpr>();
    b->value = present(c->TRUE());
    b->range = rangeOf(c);
    return b;
  }
  if (c->expr()) return expr(c->expr());
  if (c->exprList()) return exprList(c->exprList());
  antlr4::Token* t = c->getStart();
  if (!present(t)) return nullptr;
  auto* p = ctx_.make<PathExpr>();
  Name n = name(t);
  p->segments = ctx_.copy(llvm::ArrayRef<Name>(n));
  p->range = n.range;
  return p;
}

ListExpr* AstBuilder::exprList(P::ExprListContext* c) {
  auto* l = ctx_.make<ListExpr>();
  l->range = rangeOf(c);
  llvm::SmallVector<Expr*, 8> items;
  for (auto* e : c->expr())
    if (Expr* built = expr(e)) items.push_back(built);
  l->items = ctx_.copy(llvm::ArrayRef<Expr*>(items));
  return l;
}

}  // namespace mlops::syntax

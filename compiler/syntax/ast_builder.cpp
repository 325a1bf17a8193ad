#include "syntax/ast_builder.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/ConvertUTF.h>

#include <charconv>

namespace mlops::syntax {

using namespace mlops::ast;
using antlr4::tree::TerminalNode;

namespace {

// Child `i` of `c` as a T, or null. Only ever used where the grammar puts a
// T at that position, so the cast succeeds on its fast path (exact type);
// error-recovered trees with other shapes just yield null.
template <class T>
T* child(antlr4::ParserRuleContext* c, size_t i) {
  return i < c->children.size() ? dynamic_cast<T*>(c->children[i]) : nullptr;
}

size_t startType(antlr4::ParserRuleContext* c) {
  antlr4::Token* t = c->getStart();
  return t ? t->getType() : antlr4::Token::INVALID_TYPE;
}

}  // namespace

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

void AstBuilder::namesOf(antlr4::ParserRuleContext* c, size_t skipFirst, llvm::SmallVectorImpl<Name>& out) const {
  antlr4::Token* start = c->getStart();
  antlr4::Token* stop = c->getStop();
  if (!tokens_ || !present(start) || !stop || stop->getTokenIndex() == INVALID_INDEX ||
      stop->getTokenIndex() < start->getTokenIndex())
    return;
  for (size_t i = start->getTokenIndex() + skipFirst; i <= stop->getTokenIndex(); ++i) {
    antlr4::Token* t = tokens_->get(i);
    if (t->getType() != P::DOT && present(t)) out.push_back(name(t));
  }
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
    // The name is the token right after the keyword; error recovery can
    // leave another identifier there (`role test : base` must not name the
    // role `base`).
    if (keyword && present(keyword->getSymbol()) && present(ident->getSymbol()) &&
        ident->getSymbol()->getTokenIndex() != keyword->getSymbol()->getTokenIndex() + 1)
      return nullptr;
    decl->name = name(ident);
    if (decl->name.text.empty()) return nullptr;  // `model {`: nothing to name
  }
  decl->body = body ? block(body) : nullptr;
  return decl;
}

Decl* AstBuilder::declaration(P::DeclarationContext* c) {
  if (!c || c->children.empty()) return nullptr;
  reportedDepth_ = false;
  // `keyword IDENT block`: the common shape, read positionally.
  auto simple = [&](DeclKind kind, antlr4::ParserRuleContext* d) -> Decl* {
    auto* keyword = child<TerminalNode>(d, 0);
    auto* ident = child<TerminalNode>(d, 1);
    if (ident && ident->getSymbol()->getType() != P::IDENT) ident = nullptr;
    if (!ident) return nullptr;
    P::BlockContext* body = d->children.empty() ? nullptr : dynamic_cast<P::BlockContext*>(d->children.back());
    return finishDecl(ctx_.make<SimpleDecl>(kind), d, keyword, ident, body);
  };
  switch (startType(c)) {
    case P::PROJECT: return simple(DeclKind::Project, c->projectDecl());
    case P::KPI: return simple(DeclKind::Kpi, c->kpiDecl());
    case P::DATA: return simple(DeclKind::Data, c->dataDecl());
    case P::STEP: return simple(DeclKind::Step, c->stepDecl());
    case P::MODEL: return simple(DeclKind::Model, c->modelDecl());
    case P::DEPLOY: return simple(DeclKind::Deploy, c->deployDecl());
    case P::PIPELINE: return simple(DeclKind::Pipeline, c->pipelineDecl());
    default: break;
  }
  if (auto* d = c->useDecl()) {
    auto* use = ctx_.make<UseDecl>();
    llvm::SmallVector<Name, 4> segments;
    namesOf(d, 1, segments);  // after `use`
    if (segments.empty()) return nullptr;
    use->module = ctx_.copy(llvm::ArrayRef<Name>(segments));
    return finishDecl(use, d, child<TerminalNode>(d, 0), nullptr, nullptr);
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
    // `on NAME`: the token after ON.
    for (size_t i = 0; i + 1 < d->children.size(); ++i)
      if (auto* t = dynamic_cast<TerminalNode*>(d->children[i]); t && t->getSymbol()->getType() == P::ON)
        if (auto* n = dynamic_cast<TerminalNode*>(d->children[i + 1])) check->appliesTo = name(n);
    return finishDecl(check, d, child<TerminalNode>(d, 0), child<TerminalNode>(d, 1), d->block());
  }
  return nullptr;
}

Block* AstBuilder::block(P::BlockContext* c) {
  auto* b = ctx_.make<Block>();
  b->range = rangeOf(c);
  llvm::SmallVector<Member*, 16> members;
  // `{ member* }`: members sit between the braces.
  for (size_t i = 1; i + 1 < c->children.size(); ++i)
    if (auto* m = dynamic_cast<P::MemberContext*>(c->children[i]))
      if (Member* built = member(m)) members.push_back(built);
  b->members = ctx_.copy(llvm::ArrayRef<Member*>(members));
  return b;
}

Member* AstBuilder::member(P::MemberContext* c) {
  if (!c) return nullptr;
  if (startType(c) == P::EXPECT) {
    auto* tail = child<P::ExpectTailContext>(c, 1);
    if (!tail) return nullptr;
    if (startType(tail) == P::ASSIGN) {
      auto* p = ctx_.make<PropertyMember>();
      p->name = name(c->getStart());
      p->value = value(child<P::ValueContext>(tail, 1));
      p->range = rangeOf(c);
      return p;
    }
    auto* e = ctx_.make<ExpectMember>();
    e->name = name(c->getStart());
    e->condition = expr(child<P::ExprContext>(tail, 0));
    e->every = value(child<P::ValueContext>(tail, 2));
    e->range = rangeOf(c);
    return e;
  }
  if (startType(c) == P::WHEN) {
    auto* p = ctx_.make<PropertyMember>();
    p->name = name(c->getStart());
    p->value = expr(child<P::ExprContext>(c, 2));
    p->range = rangeOf(c);
    return p;
  }
  auto* tail = child<P::MemberTailContext>(c, 1);
  if (!present(c->getStart())) return nullptr;
  Name n = name(c->getStart());
  if (!tail) {
    // `source file(...)`: the syntax error is reported; keep the name so the
    // property does not also read as missing.
    auto* p = ctx_.make<PropertyMember>();
    p->name = n;
    p->range = rangeOf(c);
    return p;
  }
  Member* out = nullptr;
  switch (startType(tail)) {
    case P::ASSIGN: {
      auto* p = ctx_.make<PropertyMember>();
      p->value = value(child<P::ValueContext>(tail, 1));
      out = p;
      break;
    }
    case P::LBRACE: {
      auto* blockCtx = child<P::BlockContext>(tail, 0);
      if (!blockCtx) return nullptr;
      auto* b = ctx_.make<NestedBlockMember>();
      b->body = block(blockCtx);
      out = b;
      break;
    }
    case P::COLON: {
      auto* col = ctx_.make<ColumnMember>();
      col->type = typeName(child<P::TypeNameContext>(tail, 1));
      col->defaultValue = tail->value() ? value(tail->value()) : nullptr;
      col->constraint = tail->expr() ? expr(tail->expr()) : nullptr;
      out = col;
      break;
    }
    case P::EQ: case P::NE: case P::LT: case P::LE: case P::GT: case P::GE: {
      auto* cmp = ctx_.make<ComparisonMember>();
      antlr4::Token* op = tail->getStart();
      switch (op->getType()) {
        case P::EQ: cmp->op = BinaryOp::Eq; break;
        case P::NE: cmp->op = BinaryOp::Ne; break;
        case P::LT: cmp->op = BinaryOp::Lt; break;
        case P::LE: cmp->op = BinaryOp::Le; break;
        case P::GT: cmp->op = BinaryOp::Gt; break;
        default: cmp->op = BinaryOp::Ge; break;
      }
      cmp->opRange = rangeOf(op);
      cmp->value = expr(child<P::ExprContext>(tail, 1));
      out = cmp;
      break;
    }
    default: {
      auto* p = ctx_.make<PropertyMember>();  // value lost to a syntax error
      out = p;
      break;
    }
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
  if (!c || !present(c->getStart())) return nullptr;
  llvm::SmallVector<Name, 4> segments;
  namesOf(c, 0, segments);
  if (segments.empty()) return nullptr;
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
    if (raw.contains('\r')) {
      // CRLF files: the value has the same lines on every platform.
      std::string normalized;
      normalized.reserve(raw.size());
      for (size_t i = 0; i < raw.size(); ++i)
        if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) normalized += raw[i];
      s->value = ctx_.save(normalized);
    } else {
      s->value = raw;
    }
    return s;
  }
  if (raw.startswith("\xE2\x80\x9C")) {  // “typographic quotes”, already reported by the lexer
    s->value = raw.drop_front(3).drop_back(raw.endswith("\xE2\x80\x9D") ? 3 : 0);
    return s;
  }
  if (raw.startswith("'")) {  // wrong quotes, already reported by the lexer
    s->value = raw.size() >= 2 && raw.endswith("'") ? raw.drop_front(1).drop_back(1) : raw.drop_front(1);
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
    // `- 5` or `- /* c */ 5` is spelled as `-5`: the spelling is the value
    // as written, not the layout around it.
    if (spelling.size() != textOf(t).size() + 1) spelling = ctx_.save("-" + textOf(t).str());
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
  auto parsed = std::from_chars(digits.data(), digits.data() + numEnd, v);
  if (parsed.ec == std::errc::result_out_of_range) {
    // `1e999`: a double cannot hold it; say so rather than read 0 or inf.
    diags_.report(range, diag::kinds::MalformedNumber, spelling, "it is out of range");
    v = 0;
  }
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
  // `[ v , v , ... ]`: items at odd positions; other shapes come from error recovery.
  for (size_t i = 1; i < c->children.size(); i += 2)
    if (auto* v = dynamic_cast<P::ValueContext*>(c->children[i]))
      if (Expr* e = value(v)) items.push_back(e);
  l->items = ctx_.copy(llvm::ArrayRef<Expr*>(items));
  return l;
}

Expr* AstBuilder::value(P::ValueContext* c) {
  if (!c || c->children.empty()) return nullptr;
  switch (startType(c)) {
    case P::STRING: case P::RAW_STRING:
      return present(c->getStart()) ? string(c->getStart()) : nullptr;
    case P::TRUE: case P::FALSE: {
      auto* b = ctx_.make<BoolExpr>();
      b->value = startType(c) == P::TRUE;
      b->range = rangeOf(c);
      return b;
    }
    case P::NUMBER: case P::DURATION: case P::SIZE: case P::PERCENT: {
      auto* nv = child<P::NumberValueContext>(c, 0);
      if (!nv || !present(nv->getStart())) return nullptr;
      Expr* n = number(nv->getStart(), false, nullptr);
      if (nv->children.size() == 3) {  // NUMBER of path
        PathExpr* role = path(child<P::PathContext>(nv, 2));
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
    case P::MINUS: {
      auto* num = child<TerminalNode>(c, 1);
      if (!num || !present(num->getSymbol())) return nullptr;
      return number(num->getSymbol(), true, c->getStart());
    }
    case P::LBRACKET: {
      auto* l = child<P::ListContext>(c, 0);
      return l ? list(l) : nullptr;
    }
    default: break;
  }
  PathExpr* head = path(child<P::PathContext>(c, 0));
  if (!head) return nullptr;
  if (c->children.size() < 2) return head;
  if (auto* args = child<P::CallArgsContext>(c, 1)) {
    auto* call = ctx_.make<CallExpr>();
    call->callee = head;
    call->range = rangeOf(c);
    llvm::SmallVector<Argument, 4> built;
    for (size_t i = 1; i < args->children.size(); i += 2) {
      auto* a = dynamic_cast<P::CallArgContext*>(args->children[i]);
      if (!a) continue;
      auto* first = child<P::ValueContext>(a, 0);
      if (!first) continue;
      if (a->children.size() == 3) {  // name = value
        Expr* nameExpr = value(first);
        auto* p = llvm::dyn_cast_or_null<PathExpr>(nameExpr);
        if (!p || p->segments.size() != 1) {
          if (nameExpr)
            diags_.report(nameExpr->range, diag::kinds::ArgumentNameNotIdent,
                          p ? "a dotted path" : "a value");
          continue;
        }
        built.push_back({p->segments[0], value(child<P::ValueContext>(a, 2))});
      } else {
        built.push_back({Name{}, value(first)});
      }
    }
    call->args = ctx_.copy(llvm::ArrayRef<Argument>(built));
    return call;
  }
  if (auto* body = child<P::BlockContext>(c, 1)) {
    auto* vb = ctx_.make<ValueBlockExpr>();
    vb->head = head;
    vb->body = block(body);
    vb->range = rangeOf(c);
    return vb;
  }
  return head;
}

// ------------------------------------------------------------------ expressions

Expr* AstBuilder::deepen(Expr* e, unsigned childDepth) {
  if (childDepth + 1 > maxDepth_) {
    if (!reportedDepth_)
      diags_.report(e->range, diag::kinds::NestingTooDeep, static_cast<uint64_t>(maxDepth_))
          .note("an expression nests too many operators; split it or simplify it");
    reportedDepth_ = true;
    return nullptr;
  }
  e->depth = static_cast<uint16_t>(childDepth + 1);
  return e;
}

Expr* AstBuilder::binary(BinaryOp op, antlr4::Token* opToken, Expr* lhs, Expr* rhs) {
  if (!lhs || !rhs) return lhs ? lhs : rhs;
  auto* b = ctx_.make<BinaryExpr>();
  b->op = op;
  b->opRange = rangeOf(opToken);
  b->lhs = lhs;
  b->rhs = rhs;
  b->range = {lhs->range.Start, rhs->range.End};
  return deepen(b, std::max(lhs->depth, rhs->depth));
}

Expr* AstBuilder::expr(P::ExprContext* c) {
  if (!c) return nullptr;
  if (c->children.size() == 1) return andExpr(child<P::AndExprContext>(c, 0));
  auto operands = c->andExpr();
  auto ops = c->OR();
  Expr* out = operands.empty() ? nullptr : andExpr(operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    out = binary(BinaryOp::Or, i - 1 < ops.size() ? ops[i - 1]->getSymbol() : nullptr, out, andExpr(operands[i]));
  return out;
}

Expr* AstBuilder::andExpr(P::AndExprContext* c) {
  if (!c) return nullptr;
  if (c->children.size() == 1) return notExpr(child<P::NotExprContext>(c, 0));
  auto operands = c->notExpr();
  auto ops = c->AND();
  Expr* out = operands.empty() ? nullptr : notExpr(operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    out = binary(BinaryOp::And, i - 1 < ops.size() ? ops[i - 1]->getSymbol() : nullptr, out, notExpr(operands[i]));
  return out;
}

Expr* AstBuilder::notExpr(P::NotExprContext* c) {
  if (!c) return nullptr;
  if (c->children.size() == 1) return comparison(child<P::ComparisonContext>(c, 0));
  Expr* out = c->comparison() ? comparison(c->comparison()) : nullptr;
  auto nots = c->NOT();
  for (size_t i = nots.size(); i-- > 0;) {
    if (!out) break;
    auto* u = ctx_.make<UnaryExpr>();
    u->op = UnaryOp::Not;
    u->operand = out;
    u->range = {loc(nots[i]->getSymbol()->getStartIndex()), out->range.End};
    out = deepen(u, out->depth);
  }
  return out;
}

Expr* AstBuilder::comparison(P::ComparisonContext* c) {
  if (!c) return nullptr;
  if (c->children.size() == 1) return additive(child<P::AdditiveContext>(c, 0));
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
  if (!c) return nullptr;
  if (c->children.size() == 1) return multiplicative(child<P::MultiplicativeContext>(c, 0));
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
  if (!c) return nullptr;
  if (c->children.size() == 1) return unary(child<P::UnaryContext>(c, 0));
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
  if (!c) return nullptr;
  if (c->children.size() == 1) return postfix(child<P::PostfixContext>(c, 0));
  Expr* out = c->postfix() ? postfix(c->postfix()) : nullptr;
  auto minuses = c->MINUS();
  for (size_t i = minuses.size(); i-- > 0;) {
    if (!out) break;
    auto* u = ctx_.make<UnaryExpr>();
    u->op = UnaryOp::Negate;
    u->operand = out;
    u->range = {loc(minuses[i]->getSymbol()->getStartIndex()), out->range.End};
    out = deepen(u, out->depth);
  }
  return out;
}

Expr* AstBuilder::postfix(P::PostfixContext* c) {
  if (!c) return nullptr;
  if (c->children.size() == 1) return primary(child<P::PrimaryContext>(c, 0));
  Expr* out = c->children.empty() ? nullptr : primary(child<P::PrimaryContext>(c, 0));
  if (!out) return nullptr;
  // Consecutive `.name`s after a path extend it; the path is copied into the
  // arena once per run of names, not once per name.
  llvm::SmallVector<Name, 8> segments;
  bool pathOpen = false;
  if (auto* p = llvm::dyn_cast<PathExpr>(out)) {
    segments.append(p->segments.begin(), p->segments.end());
    pathOpen = true;
  }
  auto closePath = [&] {
    if (!pathOpen) return;
    auto* path = ctx_.make<PathExpr>();
    path->segments = ctx_.copy(llvm::ArrayRef<Name>(segments));
    path->range = {out->range.Start, segments.back().range.End};
    out = path;
    pathOpen = false;
  };
  const auto& children = c->children;
  for (size_t i = 1; i < children.size(); ++i) {
    auto* t = dynamic_cast<TerminalNode*>(children[i]);
    if (!t) continue;
    size_t type = t->getSymbol()->getType();
    if (type == P::DOT && i + 1 < children.size()) {
      auto* n = dynamic_cast<TerminalNode*>(children[i + 1]);
      ++i;
      if (!n || !present(n->getSymbol())) continue;
      Name member = name(n->getSymbol());
      if (pathOpen) {
        segments.push_back(member);
        continue;
      }
      auto* m = ctx_.make<MemberExpr>();
      m->base = out;
      m->member = member;
      m->range = {out->range.Start, member.range.End};
      out = deepen(m, out->depth);
      if (!out) return nullptr;
    } else if (type == P::LPAREN) {
      closePath();
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
      unsigned deepest = out->depth;
      for (const Argument& a : args) deepest = std::max<unsigned>(deepest, a.value->depth);
      out = deepen(call, deepest);
      if (!out) return nullptr;
      i = j;
    } else if (type == P::LBRACKET) {
      closePath();
      auto* e = i + 1 < children.size() ? dynamic_cast<P::ExprContext*>(children[i + 1]) : nullptr;
      Expr* key = e ? expr(e) : nullptr;
      size_t j = i + 1;
      llvm::SMLoc end = out->range.End;
      for (; j < children.size(); ++j)
        if (auto* tt = dynamic_cast<TerminalNode*>(children[j]); tt && tt->getSymbol()->getType() == P::RBRACKET) {
          if (present(tt->getSymbol())) end = loc(tt->getSymbol()->getStopIndex() + 1);
          break;
        }
      if (!key) return nullptr;
      auto* index = ctx_.make<IndexExpr>();
      index->base = out;
      index->key = key;
      index->bracketRange = {loc(t->getSymbol()->getStartIndex()), end};
      index->range = {out->range.Start, end};
      out = deepen(index, std::max<unsigned>(out->depth, key->depth));
      if (!out) return nullptr;
      i = j;
    }
  }
  closePath();
  return out;
}

Expr* AstBuilder::primary(P::PrimaryContext* c) {
  if (!c) return nullptr;
  switch (startType(c)) {
    case P::NUMBER: case P::DURATION: case P::SIZE: case P::PERCENT:
      return present(c->getStart()) ? number(c->getStart(), false, nullptr) : nullptr;
    default: break;
  }
  if (present(c->STRING())) return string(c->STRING()->getSymbol());
  if (present(c->RAW_STRING())) return string(c->RAW_STRING()->getSymbol());
  if (present(c->TRUE()) || present(c->FALSE())) {
    auto* b = ctx_.make<BoolExpr>();
    b->value = present(c->TRUE());
    b->range = rangeOf(c);
    return b;
  }
  if (c->expr()) {
    // No node for parentheses: the inner expression's range covers them.
    Expr* inner = expr(c->expr());
    if (inner) {
      inner->range = rangeOf(c);
      inner->parenthesized = true;
    }
    return inner;
  }
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

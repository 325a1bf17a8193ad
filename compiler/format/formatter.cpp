#include "format/formatter.h"

#include "ast/ast_context.h"
#include "ast/ast_dump.h"
#include "syntax/lexer.h"
#include "syntax/parser.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace mlops::format {
namespace {

using namespace mlops::ast;

// One output line of a block or list before alignment: `head` is padded to
// the run's widest head, `type` (schema columns) to the widest type.
struct Line {
  enum class Kind { Blank, Comment, Item } kind = Kind::Item;
  std::string head;      // property name; empty for items that do not align
  std::string type;      // column type, when a `where` follows
  std::string tail;      // the rest of the line (may hold newlines)
  std::string trailing;  // a comment at the end of the line
  bool aligns = false;   // takes part in the `=` alignment of its run
  bool column = false;   // a schema column: `name : type [where ...]`
  // Its line breaks are inside a raw string: it still aligns with its run.
  bool rawString = false;
};

Line blankLine() {
  Line l;
  l.kind = Line::Kind::Blank;
  return l;
}

class Printer {
 public:
  Printer(llvm::StringRef text, const syntax::LexedFile& lexed, const FormatOptions& options)
      : text_(text), comments_(lexed.comments), options_(options) {}

  std::string file(const SourceFile& f) {
    std::vector<Line> lines;
    uint32_t prevEnd = 0;
    const Decl* prev = nullptr;
    for (const Decl* d : f.decls) {
      uint32_t start = begin(d->range);
      size_t before = lines.size();
      leadingComments(start, lines, prevEnd);
      // Declarations with a body are set apart by a blank line; others
      // (use, import, tests without a body) keep the source's choice.
      bool apart = prev && (prev->body || d->body);
      if (lines.size() == before) {
        if (apart || (prev && blankBetween(prevEnd, start))) lines.push_back(blankLine());
      } else {
        if (apart && lines[before].kind != Line::Kind::Blank)
          lines.insert(lines.begin() + static_cast<long>(before), blankLine());
        if (blankBetween(prevEnd, start)) lines.push_back(blankLine());
      }
      Line line;
      line.tail = decl(*d);
      uint32_t end = this->end(d->range);
      line.trailing = trailingComments(end, nextStart(f.decls, d));
      lines.push_back(std::move(line));
      prevEnd = afterPrinted(end);
      prev = d;
    }
    leadingComments(static_cast<uint32_t>(text_.size()) + 1, lines, prevEnd);
    std::string out = render(lines, 0);
    if (!out.empty()) out += '\n';
    return out;
  }

 private:
  // ---------------------------------------------------------------- positions

  uint32_t offset(llvm::SMLoc loc) const { return static_cast<uint32_t>(loc.getPointer() - text_.data()); }
  uint32_t begin(llvm::SMRange r) const { return offset(r.Start); }
  uint32_t end(llvm::SMRange r) const { return offset(r.End); }
  llvm::StringRef slice(llvm::SMRange r) const { return text_.slice(begin(r), end(r)); }

  bool sameLine(uint32_t a, uint32_t b) const {
    if (a > b) std::swap(a, b);
    return text_.slice(a, b).find('\n') == llvm::StringRef::npos;
  }
  // A blank line separates the two offsets in the source.
  bool blankBetween(uint32_t a, uint32_t b) const { return a < b && text_.slice(a, b).count('\n') >= 2; }
  bool hasComments(uint32_t from, uint32_t to) const {
    auto it = std::lower_bound(comments_.begin(), comments_.end(), from,
                               [](const syntax::Comment& c, uint32_t off) { return c.offset < off; });
    return it != comments_.end() && it->offset < to;
  }
  std::string indent(unsigned level) const { return std::string(level * options_.indentWidth, ' '); }

  template <class T>
  uint32_t nextStart(llvm::ArrayRef<T*> all, const T* current) const {
    auto it = std::find(all.begin(), all.end(), current);
    if (it != all.end() && it + 1 != all.end()) return begin((*(it + 1))->range);
    return static_cast<uint32_t>(text_.size()) + 1;
  }

  // ---------------------------------------------------------------- comments

  std::string commentText(const syntax::Comment& c) const {
    return text_.substr(c.offset, c.length).rtrim(" \t\r\f").str();
  }

  // Comments that start before `limit` and were not printed yet, each on
  // its own line; a blank line in the source before one is kept.
  void leadingComments(uint32_t limit, std::vector<Line>& lines, uint32_t& prevEnd) {
    while (next_ < comments_.size() && comments_[next_].offset < limit) {
      const syntax::Comment& c = comments_[next_++];
      if (!lines.empty() && lines.back().kind != Line::Kind::Blank && blankBetween(prevEnd, c.offset))
        lines.push_back(blankLine());
      Line line;
      line.kind = Line::Kind::Comment;
      line.tail = commentText(c);
      lines.push_back(std::move(line));
      prevEnd = c.offset + c.length;
    }
  }

  // Comments left inside an item that printed on one line, and those after
  // it on the same source line (before `limit`), for the end of its line.
  std::string trailingComments(uint32_t end, uint32_t limit) {
    std::string out;
    while (next_ < comments_.size()) {
      const syntax::Comment& c = comments_[next_];
      bool inside = c.offset < end;
      // A `///` comment after the code documents what follows: it goes on
      // its own line, where it stays attached to the next declaration.
      bool after = c.offset >= end && c.offset < limit && sameLine(end, c.offset) &&
                   c.kind != syntax::CommentKind::Doc;
      if (!inside && !after) break;
      if (!out.empty()) out += ' ';
      out += commentText(c);
      ++next_;
      // A line comment ends the line: what follows it waits for the next
      // line (the next item's leading comments).
      if (c.kind != syntax::CommentKind::Block) break;
    }
    return out;
  }

  // Where the source of what was printed last ends: `end`, or the end of
  // the last comment printed after it (blank lines are counted from there).
  uint32_t afterPrinted(uint32_t end) const {
    if (next_ == 0) return end;
    const syntax::Comment& c = comments_[next_ - 1];
    return std::max(end, c.offset + c.length);
  }

  // ---------------------------------------------------------------- rendering lines

  // Pads heads (and column types) within runs of consecutive items, aligns
  // the comments at the end of consecutive one-line items, and joins.
  std::string render(std::vector<Line>& lines, unsigned level) const {
    // Runs of items: broken by blank lines, comment lines and items that
    // span several lines.
    size_t i = 0;
    std::vector<std::string> code(lines.size());
    while (i < lines.size()) {
      if (lines[i].kind != Line::Kind::Item) {
        ++i;
        continue;
      }
      size_t j = i;
      size_t headWidth = 0, typeWidth = 0;
      while (j < lines.size() && lines[j].kind == Line::Kind::Item) {
        bool multi = lines[j].tail.find('\n') != std::string::npos && !lines[j].rawString;
        if (multi && j > i) break;
        if (lines[j].aligns) headWidth = std::max(headWidth, lines[j].head.size());
        if (lines[j].column && !lines[j].tail.empty()) typeWidth = std::max(typeWidth, lines[j].type.size());
        ++j;
        if (multi) break;
      }
      for (size_t k = i; k < j; ++k) {
        const Line& l = lines[k];
        std::string c = indent(level) + l.head;
        if (l.aligns && j - i > 1) c.append(headWidth - l.head.size(), ' ');
        if (l.column) {
          c += " : ";
          c += l.type;
          if (!l.type.empty() && !l.tail.empty()) c.append(typeWidth - l.type.size(), ' ');
        }
        c += l.tail;
        code[k] = std::move(c);
      }
      i = j;
    }
    for (size_t k = 0; k < lines.size(); ++k)
      if (lines[k].kind == Line::Kind::Comment) code[k] = indent(level) + lines[k].tail;

    std::string out;
    for (size_t k = 0; k < lines.size();) {
      // A group of consecutive one-line items that end with a comment.
      size_t g = k;
      size_t width = 0;
      while (g < lines.size() && lines[g].kind == Line::Kind::Item && !lines[g].trailing.empty() &&
             code[g].find('\n') == std::string::npos) {
        width = std::max(width, code[g].size());
        ++g;
      }
      if (g > k) {
        for (size_t m = k; m < g; ++m) {
          if (!out.empty()) out += '\n';
          out += code[m];
          out.append(width - code[m].size() + 2, ' ');
          out += lines[m].trailing;
        }
        k = g;
        continue;
      }
      if (!out.empty()) out += '\n';
      if (lines[k].kind != Line::Kind::Blank) out += code[k];
      if (!lines[k].trailing.empty()) out += "  " + lines[k].trailing;
      ++k;
    }
    return out;
  }

  // ---------------------------------------------------------------- declarations

  std::string decl(const Decl& d) {
    std::string out = keyword(d.kind()).str();
    switch (d.kind()) {
      case DeclKind::Use: {
        out += ' ';
        const auto& u = llvm::cast<UseDecl>(d);
        out += path(u.module);
        return out;
      }
      case DeclKind::Import:
        return out + ' ' + string(*llvm::cast<ImportDecl>(d).path);
      default: break;
    }
    out += ' ';
    out += d.name.text;
    if (auto* r = llvm::dyn_cast<RoleDecl>(&d)) {
      if (r->base) out += " : " + expr(r->base, 0, 0);
    } else if (auto* t = llvm::dyn_cast<TestDecl>(&d)) {
      out += " on " + expr(t->target, 0, 0);
      if (t->uses) out += " uses " + expr(t->uses, 0, 0);
    } else if (auto* g = llvm::dyn_cast<GateDecl>(&d)) {
      out += " for " + expr(g->model, 0, 0);
    } else if (auto* m = llvm::dyn_cast<MonitorDecl>(&d)) {
      out += " on " + expr(m->target, 0, 0);
    } else if (auto* c = llvm::dyn_cast<CheckDecl>(&d)) {
      out += '(';
      for (size_t i = 0; i < c->params.size(); ++i) {
        const CheckParam& p = c->params[i];
        if (i) out += ", ";
        out += p.name.text.str() + ": " + type(p.type);
        if (p.defaultValue) out += " = " + expr(p.defaultValue, 0, static_cast<unsigned>(out.size()) + 3);
      }
      out += ") on ";
      out += c->appliesTo.text;
    }
    if (d.body) out += ' ' + block(*d.body, 0, static_cast<unsigned>(out.size()) + 1, /*mayInline=*/false);
    return out;
  }

  std::string type(const TypeRef* t) const {
    if (!t) return "";
    std::string out = t->name.text.str();
    if (t->element) out += '(' + type(t->element) + ')';
    return out;
  }

  // ---------------------------------------------------------------- blocks

  // `{ ... }` for a block whose members start at `level + 1`; `column` is
  // where the `{` lands. A block written on one line stays on one line when
  // it has no comments and fits.
  std::string block(const Block& b, unsigned level, unsigned column, bool mayInline) {
    uint32_t open = begin(b.range), close = end(b.range) - 1;
    bool comments = hasComments(open, close + 1);
    if (b.members.empty() && !comments) return "{}";
    if (mayInline) {
      std::optional<size_t> width = flatBlock(b);
      if (width && column + *width <= options_.lineWidth) {
        std::string inlined = "{ ";
        for (size_t i = 0; i < b.members.size(); ++i) {
          Line l = member(*b.members[i], level + 1, column + static_cast<unsigned>(inlined.size()));
          inlined += (i ? "  " : "") + l.head + (l.column ? " : " + l.type : "") + l.tail;
        }
        return inlined + " }";
      }
    }
    std::vector<Line> lines;
    uint32_t prevEnd = open + 1;
    for (const Member* m : b.members) {
      uint32_t start = begin(m->range);
      leadingComments(start, lines, prevEnd);
      if (!lines.empty() && blankBetween(prevEnd, start) && lines.back().kind != Line::Kind::Blank)
        lines.push_back(blankLine());
      Line l = member(*m, level + 1, (level + 1) * options_.indentWidth);
      uint32_t e = end(m->range);
      l.trailing = trailingComments(e, nextStart(b.members, m) < close ? nextStart(b.members, m) : close);
      lines.push_back(std::move(l));
      prevEnd = afterPrinted(e);
    }
    leadingComments(close, lines, prevEnd);
    while (!lines.empty() && lines.back().kind == Line::Kind::Blank) lines.pop_back();
    return "{\n" + render(lines, level + 1) + "\n" + indent(level) + "}";
  }

  Line member(const Member& m, unsigned level, unsigned column) {
    Line l;
    l.head = m.name.text.str();
    unsigned at = column + static_cast<unsigned>(l.head.size());
    switch (m.kind()) {
      case MemberKind::Property:
        l.aligns = true;
        l.tail = " = " + expr(llvm::cast<PropertyMember>(m).value, level, at + 3);
        l.rawString = llvm::isa<StringExpr>(llvm::cast<PropertyMember>(m).value);
        break;
      case MemberKind::Comparison: {
        auto& c = llvm::cast<ComparisonMember>(m);
        std::string op = " " + spelling(c.op).str() + " ";
        l.aligns = true;
        l.tail = op + expr(c.value, level, at + static_cast<unsigned>(op.size()));
        break;
      }
      case MemberKind::NestedBlock:
        l.aligns = true;
        l.tail = " " + block(*llvm::cast<NestedBlockMember>(m).body, level, at + 1, /*mayInline=*/true);
        break;
      case MemberKind::Expect: {
        auto& e = llvm::cast<ExpectMember>(m);
        l.head.clear();
        l.tail = "expect " + expr(e.condition, level, column + 7);
        if (e.every) l.tail += " every " + expr(e.every, level, column + static_cast<unsigned>(l.tail.size()) + 7);
        break;
      }
      case MemberKind::Column: {
        auto& c = llvm::cast<ColumnMember>(m);
        l.aligns = true;
        l.column = true;
        l.type = type(c.type);
        if (c.defaultValue) l.tail = " = " + expr(c.defaultValue, level, at + 6 + static_cast<unsigned>(l.type.size()));
        if (c.constraint)
          l.tail += " where " + expr(c.constraint, level,
                                     at + 10 + static_cast<unsigned>(l.type.size() + l.tail.size()));
        break;
      }
    }
    return l;
  }

  // ---------------------------------------------------------------- expressions

  std::string path(llvm::ArrayRef<Name> segments) const {
    std::string out;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (i) out += '.';
      out += segments[i].text;
    }
    return out;
  }

  // A number as written. A negative literal's spelling runs from the `-`
  // to the number and so may hold spaces or comments: keep `-` and the token.
  static std::string number(llvm::StringRef spelling) {
    if (!spelling.startswith("-")) return spelling.str();
    size_t cut = spelling.find_last_of(" \t\r\n\f/*");
    return "-" + (cut == llvm::StringRef::npos ? spelling.drop_front(1) : spelling.drop_front(cut + 1)).str();
  }

  // The string token as written (escapes and `${...}` untouched).
  std::string string(const StringExpr& s) const {
    llvm::StringRef t = slice(s.range);
    if (s.parenthesized) {
      size_t first = t.find('"'), last = t.rfind('"');
      if (first != llvm::StringRef::npos && last != llvm::StringRef::npos) t = t.slice(first, last + 1);
    }
    return t.str();
  }

  // `level` is the indentation of the line the expression starts on;
  // `column` estimates where it starts, for the line width.
  std::string expr(const Expr* e, unsigned level, unsigned column) {
    if (!e) return "";
    std::string inner = unparenthesized(e, level, column + (e->parenthesized ? 1 : 0));
    return e->parenthesized ? "(" + inner + ")" : inner;
  }

  std::string unparenthesized(const Expr* e, unsigned level, unsigned column) {
    switch (e->kind()) {
      case ExprKind::String: return string(*llvm::cast<StringExpr>(e));
      case ExprKind::Number: return number(llvm::cast<NumberExpr>(e)->spelling);
      case ExprKind::Unit: return number(llvm::cast<UnitExpr>(e)->spelling);
      case ExprKind::Bool: return llvm::cast<BoolExpr>(e)->value ? "true" : "false";
      case ExprKind::Path: return path(llvm::cast<PathExpr>(e)->segments);
      case ExprKind::List: return list(*llvm::cast<ListExpr>(e), level, column);
      case ExprKind::Call: {
        auto* c = llvm::cast<CallExpr>(e);
        std::string out = expr(c->callee, level, column) + "(";
        for (size_t i = 0; i < c->args.size(); ++i) {
          if (i) out += ", ";
          if (!c->args[i].name.text.empty()) out += c->args[i].name.text.str() + " = ";
          out += expr(c->args[i].value, level, column + static_cast<unsigned>(out.size()));
        }
        return out + ")";
      }
      case ExprKind::Quorum: {
        auto* q = llvm::cast<QuorumExpr>(e);
        return expr(q->count, level, column) + " of " + expr(q->role, level, column);
      }
      case ExprKind::ValueBlock: {
        auto* v = llvm::cast<ValueBlockExpr>(e);
        std::string head = expr(v->head, level, column);
        return head + " " + block(*v->body, level, column + static_cast<unsigned>(head.size()) + 1, true);
      }
      case ExprKind::Unary: {
        auto* u = llvm::cast<UnaryExpr>(e);
        std::string op = u->op == UnaryOp::Not ? "not " : "-";
        return op + expr(u->operand, level, column + static_cast<unsigned>(op.size()));
      }
      case ExprKind::Binary: {
        auto* b = llvm::cast<BinaryExpr>(e);
        std::string lhs = expr(b->lhs, level, column);
        std::string op = " " + spelling(b->op).str() + " ";
        return lhs + op + expr(b->rhs, level, column + static_cast<unsigned>(lhs.size() + op.size()));
      }
      case ExprKind::Member: {
        auto* m = llvm::cast<MemberExpr>(e);
        return expr(m->base, level, column) + "." + m->member.text.str();
      }
      case ExprKind::Index: {
        auto* x = llvm::cast<IndexExpr>(e);
        std::string base = expr(x->base, level, column);
        return base + "[" + expr(x->key, level, column + static_cast<unsigned>(base.size()) + 1) + "]";
      }
    }
    return "";
  }

  // ---------------------------------------------------------------- one-line widths

  // Offsets of a list's `[` and `]` (its range covers any parentheses).
  std::pair<uint32_t, uint32_t> brackets(const ListExpr& l) const {
    uint32_t open = begin(l.range), close = end(l.range) - 1;
    if (l.parenthesized) {
      llvm::StringRef t = text_.slice(open, close + 1);
      uint32_t first = open + static_cast<uint32_t>(t.find('['));
      uint32_t last = open + static_cast<uint32_t>(t.rfind(']'));
      return {first, last};
    }
    return {open, close};
  }

  // The width of an expression printed on one line, or none when it must
  // span lines: a list or inline block written over several lines or
  // holding a comment, a raw string with a line break. Memoised, so
  // deciding the layout stays linear however deep the nesting.
  std::optional<size_t> flat(const Expr* e) {
    if (!e) return 0;
    auto found = flat_.find(e);
    if (found != flat_.end()) return found->second;
    std::optional<size_t> w = flatUncached(e);
    if (w && e->parenthesized) *w += 2;
    flat_.emplace(e, w);
    return w;
  }

  static std::optional<size_t> add(std::optional<size_t> a, std::optional<size_t> b) {
    if (!a || !b) return std::nullopt;
    return *a + *b;
  }

  std::optional<size_t> flatUncached(const Expr* e) {
    switch (e->kind()) {
      case ExprKind::String: {
        std::string s = string(*llvm::cast<StringExpr>(e));
        if (s.find('\n') != std::string::npos) return std::nullopt;
        return s.size();
      }
      case ExprKind::Number: return number(llvm::cast<NumberExpr>(e)->spelling).size();
      case ExprKind::Unit: return number(llvm::cast<UnitExpr>(e)->spelling).size();
      case ExprKind::Bool: return llvm::cast<BoolExpr>(e)->value ? 4 : 5;
      case ExprKind::Path: return path(llvm::cast<PathExpr>(e)->segments).size();
      case ExprKind::List: return flatList(*llvm::cast<ListExpr>(e));
      case ExprKind::Call: {
        auto* c = llvm::cast<CallExpr>(e);
        std::optional<size_t> w = add(flat(c->callee), 2);
        for (size_t i = 0; i < c->args.size() && w; ++i) {
          if (i) *w += 2;
          if (!c->args[i].name.text.empty()) *w += c->args[i].name.text.size() + 3;
          w = add(w, flat(c->args[i].value));
        }
        return w;
      }
      case ExprKind::Quorum: {
        auto* q = llvm::cast<QuorumExpr>(e);
        return add(add(flat(q->count), 4), flat(q->role));
      }
      case ExprKind::ValueBlock: {
        auto* v = llvm::cast<ValueBlockExpr>(e);
        return add(add(flat(v->head), 1), flatBlock(*v->body));
      }
      case ExprKind::Unary: {
        auto* u = llvm::cast<UnaryExpr>(e);
        return add(u->op == UnaryOp::Not ? 4 : 1, flat(u->operand));
      }
      case ExprKind::Binary: {
        auto* b = llvm::cast<BinaryExpr>(e);
        return add(add(flat(b->lhs), spelling(b->op).size() + 2), flat(b->rhs));
      }
      case ExprKind::Member: {
        auto* m = llvm::cast<MemberExpr>(e);
        return add(flat(m->base), 1 + m->member.text.size());
      }
      case ExprKind::Index: {
        auto* x = llvm::cast<IndexExpr>(e);
        return add(add(flat(x->base), 2), flat(x->key));
      }
    }
    return std::nullopt;
  }

  std::optional<size_t> flatList(const ListExpr& l) {
    auto [open, close] = brackets(l);
    if (hasComments(open, close + 1)) return std::nullopt;
    if (l.items.empty()) return 2;
    if (!sameLine(open, begin(l.items.front()->range))) return std::nullopt;
    std::optional<size_t> w = 2 + 2 * (l.items.size() - 1);
    for (const Expr* item : l.items) w = add(w, flat(item));
    return w;
  }

  // An inline block: written on one line (from `{` to its first member),
  // without comments, every member on one line.
  std::optional<size_t> flatBlock(const Block& b) {
    uint32_t open = begin(b.range), close = end(b.range) - 1;
    if (hasComments(open, close + 1)) return std::nullopt;
    if (b.members.empty()) return 2;
    if (!sameLine(open, begin(b.members.front()->range))) return std::nullopt;
    std::optional<size_t> w = 4 + 2 * (b.members.size() - 1);
    for (const Member* m : b.members) w = add(w, flatMember(*m));
    return w;
  }

  std::optional<size_t> flatMember(const Member& m) {
    size_t name = m.name.text.size();
    switch (m.kind()) {
      case MemberKind::Property: return add(name + 3, flat(llvm::cast<PropertyMember>(m).value));
      case MemberKind::Comparison: {
        auto& c = llvm::cast<ComparisonMember>(m);
        return add(name + 2 + spelling(c.op).size(), flat(c.value));
      }
      case MemberKind::NestedBlock: return add(name + 1, flatBlock(*llvm::cast<NestedBlockMember>(m).body));
      case MemberKind::Expect: {
        auto& e = llvm::cast<ExpectMember>(m);
        std::optional<size_t> w = add(7, flat(e.condition));
        return e.every ? add(add(w, 7), flat(e.every)) : w;
      }
      case MemberKind::Column: {
        auto& c = llvm::cast<ColumnMember>(m);
        std::optional<size_t> w = name + 3 + type(c.type).size();
        if (c.defaultValue) w = add(add(w, 3), flat(c.defaultValue));
        return c.constraint ? add(add(w, 7), flat(c.constraint)) : w;
      }
    }
    return std::nullopt;
  }

  // `[a, b]` when written on one line, without comments, and it fits;
  // otherwise one item per line, each followed by a comma.
  std::string list(const ListExpr& l, unsigned level, unsigned column) {
    auto [open, close] = brackets(l);
    bool comments = hasComments(open, close + 1);
    if (l.items.empty() && !comments) return "[]";
    std::optional<size_t> width = flatList(l);
    if (width && column + *width <= options_.lineWidth) {
      std::string inlined = "[";
      for (size_t i = 0; i < l.items.size(); ++i) {
        if (i) inlined += ", ";
        inlined += expr(l.items[i], level, column + static_cast<unsigned>(inlined.size()));
      }
      return inlined + "]";
    }
    std::vector<Line> lines;
    uint32_t prevEnd = open + 1;
    for (size_t i = 0; i < l.items.size(); ++i) {
      const Expr* item = l.items[i];
      uint32_t start = begin(item->range);
      leadingComments(start, lines, prevEnd);
      if (!lines.empty() && blankBetween(prevEnd, start) && lines.back().kind != Line::Kind::Blank)
        lines.push_back(blankLine());
      Line line;
      line.tail = expr(item, level + 1, (level + 1) * options_.indentWidth) + ",";
      uint32_t e = end(item->range);
      uint32_t limit = i + 1 < l.items.size() ? begin(l.items[i + 1]->range) : close;
      line.trailing = trailingComments(e, limit);
      lines.push_back(std::move(line));
      prevEnd = afterPrinted(e);
    }
    leadingComments(close, lines, prevEnd);
    while (!lines.empty() && lines.back().kind == Line::Kind::Blank) lines.pop_back();
    return "[\n" + render(lines, level + 1) + "\n" + indent(level) + "]";
  }

  llvm::StringRef text_;
  const std::vector<syntax::Comment>& comments_;
  const FormatOptions& options_;
  size_t next_ = 0;  // the first comment not printed yet
  std::unordered_map<const Expr*, std::optional<size_t>> flat_;
};

// Strips the ` <line:col-line:col>` ranges of an AST dump.
std::string withoutRanges(llvm::StringRef dump) {
  std::string out;
  out.reserve(dump.size());
  for (size_t i = 0; i < dump.size();) {
    if (dump[i] == ' ' && i + 1 < dump.size() && dump[i + 1] == '<') {
      size_t j = i + 2;
      while (j < dump.size() && (llvm::isDigit(dump[j]) || dump[j] == ':' || dump[j] == '-')) ++j;
      if (j < dump.size() && dump[j] == '>') {
        i = j + 1;
        continue;
      }
    }
    out += dump[i++];
  }
  return out;
}

struct Parsed {
  llvm::SourceMgr sources;
  diag::DiagnosticEngine diags{sources};
  ast::ASTContext context;
  ast::SourceFile* file = nullptr;
};

std::unique_ptr<Parsed> parseText(llvm::StringRef text) {
  auto p = std::make_unique<Parsed>();
  unsigned id = p->sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "<formatted>"), llvm::SMLoc());
  p->file = syntax::parseBuffer(p->context, p->sources, id, p->diags);
  return p;
}

std::string fingerprint(const ast::SourceFile& file, const llvm::SourceMgr& sources) {
  std::string dump;
  llvm::raw_string_ostream os(dump);
  ast::SourceFile copy = file;
  copy.path = "";
  ast::dumpAst(os, copy, sources);
  return withoutRanges(os.str());
}

std::vector<std::string> commentTexts(llvm::StringRef text, const std::vector<syntax::Comment>& comments) {
  std::vector<std::string> out;
  for (const syntax::Comment& c : comments) out.push_back(text.substr(c.offset, c.length).rtrim(" \t\r\f").str());
  return out;
}

}  // namespace

std::string astFingerprint(llvm::StringRef text) {
  auto parsed = parseText(text);
  if (parsed->diags.hasErrors()) return "";
  return fingerprint(*parsed->file, parsed->sources);
}

FormatResult formatBuffer(diag::DiagnosticEngine& diags, unsigned bufferId, const FormatOptions& options) {
  FormatResult result;
  llvm::SourceMgr& sources = diags.sources();
  llvm::StringRef text = sources.getMemoryBuffer(bufferId)->getBuffer();
  ast::ASTContext context;
  unsigned errorsBefore = diags.errorCount();
  ast::SourceFile* file = syntax::parseBuffer(context, sources, bufferId, diags);
  if (diags.errorCount() != errorsBefore || !file) {
    result.status = FormatResult::Status::SyntaxErrors;
    return result;
  }
  // The parser keeps its comment list to itself: lex again (cheap) for it.
  llvm::SourceMgr scratchSources;
  diag::DiagnosticEngine scratch(scratchSources);
  syntax::LexedFile lexed = syntax::Lexer(text, scratch).lex();

  Printer printer(text, lexed, options);
  result.text = printer.file(*file);

  // The safety net: same AST, same comments, no errors.
  auto check = parseText(result.text);
  if (check->diags.hasErrors()) {
    result.status = FormatResult::Status::Unsafe;
    result.problem = "the formatted text does not parse";
  } else if (fingerprint(*check->file, check->sources) != fingerprint(*file, sources)) {
    result.status = FormatResult::Status::Unsafe;
    result.problem = "the formatted text would parse to a different syntax tree";
  } else {
    llvm::SourceMgr outSources;
    diag::DiagnosticEngine outDiags(outSources);
    syntax::LexedFile outLexed = syntax::Lexer(result.text, outDiags).lex();
    if (commentTexts(result.text, outLexed.comments) != commentTexts(text, lexed.comments)) {
      result.status = FormatResult::Status::Unsafe;
      result.problem = "the formatted text would lose or reorder a comment";
    }
  }
  if (result.status == FormatResult::Status::Unsafe) result.text.clear();
  return result;
}

}  // namespace mlops::format

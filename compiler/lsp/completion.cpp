#include "lsp/completion.h"

#include "lsp/fan_out_items.h"
#include "lsp/param_interpolation.h"
#include "syntax/lexer.h"

#include <llvm/ADT/StringSet.h>

#include <algorithm>

namespace mlops::lsp {
namespace {

using syntax::Token;
using syntax::TokenKind;

// LSP CompletionItemKind values.
enum ItemKind { Text = 1, Function = 3, Field = 5, Variable = 6, Class = 7, Module = 9, Property = 10, Unit = 11,
                Value = 12, Enum = 13, Keyword = 14, Reference = 18, EnumMember = 20, Constant = 21 };

bool isName(TokenKind k) { return k == TokenKind::Ident || syntax::isKeyword(k); }

int itemKindOf(sema::SymbolKind k) {
  switch (k) {
    case sema::SymbolKind::Role: return Class;
    case sema::SymbolKind::Check: return Function;
    case sema::SymbolKind::Project: return Module;
    default: return Reference;
  }
}

// An open bracket before the cursor and what it opens.
struct Frame {
  TokenKind open;            // {, [ or (
  size_t token;              // index of the bracket
  // For `{`: the declaration keyword (a body), the member name (a nested
  // block) or the value-block head (`canary`) and its property.
  TokenKind declKeyword = TokenKind::EndOfFile;
  llvm::StringRef name;      // nested block name, or the value-block head
  llvm::StringRef property;  // value block: the property it is the value of
};

class Completer {
 public:
  Completer(const Analysis& a, size_t offset) : a_(a), offset_(offset) {
    llvm::SourceMgr scratch;
    diag::DiagnosticEngine diags(scratch);
    lexed_ = syntax::Lexer(a.text, diags).lex();
  }

  std::vector<CompletionItem> run() {
    const std::vector<Token>& toks = lexed_.tokens;
    // Inside a comment: nothing.
    for (const auto& c : lexed_.comments)
      if (c.offset < offset_ && offset_ <= c.offset + c.length &&
          (c.kind == syntax::CommentKind::Block ? offset_ < c.offset + c.length : true))
        return {};
    // Tokens before the cursor; a name or number touching the cursor is the
    // prefix being typed.
    size_t end = 0;
    while (end < toks.size() && toks[end].kind != TokenKind::EndOfFile && toks[end].end() <= offset_) ++end;
    if (end < toks.size() && toks[end].offset < offset_ && toks[end].kind != TokenKind::EndOfFile) {
      TokenKind k = toks[end].kind;
      // Inside a string: `${params.…}` keys (lsp/param_interpolation.h) and a
      // fan-out's `${item.…}` (lsp/fan_out_items.h).
      if (k == TokenKind::String || k == TokenKind::RawString) {
        auto params = paramCompletions(a_, offset_);
        return params.empty() ? itemCompletions(a_, offset_) : params;
      }
    }
    size_t last = end;  // tokens [0, last) are the context
    if (end > 0 && toks[end - 1].end() == offset_ &&
        (isName(toks[end - 1].kind) || toks[end - 1].kind == TokenKind::Number)) {
      last = end - 1;
      if (toks[end - 1].kind == TokenKind::Number) return units(toks[end - 1], last);
    }
    if (last > 0 && (toks[last - 1].kind == TokenKind::String || toks[last - 1].kind == TokenKind::RawString) &&
        toks[last - 1].end() > offset_)
      return itemCompletions(a_, offset_);

    std::vector<Frame> frames;
    TokenKind decl = TokenKind::EndOfFile;
    size_t declStart = 0;
    for (size_t i = 0; i < last; ++i) {
      TokenKind k = toks[i].kind;
      if (frames.empty() && syntax::isDeclarationKeyword(k)) {
        decl = k;
        declStart = i;
      }
      if (k == TokenKind::LBrace || k == TokenKind::LBracket || k == TokenKind::LParen) {
        Frame f;
        f.open = k;
        f.token = i;
        if (k == TokenKind::LBrace) {
          bool inBraces = std::any_of(frames.begin(), frames.end(), [](const Frame& x) { return x.open == TokenKind::LBrace; });
          if (!inBraces) f.declKeyword = decl;
          else if (i >= 1 && isName(toks[i - 1].kind)) {
            f.name = text(toks[i - 1]);
            if (i >= 3 && toks[i - 2].kind == TokenKind::Assign && isName(toks[i - 3].kind)) f.property = text(toks[i - 3]);
          }
        }
        frames.push_back(f);
      } else if (k == TokenKind::RBrace || k == TokenKind::RBracket || k == TokenKind::RParen) {
        if (!frames.empty()) frames.pop_back();
        if (frames.empty() && k == TokenKind::RBrace) decl = TokenKind::EndOfFile;
      }
    }
    if (frames.empty()) return topLevel(declStart, last, decl);

    // The innermost brace frame and its schema.
    const sema::BlockSchema* schema = nullptr;
    bool columns = false;
    for (const Frame& f : frames) {
      if (f.open != TokenKind::LBrace) continue;
      columns = false;
      if (f.declKeyword != TokenKind::EndOfFile) {
        ast::DeclKind dk;
        schema = declKindOf(f.declKeyword, dk) ? &sema::declSchema(dk) : nullptr;
      } else if (!schema) {
        continue;
      } else if (!f.property.empty()) {
        const sema::PropertySpec* p = schema->find(f.property);
        schema = nullptr;
        if (p)
          for (const sema::CallSchema* c : p->type->calls)
            if (c->name == f.name) schema = c->block;
      } else {
        const sema::PropertySpec* p = schema->find(f.name);
        columns = p && p->type->kind == sema::TypeKind::Columns;
        schema = p && p->type->kind == sema::TypeKind::Block ? p->type->block : nullptr;
      }
    }
    const Frame& top = frames.back();
    // A call's named argument: `plots = [plot(outputs.roc, template = |`.
    if (top.open == TokenKind::LParen && schema && last >= 2 && toks[last - 1].kind == TokenKind::Assign &&
        isName(toks[last - 2].kind))
      if (const sema::CallSchema* call = callAt(*schema, frames)) {
        for (const sema::PropertySpec& arg : call->named)
          if (arg.name == text(toks[last - 2])) return values(*arg.type, false);
        return {};
      }
    // Value context: `name = |`, `name = [a, |`, or `name = f(|`.
    size_t i = last;
    if (top.open == TokenKind::LBracket || top.open == TokenKind::LParen) i = top.token;
    if (i > 0 && toks[i - 1].kind == TokenKind::Assign && i >= 2 && isName(toks[i - 2].kind)) {
      if (!schema) return {};
      const sema::PropertySpec* p = schema->find(text(toks[i - 2]));
      if (!p) return {};
      bool inList = top.open == TokenKind::LBracket;
      return values(*p->type, inList);
    }
    if (top.open != TokenKind::LBrace) return {};
    if (last > 0 && toks[last - 1].kind == TokenKind::Colon && columns) return columnTypes();
    if (last > 0 && toks[last - 1].kind == TokenKind::Dot) return {};
    // A new member starts after `{` or after a complete value.
    if (last > 0 && !startsMember(toks, last, top.token)) return {};
    if (columns || !schema) return {};
    return properties(*schema, top.token, last);
  }

 private:
  llvm::StringRef text(const Token& t) const { return a_.text.substr(t.offset, t.length); }

  // The call whose `(` is the innermost frame, written as the value of a
  // property of `schema` or as an element of its list: `name = f(` or
  // `name = [a, f(`.
  const sema::CallSchema* callAt(const sema::BlockSchema& schema, const std::vector<Frame>& frames) const {
    const std::vector<Token>& toks = lexed_.tokens;
    size_t callee = frames.back().token;
    if (callee == 0 || !isName(toks[callee - 1].kind)) return nullptr;
    --callee;
    size_t value = callee;
    if (frames.size() >= 2 && frames[frames.size() - 2].open == TokenKind::LBracket) value = frames[frames.size() - 2].token;
    if (value < 2 || toks[value - 1].kind != TokenKind::Assign || !isName(toks[value - 2].kind)) return nullptr;
    const sema::PropertySpec* p = schema.find(text(toks[value - 2]));
    if (!p) return nullptr;
    const sema::TypeSpec* t = p->type->kind == sema::TypeKind::List && p->type->element ? p->type->element : p->type;
    for (const sema::CallSchema* c : t->calls)
      if (c->name == text(toks[callee])) return c;
    return nullptr;
  }

  static bool declKindOf(TokenKind k, ast::DeclKind& out) {
    switch (k) {
      case TokenKind::KwProject: out = ast::DeclKind::Project; return true;
      case TokenKind::KwRole: out = ast::DeclKind::Role; return true;
      case TokenKind::KwKpi: out = ast::DeclKind::Kpi; return true;
      case TokenKind::KwData: out = ast::DeclKind::Data; return true;
      case TokenKind::KwStep: out = ast::DeclKind::Step; return true;
      case TokenKind::KwModel: out = ast::DeclKind::Model; return true;
      case TokenKind::KwTest: out = ast::DeclKind::Test; return true;
      case TokenKind::KwGate: out = ast::DeclKind::Gate; return true;
      case TokenKind::KwDeploy: out = ast::DeclKind::Deploy; return true;
      case TokenKind::KwMonitor: out = ast::DeclKind::Monitor; return true;
      case TokenKind::KwPipeline: out = ast::DeclKind::Pipeline; return true;
      case TokenKind::KwCheck: out = ast::DeclKind::Check; return true;
      default: return false;
    }
  }

  // The token before the cursor ends a member (a value, `}`), or is the `{`.
  bool startsMember(const std::vector<Token>& toks, size_t last, size_t open) const {
    if (last - 1 == open) return true;
    switch (toks[last - 1].kind) {
      case TokenKind::Assign: case TokenKind::Comma: case TokenKind::Dot: case TokenKind::Colon:
      case TokenKind::EqEq: case TokenKind::NotEq: case TokenKind::Less: case TokenKind::LessEq:
      case TokenKind::Greater: case TokenKind::GreaterEq: case TokenKind::Plus: case TokenKind::Minus:
      case TokenKind::Star: case TokenKind::Slash: case TokenKind::KwAnd: case TokenKind::KwOr:
      case TokenKind::KwNot: case TokenKind::KwIn: case TokenKind::KwExpect: case TokenKind::KwWhere:
      case TokenKind::KwEvery: case TokenKind::KwOf:
        return false;
      default: break;
    }
    // A name right after `{`-level name without `=` (`owner x`) is an error
    // in progress, not a new member: only after a value on an earlier line.
    return a_.text.slice(toks[last - 1].end(), offset_).contains('\n') || toks[last - 1].kind == TokenKind::RBrace ||
           toks[last - 1].kind == TokenKind::RBracket || toks[last - 1].kind == TokenKind::RParen ||
           toks[last - 1].kind == TokenKind::String || toks[last - 1].kind == TokenKind::Number ||
           toks[last - 1].kind == TokenKind::Duration || toks[last - 1].kind == TokenKind::Size ||
           toks[last - 1].kind == TokenKind::Percent || isName(toks[last - 1].kind);
  }

  std::vector<CompletionItem> topLevel(size_t declStart, size_t last, TokenKind decl) {
    const std::vector<Token>& toks = lexed_.tokens;
    if (decl != TokenKind::EndOfFile && last > declStart) {
      TokenKind prev = toks[last - 1].kind;
      if (prev == TokenKind::KwOn && decl == TokenKind::KwTest) return symbols(refBits({sema::SymbolKind::Data, sema::SymbolKind::Model}));
      if (prev == TokenKind::KwOn && decl == TokenKind::KwMonitor) return symbols(refBits({sema::SymbolKind::Deploy}));
      if (prev == TokenKind::KwUses) return symbols(refBits({sema::SymbolKind::Check}));
      if (prev == TokenKind::KwFor && decl == TokenKind::KwGate) return symbols(refBits({sema::SymbolKind::Model}));
      if (prev == TokenKind::Colon && decl == TokenKind::KwRole) return symbols(refBits({sema::SymbolKind::Role}));
      if (prev == TokenKind::KwUse) {
        std::vector<CompletionItem> out;
        for (const char* m : {"std.roles", "std.checks"}) out.push_back({m, Module, "standard library module", "", ""});
        return out;
      }
      if (prev == TokenKind::KwOn && decl == TokenKind::KwCheck) {
        std::vector<CompletionItem> out;
        for (const char* m : {"data", "model"}) out.push_back({m, Keyword, "what the check applies to", "", ""});
        return out;
      }
      // Mid-header (a name being typed): nothing sensible to offer.
      if (prev != TokenKind::RBrace && !(decl == TokenKind::KwUse || decl == TokenKind::KwImport ||
                                         decl == TokenKind::KwTest))
        return {};
      if ((decl == TokenKind::KwUse || decl == TokenKind::KwImport) && !a_.text.slice(toks[last - 1].end(), offset_).contains('\n'))
        return {};
    }
    static const std::pair<const char*, const char*> keywords[] = {
        {"project", "the project: name, version, risk tier"}, {"use", "bring in a standard library module"},
        {"import", "import declarations from another .mlops file"}, {"role", "a role: members, permissions, quota"},
        {"kpi", "a business KPI with its target"}, {"data", "a data source with its schema"},
        {"step", "a processing step"}, {"model", "a model: training step with metrics"},
        {"test", "a test on data or a model"}, {"gate", "a deployment gate: required tests and approvals"},
        {"deploy", "a deployment of a model"}, {"monitor", "a live monitor of a deploy"},
        {"pipeline", "a pipeline: triggers and targets"}, {"check", "a reusable check"}};
    std::vector<CompletionItem> out;
    for (const auto& [kw, doc] : keywords) out.push_back({kw, Keyword, doc, "", ""});
    return out;
  }

  static uint16_t refBits(std::initializer_list<sema::SymbolKind> kinds) {
    uint16_t bits = 0;
    for (sema::SymbolKind k : kinds) bits |= sema::refBit(k);
    return bits;
  }

  std::vector<CompletionItem> symbols(uint16_t kinds) {
    std::vector<CompletionItem> out;
    if (!a_.program) return out;
    llvm::StringSet<> seen;
    for (const auto& s : a_.program->symbols) {
      if (!(sema::refBit(s->kind) & kinds)) continue;
      if (a_.program->lookup(s->name) != s.get() || !seen.insert(s->name).second) continue;
      CompletionItem item{s->name.str(), itemKindOf(s->kind), sema::kindName(s->kind).str(), "", ""};
      if (s->decl) item.documentation = s->decl->doc.str();
      if (s->module && s->module->stdlib) item.detail += " (" + s->module->name + ")";
      out.push_back(std::move(item));
    }
    std::sort(out.begin(), out.end(), [](const CompletionItem& x, const CompletionItem& y) { return x.label < y.label; });
    return out;
  }

  std::vector<CompletionItem> values(const sema::TypeSpec& type, bool inList) {
    const sema::TypeSpec* t = &type;
    if (t->kind == sema::TypeKind::List && t->element) t = t->element;
    (void)inList;
    switch (t->kind) {
      case sema::TypeKind::Ref: return symbols(t->refKinds);
      case sema::TypeKind::Quorum: return symbols(sema::refBit(sema::SymbolKind::Role));
      case sema::TypeKind::Enum: {
        std::vector<CompletionItem> out;
        for (llvm::StringRef v : t->enumValues) out.push_back({v.str(), EnumMember, "", "", ""});
        return out;
      }
      case sema::TypeKind::Bool: return {{"true", Constant, "", "", ""}, {"false", Constant, "", "", ""}};
      case sema::TypeKind::Strategy: case sema::TypeKind::Call: {
        std::vector<CompletionItem> out;
        if (t->kind == sema::TypeKind::Strategy) out.push_back({"rolling", EnumMember, "strategy", "", ""});
        for (const sema::CallSchema* c : t->calls)
          out.push_back({c->name.str(), c->block ? Class : Function, c->block ? "value block" : "call", c->doc.str(), ""});
        return out;
      }
      default: return {};
    }
  }

  std::vector<CompletionItem> properties(const sema::BlockSchema& schema, size_t open, size_t last) {
    // Members already set in this block (at its own depth) are not offered again.
    const std::vector<Token>& toks = lexed_.tokens;
    llvm::StringSet<> present;
    int depth = 0;
    for (size_t i = open + 1; i < toks.size() && toks[i].kind != TokenKind::EndOfFile; ++i) {
      TokenKind k = toks[i].kind;
      if (k == TokenKind::LBrace || k == TokenKind::LBracket || k == TokenKind::LParen) ++depth;
      else if (k == TokenKind::RBrace || k == TokenKind::RBracket || k == TokenKind::RParen) {
        if (depth-- == 0) break;
      } else if (depth == 0 && i != last && isName(k) && i + 1 < toks.size() &&
                 (toks[i + 1].kind == TokenKind::Assign || toks[i + 1].kind == TokenKind::LBrace))
        present.insert(text(toks[i]));
    }
    std::vector<CompletionItem> out;
    for (const sema::PropertySpec& p : schema.properties) {
      if (present.count(p.name)) continue;
      CompletionItem item{p.name.str(), Property, sema::describeType(*p.type), p.doc.str(), ""};
      if (p.required) item.detail += " (required)";
      out.push_back(std::move(item));
    }
    if (schema.allowsExpect) out.push_back({"expect", Keyword, "an expectation: expect CONDITION", "", ""});
    return out;
  }

  std::vector<CompletionItem> columnTypes() {
    std::vector<CompletionItem> out;
    for (const char* t : {"string", "int", "float", "bool", "list"}) out.push_back({t, Class, "column type", "", ""});
    return out;
  }

  // `30|`: the units a number can take here.
  std::vector<CompletionItem> units(const Token& number, size_t) {
    static const std::pair<const char*, const char*> all[] = {
        {"ms", "milliseconds"}, {"s", "seconds"}, {"m", "minutes"}, {"h", "hours"}, {"d", "days"},
        {"Ki", "kibibytes"}, {"Mi", "mebibytes"}, {"Gi", "gibibytes"}, {"Ti", "tebibytes"},
        {"KB", "kilobytes"}, {"MB", "megabytes"}, {"GB", "gigabytes"}, {"TB", "terabytes"}, {"%", "percent"}};
    std::string digits = text(number).str();
    std::vector<CompletionItem> out;
    for (const auto& [unit, what] : all) {
      CompletionItem item{digits + unit, Unit, what, "", digits + unit};
      item.replaces = true;
      item.replaceFrom = number.offset;
      out.push_back(std::move(item));
    }
    return out;
  }

  const Analysis& a_;
  size_t offset_;
  syntax::LexedFile lexed_;
};

}  // namespace

std::vector<CompletionItem> complete(const Analysis& analysis, size_t offset) {
  if (analysis.text.empty() && !analysis.file) return {};
  return Completer(analysis, std::min(offset, analysis.text.size())).run();
}

}  // namespace mlops::lsp

#include "lsp/document_analysis.h"

#include "sema/pass.h"
#include "sema/pass_pipeline.h"
#include "syntax/parser.h"
#include "syntax/source_loader.h"

#include <llvm/Support/FileSystem.h>

namespace mlops::lsp {

std::unique_ptr<Analysis> analyze(const std::string& path, const std::string& text, const std::string& stdlibDir,
                                  Analysis* previous) {
  auto a = std::make_unique<Analysis>();
  a->path = path;
  syntax::LoadResult loaded = syntax::addSourceText(a->sources, a->diags, path, text);
  if (loaded.bufferId == 0) {
    // Not valid UTF-8, or too large: the diagnostic says which (E0105).
    a->text = "";
    return a;
  }
  a->bufferId = loaded.bufferId;
  a->text = a->sources.getMemoryBuffer(loaded.bufferId)->getBuffer();
  a->lines = LineIndex(a->text);
  syntax::ParseOptions parseOptions;
  if (previous) a->reuse.previous = std::move(previous->reuse.next);
  parseOptions.reuse = &a->reuse;
  a->file = syntax::parseBuffer(a->ast, a->sources, loaded.bufferId, a->diags, parseOptions);
  a->reuse.previous.clear();  // it points into `previous`, which goes away
  a->program = std::make_unique<sema::Program>(a->ast, a->sources, a->diags);
  auto root = std::make_unique<sema::Module>();
  root->name = path;
  root->path = llvm::sys::fs::exists(path) ? sema::canonicalPath(path) : path;
  root->file = a->file;
  a->program->modules.push_back(std::move(root));
  sema::SemaOptions options;
  options.stdlibDir = stdlibDir;
  sema::runSemaPipeline(*a->program, options);
  return a;
}

std::string Analysis::pathOf(llvm::SMLoc loc) const {
  if (inDocument(loc)) return path;
  unsigned id = sources.FindBufferContainingLoc(loc);
  if (program)
    for (const auto& m : program->modules)
      if (m->file && m->file->bufferId == id) return m->path;
  return id ? sources.getMemoryBuffer(id)->getBufferIdentifier().str() : path;
}

const LineIndex& Analysis::linesOf(unsigned id) const {
  if (id == bufferId || id == 0) return lines;
  if (otherLines_.size() <= id) otherLines_.resize(id + 1);
  if (!otherLines_[id]) otherLines_[id] = std::make_unique<LineIndex>(sources.getMemoryBuffer(id)->getBuffer());
  return *otherLines_[id];
}

namespace {

bool contains(llvm::SMRange r, const char* at) {
  return r.Start.isValid() && r.Start.getPointer() <= at && at <= r.End.getPointer();
}

// Finds the innermost name at a position, keeping track of the block schema.
class Finder {
 public:
  Finder(const char* at) : at_(at) {}
  Occurrence found;

  void decl(const ast::Decl& d) {
    found.decl = &d;
    if (contains(d.name.range, at_)) {
      hit(Occurrence::Kind::DeclName, d.name.range);
      return;
    }
    if (auto* r = llvm::dyn_cast<ast::RoleDecl>(&d)) expr(r->base, nullptr);
    if (auto* t = llvm::dyn_cast<ast::TestDecl>(&d)) {
      expr(t->target, nullptr);
      expr(t->uses, nullptr);
    }
    if (auto* g = llvm::dyn_cast<ast::GateDecl>(&d)) expr(g->model, nullptr);
    if (auto* m = llvm::dyn_cast<ast::MonitorDecl>(&d)) expr(m->target, nullptr);
    if (auto* c = llvm::dyn_cast<ast::CheckDecl>(&d))
      for (const auto& p : c->params) expr(p.defaultValue, nullptr);
    if (d.body && d.kind() != ast::DeclKind::Use && d.kind() != ast::DeclKind::Import)
      block(*d.body, &sema::declSchema(d.kind()));
  }

 private:
  void hit(Occurrence::Kind kind, llvm::SMRange range) {
    found.kind = kind;
    found.range = range;
  }

  void block(const ast::Block& b, const sema::BlockSchema* schema) {
    if (!contains(b.range, at_)) return;
    for (const ast::Member* m : b.members) {
      if (!contains(m->range, at_)) continue;
      const sema::PropertySpec* spec = schema ? schema->find(m->name.text) : nullptr;
      if (m->kind() != ast::MemberKind::Expect && contains(m->name.range, at_)) {
        hit(Occurrence::Kind::MemberName, m->name.range);
        found.member = m;
        found.schema = schema;
        return;
      }
      switch (m->kind()) {
        case ast::MemberKind::Property: expr(llvm::cast<ast::PropertyMember>(m)->value, spec); break;
        case ast::MemberKind::NestedBlock:
          block(*llvm::cast<ast::NestedBlockMember>(m)->body,
                spec && spec->type->kind == sema::TypeKind::Block ? spec->type->block : nullptr);
          break;
        case ast::MemberKind::Expect: {
          auto* e = llvm::cast<ast::ExpectMember>(m);
          expr(e->condition, nullptr);
          expr(e->every, nullptr);
          break;
        }
        case ast::MemberKind::Column: expr(llvm::cast<ast::ColumnMember>(m)->constraint, nullptr); break;
        case ast::MemberKind::Comparison: expr(llvm::cast<ast::ComparisonMember>(m)->value, spec); break;
      }
      return;
    }
  }

  void expr(const ast::Expr* e, const sema::PropertySpec* spec) {
    if (!e || !contains(e->range, at_)) return;
    switch (e->kind()) {
      case ast::ExprKind::Path: {
        auto* p = llvm::cast<ast::PathExpr>(e);
        for (size_t i = 0; i < p->segments.size(); ++i)
          if (contains(p->segments[i].range, at_)) {
            hit(Occurrence::Kind::PathSegment, p->segments[i].range);
            found.path = p;
            found.segment = i;
          }
        break;
      }
      case ast::ExprKind::List:
        for (const ast::Expr* item : llvm::cast<ast::ListExpr>(e)->items) expr(item, spec);
        break;
      case ast::ExprKind::Call: {
        auto* c = llvm::cast<ast::CallExpr>(e);
        expr(c->callee, nullptr);
        for (const auto& arg : c->args) expr(arg.value, nullptr);
        break;
      }
      case ast::ExprKind::Quorum: expr(llvm::cast<ast::QuorumExpr>(e)->role, nullptr); break;
      case ast::ExprKind::ValueBlock: {
        auto* v = llvm::cast<ast::ValueBlockExpr>(e);
        expr(v->head, nullptr);
        const sema::BlockSchema* inner = nullptr;
        if (spec && v->head && !v->head->segments.empty())
          for (const sema::CallSchema* call : spec->type->calls)
            if (call->name == v->head->segments[0].text) inner = call->block;
        if (v->body) block(*v->body, inner);
        break;
      }
      case ast::ExprKind::Unary: expr(llvm::cast<ast::UnaryExpr>(e)->operand, nullptr); break;
      case ast::ExprKind::Binary: {
        auto* b = llvm::cast<ast::BinaryExpr>(e);
        expr(b->lhs, nullptr);
        expr(b->rhs, nullptr);
        break;
      }
      case ast::ExprKind::Member: expr(llvm::cast<ast::MemberExpr>(e)->base, nullptr); break;
      case ast::ExprKind::Index:
        expr(llvm::cast<ast::IndexExpr>(e)->base, nullptr);
        expr(llvm::cast<ast::IndexExpr>(e)->key, nullptr);
        break;
      case ast::ExprKind::String:
        if (spec && spec->name == "members" && found.decl && found.decl->kind() == ast::DeclKind::Role) {
          hit(Occurrence::Kind::MemberAddress, e->range);
          found.address = llvm::cast<ast::StringExpr>(e);
        }
        break;
      default: break;
    }
  }

  const char* at_;
};

}  // namespace

Occurrence occurrenceAt(const Analysis& a, size_t offset) {
  if (!a.file) return {};
  const char* at = a.text.data() + std::min(offset, a.text.size());
  for (const ast::Decl* d : a.file->decls) {
    llvm::SMRange whole{d->range.Start, d->range.End};
    if (!contains(whole, at)) continue;
    Finder finder(at);
    finder.decl(*d);
    return finder.found;
  }
  return {};
}

sema::Symbol* symbolOf(const Analysis& a, const Occurrence& o) {
  if (!a.program) return nullptr;
  switch (o.kind) {
    case Occurrence::Kind::DeclName: {
      auto it = a.program->symbolOf.find(o.decl);
      return it == a.program->symbolOf.end() ? nullptr : it->second;
    }
    case Occurrence::Kind::PathSegment: {
      sema::Symbol* s = a.program->resolved(o.path);
      if (s) return s;
      // Header paths and the like that no pass recorded: a plain name in scope.
      if (o.segment == 0 && o.path->segments.size() == 1) return a.program->lookup(o.path->segments[0].text);
      return nullptr;
    }
    default: return nullptr;
  }
}

llvm::SMRange segmentNaming(const ast::PathExpr& path, const sema::Symbol& symbol) {
  for (const ast::Name& n : path.segments)
    if (n.text == symbol.name) return n.range;
  return path.segments.empty() ? path.range : path.segments.front().range;
}

std::vector<llvm::SMRange> occurrencesOf(const Analysis& a, const sema::Symbol* symbol) {
  std::vector<llvm::SMRange> out;
  if (!symbol || !a.program) return out;
  if (symbol->decl) out.push_back(symbol->decl->name.range);
  std::vector<llvm::SMRange> refs;
  for (const auto& [expr, ref] : a.program->references)
    if (ref.symbol == symbol)
      if (auto* p = llvm::dyn_cast<ast::PathExpr>(expr)) refs.push_back(segmentNaming(*p, *symbol));
  std::sort(refs.begin(), refs.end(), [](llvm::SMRange x, llvm::SMRange y) {
    return x.Start.getPointer() < y.Start.getPointer();
  });
  refs.erase(std::unique(refs.begin(), refs.end(),
                         [](llvm::SMRange x, llvm::SMRange y) { return x.Start == y.Start; }),
             refs.end());
  out.insert(out.end(), refs.begin(), refs.end());
  return out;
}

}  // namespace mlops::lsp

// Pass `names`: one namespace for every top-level name of the compilation.
// Creates a symbol per declaration; duplicates are E0202 (with the first
// definition as a note), names that differ only in case W0606, a local name
// hiding a name brought in with `use` W0605, and anything but exactly one
// project E0306. Stdlib names are also reachable qualified: std.roles.sme.
#include "sema/pass.h"

namespace mlops::sema {
namespace {

class NamesPass : public Pass {
 public:
  llvm::StringRef name() const override { return "names"; }

  void run(Program& program) override {
    auto& diags = program.diags();
    // Stdlib first, so that local declarations shadow `use`d names.
    for (const auto& module : program.modules) {
      if (!module->stdlib || !module->file) continue;
      for (const ast::Decl* decl : module->file->decls) {
        Symbol* symbol = addSymbol(program, decl, module.get());
        if (!symbol) continue;
        program.qualified[module->name + "." + symbol->name.str()] = symbol;
        if (module->used) program.scope[symbol->name] = symbol;
      }
    }
    llvm::StringMap<Symbol*> lowerCase;
    for (const auto& entry : program.scope) lowerCase.try_emplace(entry.first().lower(), entry.second);
    std::vector<const ast::Decl*> projects;
    for (const auto& module : program.modules) {
      if (module->stdlib || !module->file) continue;
      for (const ast::Decl* decl : module->file->decls) {
        if (decl->kind() == ast::DeclKind::Project) projects.push_back(decl);
        Symbol* symbol = addSymbol(program, decl, module.get());
        if (!symbol) continue;
        auto [it, inserted] = program.scope.try_emplace(symbol->name, symbol);
        if (!inserted) {
          Symbol* previous = it->second;
          if (previous->module && previous->module->stdlib) {
            diags.report(decl->name.range, diag::kinds::ShadowedName, symbol->name, previous->name,
                         previous->module->name)
                .note("`" + symbol->name.str() + "` now means this " + kindName(symbol->kind).str() +
                      "; write `" + previous->module->name + "." + previous->name.str() + "` for the stdlib one");
            it->second = symbol;
          } else {
            diags.report(decl->name.range, diag::kinds::DuplicateDefinition, symbol->name)
                .note(previous->decl->name.range, "first defined here");
            continue;
          }
        }
        auto [lower, fresh] = lowerCase.try_emplace(symbol->name.lower(), symbol);
        if (!fresh && lower->second->name != symbol->name)
          diags.report(decl->name.range, diag::kinds::CaseOnlyDifference, symbol->name, lower->second->name)
              .note(lower->second->decl->name.range, "`" + lower->second->name.str() + "` is defined here");
      }
    }
    if (projects.empty()) {
      const Module* root = program.root();
      llvm::SMRange at;
      if (root && root->file) {
        const llvm::MemoryBuffer* buf = program.sources().getMemoryBuffer(root->file->bufferId);
        at = llvm::SMRange(llvm::SMLoc::getFromPointer(buf->getBufferStart()),
                           llvm::SMLoc::getFromPointer(buf->getBufferStart()));
      }
      diags.report(at, diag::kinds::NoProject)
          .note("add `project NAME { version = \"0.1.0\"  risk_tier = low }`");
    } else {
      program.project = projects.front();
      for (size_t i = 1; i < projects.size(); ++i)
        diags.report(projects[i]->name.range, diag::kinds::MultipleProjects, projects.front()->name.text,
                     projects[i]->name.text)
            .note(projects.front()->name.range, "the first project is declared here");
    }
  }

 private:
  Symbol* addSymbol(Program& program, const ast::Decl* decl, const Module* module) {
    SymbolKind kind;
    if (!symbolKindOf(decl->kind(), kind) || decl->name.text.empty()) return nullptr;
    auto symbol = std::make_unique<Symbol>();
    symbol->name = decl->name.text;
    symbol->kind = kind;
    symbol->decl = decl;
    symbol->module = module;
    Symbol* raw = symbol.get();
    program.symbols.push_back(std::move(symbol));
    program.symbolOf[decl] = raw;
    return raw;
  }
};

}  // namespace

std::unique_ptr<Pass> createNamesPass() { return std::make_unique<NamesPass>(); }

}  // namespace mlops::sema

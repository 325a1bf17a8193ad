// Pass `references`: resolves every reference site the properties pass
// recorded. An unknown name is E0201 with a did-you-mean fix-it (among
// declarations of the expected kind first); a name of the wrong kind is
// E0203 with a note at its declaration. `step.output` names an output of a
// step or model; `std.roles.sme` a stdlib declaration.
#include "diag/suggest.h"
#include "sema/pass.h"
#include "sema/schema.h"

namespace mlops::sema {
namespace {

using namespace ast;

std::string kindsText(uint16_t kinds) {
  std::vector<std::string> names;
  for (unsigned k = 0; k <= static_cast<unsigned>(SymbolKind::Check); ++k)
    if (kinds & (1u << k)) names.push_back(kindName(static_cast<SymbolKind>(k)).str());
  std::string out = "a ";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + names[i];
  return out;
}

class ReferencesPass : public Pass {
 public:
  llvm::StringRef name() const override { return "references"; }

  void run(Program& program) override {
    program_ = &program;
    for (const ReferenceSite& site : program.referenceSites) resolve(site);
  }

 private:
  std::vector<llvm::StringRef> candidates(uint16_t kinds) {
    std::vector<llvm::StringRef> out;
    for (const auto& entry : program_->scope)
      if (kinds & refBit(entry.second->kind)) out.push_back(entry.first());
    std::sort(out.begin(), out.end());
    return out;
  }

  void resolve(const ReferenceSite& site) {
    // Echoes of a syntax error in the referring declaration stay quiet.
    diag::DiagnosticEngine scratch(program_->sources());
    auto& diags = site.from && site.from->hasSyntaxError ? scratch : program_->diags();
    const PathExpr* path = site.path;
    if (path->segments.empty()) return;
    std::string dotted;
    for (const Name& n : path->segments) dotted += (dotted.empty() ? "" : ".") + n.text.str();

    Symbol* symbol = nullptr;
    size_t used = 1;
    auto q = program_->qualified.find(dotted);
    if (q != program_->qualified.end()) {
      symbol = q->second;
      used = path->segments.size();
    } else {
      symbol = program_->lookup(path->segments[0].text);
    }
    const Name& head = path->segments[0];
    if (!symbol && head.text == "std" && path->segments.size() > 1) {
      // A qualified stdlib name that does not exist: suggest among them.
      auto d = diags.report(path->range, diag::kinds::UndefinedName, dotted);
      std::vector<llvm::StringRef> names;
      if (program_->diags().suggestionsAllowed())
        for (const auto& q : program_->qualified) names.push_back(q.first());
      if (auto s = diag::closestMatch(program_->diags(), dotted, names)) d.note("did you mean `" + *s + "`?").fixit(path->range, *s);
      return;
    }
    if (!symbol) {
      auto d = diags.report(head.range, diag::kinds::UndefinedName, head.text);
      // Listing the candidates is itself linear in the declarations: not
      // once the run's suggestion budget is spent.
      std::vector<llvm::StringRef> names;
      if (program_->diags().suggestionsAllowed()) names = candidates(site.kinds);
      std::optional<std::string> suggestion = diag::closestMatch(program_->diags(), head.text, names);
      if (!suggestion && program_->diags().suggestionsAllowed()) {
        std::vector<llvm::StringRef> all = candidates(0xFFFF);
        suggestion = diag::closestMatch(program_->diags(), head.text, all);
      }
      if (suggestion) d.note("did you mean `" + *suggestion + "`?").fixit(head.range, *suggestion);
      else if (site.kinds == refBit(SymbolKind::Role) && !program_->lookup("data_scientist"))
        d.note("the standard roles come from `use std.roles`");
      else if (site.kinds == refBit(SymbolKind::Check) && !program_->lookup("psi"))
        d.note("the standard checks come from `use std.checks`");
      return;
    }
    symbol->used = true;
    Reference ref;
    ref.symbol = symbol;
    bool isOutputRef = used < path->segments.size();
    if (isOutputRef) {
      // step.output / model.output
      const Name& output = path->segments[used];
      if (symbol->kind == SymbolKind::Data && site.property == "inputs") {
        diags.report(path->range, diag::kinds::WrongReferenceKind, "a data or a step output", "a column of data",
                     dotted)
            .note("inputs name whole data sources: write `" + symbol->name.str() + "`");
        return;
      }
      if ((symbol->kind != SymbolKind::Step && symbol->kind != SymbolKind::Model) ||
          !(site.kinds & (refBit(SymbolKind::Step) | refBit(SymbolKind::Model))) ||
          used + 1 != path->segments.size()) {
        diags.report(path->range, diag::kinds::WrongReferenceKind, kindsText(site.kinds), kindName(symbol->kind),
                     dotted)
            .note(symbol->decl->name.range, "`" + symbol->name.str() + "` is declared here");
        return;
      }
      std::vector<llvm::StringRef> outputs;
      if (auto* block = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(symbol->decl, "outputs")))
        for (const Member* m : block->body->members) outputs.push_back(m->name.text);
      if (!llvm::is_contained(outputs, output.text)) {
        auto d = diags.report(output.range, diag::kinds::UndefinedOutput, kindName(symbol->kind), symbol->name,
                              output.text);
        if (auto s = diag::closestMatch(program_->diags(), output.text, outputs)) d.note("did you mean `" + *s + "`?").fixit(output.range, *s);
        d.note(symbol->decl->name.range, "`" + symbol->name.str() + "` is declared here");
        return;
      }
      ref.output = output.text;
      ref.outputRange = output.range;
    } else if (!(site.kinds & refBit(symbol->kind)) ||
               (site.property == "inputs" && (symbol->kind == SymbolKind::Step || symbol->kind == SymbolKind::Model))) {
      bool input = site.property == "inputs";
      auto d = diags.report(path->range, diag::kinds::WrongReferenceKind,
                            input ? "a data or a step output" : kindsText(site.kinds), kindName(symbol->kind), dotted);
      d.note(symbol->decl->name.range, "`" + symbol->name.str() + "` is declared here");
      if (input && (symbol->kind == SymbolKind::Step || symbol->kind == SymbolKind::Model))
        d.note("name one of its outputs: `" + symbol->name.str() + ".NAME`");
      return;
    }
    program_->references[path] = ref;
  }

  Program* program_ = nullptr;
};

}  // namespace

std::unique_ptr<Pass> createReferencesPass() { return std::make_unique<ReferencesPass>(); }

}  // namespace mlops::sema

// Pass `checks`: binds the arguments of `test x on d uses check { ... }` to
// the check's parameters. Unknown arguments are E0301, missing ones (without
// a default) E0302, ill-typed ones E0303; a check `on data` cannot test a
// model and the other way round (E0303).
#include "diag/suggest.h"
#include "sema/pass.h"
#include "sema/value_description.h"

namespace mlops::sema {
namespace {

using namespace ast;

// Does `value` fit a parameter of type `t`? (percent and int convert to float)
bool fits(const TypeRef* t, const Expr* value, std::string& expected) {
  if (!t || !value) return true;
  llvm::StringRef n = t->name.text;
  auto* unit = llvm::dyn_cast<UnitExpr>(value);
  auto* number = llvm::dyn_cast<NumberExpr>(value);
  if (n == "string") { expected = "a string"; return llvm::isa<StringExpr>(value); }
  if (n == "int") { expected = "an integer"; return number && number->isInteger; }
  if (n == "float") {
    expected = "a number";
    return number || (unit && unit->unitKind == UnitKind::Percent);
  }
  if (n == "percent") { expected = "a percentage like 5%"; return unit && unit->unitKind == UnitKind::Percent; }
  if (n == "bool") { expected = "true or false"; return llvm::isa<BoolExpr>(value); }
  if (n == "duration") { expected = "a duration like 24h"; return unit && unit->unitKind == UnitKind::Duration; }
  if (n == "size") { expected = "a size like 512Mi"; return unit && unit->unitKind == UnitKind::Size; }
  if (n == "list") {
    expected = "a list";
    auto* list = llvm::dyn_cast<ListExpr>(value);
    if (!list) return false;
    std::string inner;
    for (const Expr* item : list->items)
      if (!fits(t->element, item, inner)) { expected = "a list of " + inner.substr(inner.find(' ') + 1) + "s"; return false; }
    return true;
  }
  return true;
}

const llvm::StringRef kTestProperties[] = {"severity", "owner", "description"};

class CheckBindingPass : public Pass {
 private:
  // Parameters: each name once, each default of its declared type.
  static void checkParams(Program& program, const CheckDecl* check) {
    llvm::StringMap<const CheckParam*> seen;
    for (const CheckParam& p : check->params) {
      auto [it, fresh] = seen.try_emplace(p.name.text, &p);
      if (!fresh)
        program.diags().report(p.name.range, diag::kinds::DuplicateParameter, p.name.text)
            .note(it->second->name.range, "first declared here");
      std::string expected;
      if (p.defaultValue && !fits(p.type, p.defaultValue, expected))
        program.diags().report(p.defaultValue->range, diag::kinds::TypeMismatch, expected, p.name.text,
                               describeValue(p.defaultValue));
    }
  }

 public:
  llvm::StringRef name() const override { return "checks"; }

  void run(Program& program) override {
    auto& diags = program.diags();
    for (const auto& module : program.modules) {
      if (module->stdlib || !module->file) continue;
      for (const Decl* decl : module->file->decls) {
        if (auto* check = llvm::dyn_cast<CheckDecl>(decl)) checkParams(program, check);
        auto* test = llvm::dyn_cast<TestDecl>(decl);
        if (!test || !test->uses || test->hasSyntaxError) continue;
        auto it = program.references.find(test->uses);
        if (it == program.references.end()) continue;
        auto* check = llvm::dyn_cast<CheckDecl>(it->second.symbol->decl);
        if (!check) continue;
        std::string what = "check `" + check->name.text.str() + "`";
        if (test->target) {
          auto target = program.references.find(test->target);
          if (target != program.references.end()) {
            SymbolKind k = target->second.symbol->kind;
            llvm::StringRef wants = check->appliesTo.text;
            if ((wants == "data" && k != SymbolKind::Data) || (wants == "model" && k != SymbolKind::Model))
              diags.report(test->target->range, diag::kinds::TypeMismatch, ("a " + wants).str(), "on",
                           kindName(k).str() + " `" + target->second.symbol->name.str() + "`")
                  .note(check->name.range, what + " applies to " + wants.str());
          }
        }
        llvm::StringMap<const PropertyMember*> given;
        std::vector<llvm::StringRef> paramNames;
        for (const CheckParam& p : check->params) paramNames.push_back(p.name.text);
        if (test->body) {
          for (const Member* m : test->body->members) {
            if (llvm::is_contained(kTestProperties, m->name.text) || llvm::isa<ExpectMember>(m)) continue;
            auto* p = llvm::dyn_cast<PropertyMember>(m);
            if (!p || !llvm::is_contained(paramNames, m->name.text)) {
              auto d = diags.report(m->name.range, diag::kinds::UnknownArgument, m->name.text, what);
              if (auto s = diag::closestMatch(diags, m->name.text, paramNames))
                d.note("did you mean `" + *s + "`?").fixit(m->name.range, *s);
              d.note(check->name.range, what + " is declared here");
              continue;
            }
            given.try_emplace(m->name.text, p);  // a duplicate is E0305; the first one counts
          }
        }
        for (const CheckParam& param : check->params) {
          auto g = given.find(param.name.text);
          if (g == given.end()) {
            if (!param.defaultValue)
              diags.report(test->name.range, diag::kinds::MissingArgument, param.name.text, what)
                  .note(param.range, "the parameter is declared here");
            continue;
          }
          std::string expected;
          // A string parameter named `column` names a column of the tested data.
          if (param.name.text == "column")
            if (auto* str = llvm::dyn_cast<StringExpr>(g->second->value))
              if (auto target = program.references.find(test->target); target != program.references.end() &&
                                                                        target->second.symbol->kind == SymbolKind::Data)
                program.checkColumn(target->second.symbol->decl, str->value, str->range);
          if (!fits(param.type, g->second->value, expected))
            diags.report(g->second->value->range, diag::kinds::TypeMismatch, expected, param.name.text,
                         describeValue(g->second->value))
                .note(param.range, "the parameter is declared here");
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Pass> createCheckBindingPass() { return std::make_unique<CheckBindingPass>(); }

}  // namespace mlops::sema

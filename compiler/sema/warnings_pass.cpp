// Pass `warnings`: W0601 declarations nothing refers to (roles, kpis, data,
// steps, models, checks, gates), W0602 data without a schema, W0603 models
// without a kpi in medium/high risk projects, W0604 step outputs nothing
// (nor its `plots`) consumes, W0607 gates taking approvals in a project without `signers`
// (E0510 in high risk projects). (W0605 and W0606 come from `names`.)
#include "ir/project_path.h"
#include "sema/pass.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/StringSet.h>

namespace mlops::sema {
namespace {

using namespace ast;

class WarningsPass : public Pass {
 public:
  llvm::StringRef name() const override { return "warnings"; }

  void run(Program& program) override {
    auto& diags = program.diags();
    llvm::StringRef tier;
    if (auto* p = llvm::dyn_cast_or_null<PathExpr>(Program::property(program.project, "risk_tier")))
      tier = p->segments[0].text;
    // Outputs that something reads, per step or model.
    llvm::DenseMap<const Symbol*, llvm::StringSet<>> consumed;
    for (const auto& [expr, ref] : program.references)
      if (!ref.output.empty()) consumed[ref.symbol].insert(ref.output);
    // A step a pipeline targets is built for its outputs: they are the deliverable.
    llvm::DenseSet<const Symbol*> targeted;
    for (const auto& s : program.symbols)
      if (s->kind == SymbolKind::Pipeline)
        if (auto* targets = llvm::dyn_cast_or_null<ListExpr>(Program::property(s->decl, "targets")))
          for (const Expr* item : targets->items)
            if (const Symbol* t = program.resolved(item)) targeted.insert(t);

    for (const auto& s : program.symbols) {
      if (s->module && s->module->stdlib) continue;
      const Decl* d = s->decl;
      switch (s->kind) {
        case SymbolKind::Role: case SymbolKind::Kpi: case SymbolKind::Data: case SymbolKind::Step:
        case SymbolKind::Model: case SymbolKind::Check: case SymbolKind::Gate:
          if (!s->used && program.lookup(s->name) == s.get())  // a duplicate (E0202) is not "unused"
            diags.report(d->name.range, diag::kinds::UnusedDeclaration, kindName(s->kind), s->name)
                .note(unusedHint(s->kind));
          break;
        default: break;
      }
      if (s->kind == SymbolKind::Data && !Program::member(d, "schema"))
        diags.report(d->name.range, diag::kinds::DataWithoutSchema, s->name)
            .note("declare the columns: `schema { id : int  amount : float where value >= 0 }`");
      if (s->kind == SymbolKind::Model && (tier == "medium" || tier == "high") && !Program::member(d, "kpi"))
        diags.report(d->name.range, diag::kinds::ModelWithoutKpi, s->name, tier)
            .note("link the business KPI the model serves: `kpi = NAME`");
      if (s->kind == SymbolKind::Step && s->used && !targeted.count(s.get())) {
        auto* outputs = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(d, "outputs"));
        if (!outputs) continue;
        const llvm::StringSet<>& read = consumed[s.get()];
        llvm::StringSet<> plotted = plottedOutputs(d, outputs);
        for (const Member* m : outputs->body->members)
          if (!read.count(m->name.text) && !plotted.count(m->name.text))
            diags.report(m->name.range, diag::kinds::UnconsumedOutput, m->name.text, s->name)
                .note("read it with `" + s->name.str() + "." + m->name.text.str() +
                      "` in a step's or model's `inputs`, list the step in a pipeline's `targets`, or remove the "
                      "output");
      }
    }
    if (tier != "high" && program.project && !program.signers) {
      std::vector<const Symbol*> gates = program.gatesTakingApprovals();
      if (!gates.empty()) {
        auto d = diags.report(program.project->name.range, diag::kinds::SelfAssertedApprovals,
                              program.project->name.text);
        Program::noteGatesTakingApprovals(d, gates);
        d.note("add `signers = file(\"allowed_signers\")` to project `" + program.project->name.text.str() +
               "` to make approvals provable: the repository's OpenSSH allowed_signers file (docs/language.md "
               "5.1)");
      }
    }
  }

 private:
  // The outputs a step's `plots` show: a plot is a reader too.
  static llvm::StringSet<> plottedOutputs(const Decl* d, const NestedBlockMember* outputs) {
    llvm::StringSet<> out;
    auto* plots = llvm::dyn_cast_or_null<ListExpr>(Program::property(d, "plots"));
    if (!plots) return out;
    for (const Expr* item : plots->items) {
      auto* call = llvm::dyn_cast<CallExpr>(item);
      const Expr* file = call && !call->args.empty() ? call->args[0].value : nullptr;
      if (auto* p = llvm::dyn_cast_or_null<PathExpr>(file); p && p->segments.size() == 2) {
        out.insert(p->segments[1].text);
      } else if (auto* str = llvm::dyn_cast_or_null<StringExpr>(file)) {
        std::string why;
        std::optional<std::string> path = ir::normaliseProjectPath(str->value, why);
        for (const Member* m : outputs->body->members) {
          auto* pm = llvm::dyn_cast<PropertyMember>(m);
          auto* value = pm ? llvm::dyn_cast_or_null<StringExpr>(pm->value) : nullptr;
          std::optional<std::string> output = value ? ir::normaliseProjectPath(value->value, why) : std::nullopt;
          if (path && output && (*path == *output || ir::insideProjectPath(*path, *output))) out.insert(m->name.text);
        }
      }
    }
    return out;
  }

  static std::string unusedHint(SymbolKind kind) {
    switch (kind) {
      case SymbolKind::Role: return "no declaration is owned, approved or alerted by this role";
      case SymbolKind::Kpi: return "link it from a model with `kpi = NAME`";
      case SymbolKind::Data: return "nothing reads it: add it to an `inputs` list or test it (`test NAME on DATA`)";
      // Tests check models and data (a test on a step is E0203).
      case SymbolKind::Step:
        return "nothing reads its outputs: add `STEP.OUTPUT` to an `inputs` list, or list the step in a "
               "pipeline's `targets`";
      case SymbolKind::Model: return "no gate, deploy or step uses this model";
      case SymbolKind::Check: return "bind it with `test NAME on DATA uses CHECK`";
      case SymbolKind::Gate: return "no deploy waits for this gate (`after = NAME`)";
      default: return "remove it or refer to it";
    }
  }
};

}  // namespace

std::unique_ptr<Pass> createWarningsPass() { return std::make_unique<WarningsPass>(); }

}  // namespace mlops::sema

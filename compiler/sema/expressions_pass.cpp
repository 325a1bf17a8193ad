// Pass `expressions`: types every expression. `expect` of a test on a model
// reads `metrics.X` and `baseline.X`; of a test or check on data, the data
// functions (rows(), nulls(col), drift.psi(col), age(), column_min/max(col),
// schema_ok()); of a monitor, `live.X`; a schema `where` reads `value`, typed
// by its column; check bodies read their parameters. Conditions must be
// bool, comparisons compare like with like and never chain (E0303).
#include "diag/suggest.h"
#include "ir/metric_path.h"
#include "ir/project_params.h"
#include "sema/pass.h"

#include <llvm/ADT/StringMap.h>

namespace mlops::sema {
namespace {

using namespace ast;

enum class Type : uint8_t { Unknown, Bool, Number, Duration, Size, String, List };

llvm::StringRef typeName(Type t) {
  switch (t) {
    case Type::Unknown: return "a value";
    case Type::Bool: return "a condition (bool)";
    case Type::Number: return "a number";
    case Type::Duration: return "a duration";
    case Type::Size: return "a size";
    case Type::String: return "a string";
    case Type::List: return "a list";
  }
  return "a value";
}

Type fromTypeRef(const TypeRef* t) {
  if (!t) return Type::Unknown;
  llvm::StringRef n = t->name.text;
  if (n == "string") return Type::String;
  if (n == "int" || n == "float" || n == "percent") return Type::Number;
  if (n == "bool") return Type::Bool;
  if (n == "duration") return Type::Duration;
  if (n == "size") return Type::Size;
  if (n == "list") return Type::List;
  return Type::Unknown;
}

struct Function {
  std::vector<Type> params;
  Type result;
};

const llvm::StringMap<Function>& dataFunctions() {
  static const llvm::StringMap<Function> fns = {
      {"rows", {{}, Type::Number}},
      {"nulls", {{Type::String}, Type::Number}},
      {"drift.psi", {{Type::String}, Type::Number}},
      {"age", {{}, Type::Duration}},
      {"column_min", {{Type::String}, Type::Number}},
      {"column_max", {{Type::String}, Type::Number}},
      {"schema_ok", {{}, Type::Bool}},
  };
  return fns;
}

struct Scope {
  const Decl* dataDecl = nullptr;        // the tested data (its columns)
  const Symbol* model = nullptr;         // the tested model (its metrics output)
  bool data = false;                     // data functions available
  bool metrics = false;                  // metrics.X and baseline.X
  bool live = false;                     // live.X
  Type value = Type::Unknown;            // `value` in a schema constraint
  bool hasValue = false;
  llvm::StringMap<Type> variables;       // check parameters
  Symbol* condition = nullptr;           // `when` of this node: reads other nodes' results
  std::string hint;                      // what may be used here
};

// The declarations a `when` may be written in.
bool takesCondition(DeclKind k) {
  return k == DeclKind::Step || k == DeclKind::Model || k == DeclKind::Test || k == DeclKind::Gate ||
         k == DeclKind::Deploy;
}

std::string dotted(const PathExpr* p) {
  std::string out;
  for (const Name& n : p->segments) out += (out.empty() ? "" : ".") + n.text.str();
  return out;
}

class ExpressionsPass : public Pass {
 public:
  llvm::StringRef name() const override { return "expressions"; }

  void run(Program& program) override {
    program_ = &program;
    for (const auto& module : program.modules) {
      if (!module->file) continue;
      for (const Decl* decl : module->file->decls) checkDecl(decl);
    }
  }

 private:
  void checkDecl(const Decl* decl) {
    if (!decl->body || decl->hasSyntaxError) return;
    Scope scope;
    switch (decl->kind()) {
      case DeclKind::Test: {
        auto* test = llvm::cast<TestDecl>(decl);
        Symbol* target = program_->resolved(test->target);
        if (!target) scope.data = scope.metrics = true;  // unresolved: be lenient
        else if (target->kind == SymbolKind::Model) {
          scope.metrics = true;
          scope.model = target;
        }
        else {
          scope.data = true;
          scope.dataDecl = target->decl;
        }
        scope.hint = scope.metrics && !scope.data ? "a test on a model reads `metrics.NAME` and `baseline.NAME`"
                                                  : "a test on data calls rows(), nulls(column), drift.psi(column), "
                                                    "age(), column_min(column), column_max(column), schema_ok()";
        break;
      }
      case DeclKind::Check: {
        auto* check = llvm::cast<CheckDecl>(decl);
        for (const CheckParam& p : check->params) scope.variables[p.name.text] = fromTypeRef(p.type);
        if (check->appliesTo.text == "model") scope.metrics = true;
        else scope.data = true;
        scope.hint = "a check reads its parameters and the functions of its target";
        break;
      }
      case DeclKind::Monitor:
        scope.live = true;
        scope.hint = "a monitor reads `live.NAME` from its source";
        break;
      case DeclKind::Kpi: break;
      case DeclKind::Data: break;
      default: break;
    }
    for (const Member* m : decl->body->members) {
      if (auto* e = llvm::dyn_cast<ExpectMember>(m)) {
        bool allowed = decl->kind() == DeclKind::Test || decl->kind() == DeclKind::Check ||
                       decl->kind() == DeclKind::Monitor;
        if (allowed) expectCondition(e->condition, scope);  // elsewhere E0301 already says it is misplaced
      } else if (auto* c = llvm::dyn_cast<ComparisonMember>(m)) {
        // A KPI target is a level to hold: a literal number or percentage.
        const Expr* v = c->value;
        if (auto* neg = llvm::dyn_cast_or_null<UnaryExpr>(v); neg && neg->op == UnaryOp::Negate) v = neg->operand;
        bool literal = llvm::isa_and_nonnull<NumberExpr>(v) ||
                       (llvm::isa_and_nonnull<UnitExpr>(v) && llvm::cast<UnitExpr>(v)->unitKind == UnitKind::Percent);
        if (c->value && !literal)
          program_->diags().report(c->value->range, diag::kinds::ExpressionType,
                                   "a kpi target is a literal number or percentage, e.g. `target >= 30%`");
      } else if (auto* w = llvm::dyn_cast<PropertyMember>(m);
                 w && w->name.text == "when" && w->value && takesCondition(decl->kind())) {
        Scope when;
        when.condition = program_->symbolOf.lookup(decl);
        when.hint = "a condition reads `MODEL.metrics.NAME` of a model, `TEST.passed` of a test and `params.NAME`";
        if (when.condition) expectCondition(w->value, when);
      } else if (auto* n = llvm::dyn_cast<NestedBlockMember>(m);
                 n && (n->name.text == "schema" || (decl->kind() == DeclKind::Project && n->name.text == "params"))) {
        columnConditions(n->body);
      }
    }
  }

  // The `where` of each column of a schema, or of each typed param of the
  // project's params (in groups too): a condition on `value`.
  void columnConditions(const Block* block) {
    for (const Member* m : block->members) {
      if (auto* group = llvm::dyn_cast<NestedBlockMember>(m)) columnConditions(group->body);
      auto* col = llvm::dyn_cast<ColumnMember>(m);
      if (!col || !col->constraint) continue;
      Scope where;
      where.hasValue = true;
      where.value = fromTypeRef(col->type);
      where.hint = "a `where` condition reads `value`, the column's value";
      expectCondition(col->constraint, where);
    }
  }

  void expectCondition(const Expr* e, const Scope& scope) {
    if (!e) return;
    Type t = typeOf(e, scope);
    if (t != Type::Bool && t != Type::Unknown)
      program_->diags().report(e->range, diag::kinds::ExpressionType,
                               "expected a condition, found " + typeName(t).str())
          .note("compare it with something, e.g. `... >= 0.75`");
  }

  Type typeOf(const Expr* e, const Scope& scope) {
    if (!e) return Type::Unknown;
    auto& diags = program_->diags();
    switch (e->kind()) {
      case ExprKind::String: return Type::String;
      case ExprKind::Number: return Type::Number;
      case ExprKind::Unit: {
        auto* u = llvm::cast<UnitExpr>(e);
        return u->unitKind == UnitKind::Percent ? Type::Number
               : u->unitKind == UnitKind::Duration ? Type::Duration : Type::Size;
      }
      case ExprKind::Bool: return Type::Bool;
      case ExprKind::List: {
        for (const Expr* item : llvm::cast<ListExpr>(e)->items) typeOf(item, scope);
        return Type::List;
      }
      case ExprKind::Path: return pathType(llvm::cast<PathExpr>(e), scope);
      case ExprKind::Call: return callType(llvm::cast<CallExpr>(e), scope);
      case ExprKind::Unary: {
        auto* u = llvm::cast<UnaryExpr>(e);
        Type t = typeOf(u->operand, scope);
        Type want = u->op == UnaryOp::Not ? Type::Bool : Type::Number;
        if (t != want && t != Type::Unknown &&
            !(u->op == UnaryOp::Negate && (t == Type::Duration || t == Type::Size))) {
          diags.report(u->operand->range, diag::kinds::ExpressionType,
                       "`" + spelling(u->op).str() + "` needs " + typeName(want).str() + ", found " +
                           typeName(t).str());
          return Type::Unknown;
        }
        return t == Type::Unknown ? Type::Unknown : t;
      }
      case ExprKind::Binary: return binaryType(llvm::cast<BinaryExpr>(e), scope);
      case ExprKind::Member: case ExprKind::Index: {
        llvm::SmallVector<llvm::StringRef, 4> keys;
        const Expr* badKey = nullptr;
        if (keyPath(e, keys, &badKey)) return keyedType(e, keys, scope);
        if (badKey) {
          diags.report(badKey->range, diag::kinds::ExpressionType,
                       "expected a string literal as the key, e.g. `metrics[\"roc-auc\"]`");
          return Type::Unknown;
        }
        if (auto* m = llvm::dyn_cast<MemberExpr>(e)) {
          Type base = typeOf(m->base, scope);
          diags.report(m->member.range, diag::kinds::ExpressionType,
                       typeName(base).str() + " has no member `" + m->member.text.str() + "`");
          return Type::Unknown;
        }
        auto* x = llvm::cast<IndexExpr>(e);
        Type base = typeOf(x->base, scope);
        diags.report(x->bracketRange, diag::kinds::ExpressionType,
                     "cannot index " + typeName(base).str() + ": only `metrics`, `baseline` and `live` take `[\"key\"]`");
        return Type::Unknown;
      }
      case ExprKind::Quorum: case ExprKind::ValueBlock:
        diags.report(e->range, diag::kinds::ExpressionType, "this value cannot appear in an expression");
        return Type::Unknown;
    }
    return Type::Unknown;
  }

  // The type of a literal, Unknown for anything else.
  static Type literalType(const Expr* e) {
    switch (e->kind()) {
      case ExprKind::String: return Type::String;
      case ExprKind::Number: return Type::Number;
      case ExprKind::Bool: return Type::Bool;
      case ExprKind::Unit: {
        auto* u = llvm::cast<UnitExpr>(e);
        return u->unitKind == UnitKind::Percent ? Type::Number
               : u->unitKind == UnitKind::Duration ? Type::Duration : Type::Size;
      }
      default: return Type::Unknown;
    }
  }

  Type pathType(const PathExpr* p, const Scope& scope) {
    llvm::SmallVector<llvm::StringRef, 4> keys;
    for (const Name& n : p->segments) keys.push_back(n.text);
    return keyedType(p, keys, scope);
  }

  // A name read with `.key` and `["key"]` parts: a metric (nested to any
  // depth: `metrics.roc_auc.test`), a variable, `value`, or a data function
  // named without its call.
  Type keyedType(const Expr* p, llvm::ArrayRef<llvm::StringRef> keys, const Scope& scope) {
    auto& diags = program_->diags();
    llvm::StringRef root = keys[0];
    size_t n = keys.size();
    std::string written = ir::keyPathText(keys);
    llvm::SMRange rootRange = rootRangeOf(p);
    if ((root == "metrics" || root == "baseline") && scope.metrics) {
      if (scope.model && !Program::property(scope.model->decl, "metrics")) {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "model `" + scope.model->name.str() + "` declares no metrics output to read `" + written +
                         "` from")
            .note(scope.model->decl->name.range, "add `metrics = outputs.NAME` to the model");
        return Type::Unknown;
      }
      if (n >= 2) return Type::Number;
      diags.report(p->range, diag::kinds::ExpressionType, "expected `" + root.str() + ".NAME`, found `" + written + "`")
          .note("name a metric: `" + root.str() + ".auc`, `" + root.str() + ".roc_auc.test` or `" + root.str() +
                "[\"roc-auc\"]`");
      return Type::Unknown;
    }
    if (root == "live" && scope.live) {
      if (n >= 2) return Type::Number;
      diags.report(p->range, diag::kinds::ExpressionType, "expected `live.NAME`, found `" + written + "`");
      return Type::Unknown;
    }
    if (scope.condition)
      if (std::optional<Type> t = conditionRead(p, keys, scope)) return *t;
    if (!llvm::isa<PathExpr>(p)) {
      // `value["x"]`, `rows.x`: only metrics have keys.
      auto d = diags.report(p->range, diag::kinds::ExpressionType, "`" + written + "` has no keys to read");
      if (!scope.hint.empty()) d.note(scope.hint);
      return Type::Unknown;
    }
    auto* path = llvm::cast<PathExpr>(p);
    if (root == "value" && scope.hasValue && n == 1) return scope.value;
    if (n == 1) {
      auto it = scope.variables.find(root);
      if (it != scope.variables.end()) return it->second;
    }
    if (scope.data && dataFunctions().count(dotted(path))) {
      diags.report(p->range, diag::kinds::ExpressionType,
                   "`" + dotted(path) + "` is a function: call it, `" + dotted(path) + "(...)`");
      return Type::Unknown;
    }
    std::vector<llvm::StringRef> known;
    if (scope.metrics) { known.push_back("metrics"); known.push_back("baseline"); }
    if (scope.live) known.push_back("live");
    if (scope.hasValue) known.push_back("value");
    for (const auto& v : scope.variables) known.push_back(v.first());
    auto d = diags.report(rootRange, diag::kinds::UndefinedName, root);
    if (auto s = diag::closestMatch(program_->diags(), root, known)) d.note("did you mean `" + *s + "`?").fixit(rootRange, *s);
    if (!scope.hint.empty()) d.note(scope.hint);
    return Type::Unknown;
  }

  // A `when` reading another node: `MODEL.metrics.KEY…` (a number from the
  // model's metrics output) or `TEST.passed` (whether the test passed). The
  // node read becomes upstream of the condition's node (a `condition` edge).
  // None when the root names no node, so the caller reports it undefined.
  std::optional<Type> conditionRead(const Expr* p, llvm::ArrayRef<llvm::StringRef> keys, const Scope& scope) {
    auto& diags = program_->diags();
    if (keys[0] == "params" && !program_->lookup("params")) return paramRead(p, keys, scope);
    Symbol* read = program_->lookup(keys[0]);
    if (!read || (read->kind != SymbolKind::Model && read->kind != SymbolKind::Test)) {
      if (read && (read->kind == SymbolKind::Step || read->kind == SymbolKind::Data || read->kind == SymbolKind::Gate ||
                   read->kind == SymbolKind::Deploy)) {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "a condition cannot read " + kindName(read->kind).str() + " `" + keys[0].str() + "`")
            .note(scope.hint);
        return Type::Unknown;
      }
      return std::nullopt;
    }
    std::string written = ir::keyPathText(keys);
    if (read == scope.condition) {
      diags.report(p->range, diag::kinds::ExpressionType,
                   "a condition cannot read its own node: `" + written + "` is decided before `" + keys[0].str() +
                       "` runs");
      return Type::Unknown;
    }
    Type type = Type::Unknown;
    if (read->kind == SymbolKind::Model) {
      if (keys.size() < 3 || keys[1] != "metrics") {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "expected `" + keys[0].str() + ".metrics.NAME`, found `" + written + "`")
            .note("a condition reads a model's metrics, e.g. `" + keys[0].str() + ".metrics.auc`");
        return Type::Unknown;
      }
      if (!Program::property(read->decl, "metrics")) {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "model `" + keys[0].str() + "` declares no metrics output to read `" + written + "` from")
            .note(read->decl->name.range, "add `metrics = outputs.NAME` to the model");
        return Type::Unknown;
      }
      type = Type::Number;
    } else {
      if (keys.size() != 2 || keys[1] != "passed") {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "expected `" + keys[0].str() + ".passed`, found `" + written + "`")
            .note("a condition reads whether a test passed: `" + keys[0].str() + ".passed`");
        return Type::Unknown;
      }
      type = Type::Bool;
    }
    program_->edges.push_back({read, scope.condition, p->range, "condition"});
    // A reference like any other: the node counts as used (W0601), and the
    // editor finds, renames and hovers it here.
    const Expr* root = p;
    while (!llvm::isa<PathExpr>(root)) root = llvm::isa<MemberExpr>(root) ? llvm::cast<MemberExpr>(root)->base
                                                                           : llvm::cast<IndexExpr>(root)->base;
    program_->references[root] = Reference{read, {}, {}};
    return type;
  }

  // `params.a.b` in a condition: a project param (docs/language.md 5.1.2),
  // typed by its declared type or its value. Read by the node like a
  // `${params.a.b}` in its command (its cache key, W0608).
  Type paramRead(const Expr* p, llvm::ArrayRef<llvm::StringRef> keys, const Scope& scope) {
    auto& diags = program_->diags();
    std::string key;
    for (llvm::StringRef k : keys.drop_front()) key += (key.empty() ? "" : ".") + k.str();
    const ir::ProjectParam* param = program_->params ? ir::findParam(program_->params->params, key) : nullptr;
    if (!param) {
      if (program_->params && !key.empty() && ir::hasParam(program_->params->params, key)) {
        diags.report(p->range, diag::kinds::ExpressionType,
                     "`params." + key + "` is a group of params: a condition reads one param, e.g. `params." + key +
                         ".NAME`");
        return Type::Unknown;
      }
      auto d = diags.report(p->range, diag::kinds::UndefinedName, "params" + (key.empty() ? "" : "." + key));
      if (!program_->params) {
        d.note("the project declares no `params` (docs/language.md 5.1.2)");
      } else {
        std::vector<std::string> names = ir::paramNames(program_->params->params);
        std::vector<llvm::StringRef> refs(names.begin(), names.end());
        if (auto s = diag::closestMatch(program_->diags(), key, refs)) d.note("did you mean `params." + *s + "`?");
      }
      return Type::Unknown;
    }
    auto& reads = program_->paramReads[scope.condition->decl];
    if (std::find(reads.begin(), reads.end(), key) == reads.end()) reads.push_back(key);
    llvm::StringRef type = param->type;
    if (type == "int" || type == "float") return Type::Number;
    if (type == "bool") return Type::Bool;
    if (type == "string") return Type::String;
    if (type.startswith("list")) return Type::List;
    if (!param->value) return Type::Unknown;
    if (param->value->is_number()) return Type::Number;
    if (param->value->is_boolean()) return Type::Bool;
    if (param->value->is_string()) return Type::String;
    if (param->value->is_array()) return Type::List;
    return Type::Unknown;
  }

  // The range of the first name of a key path.
  static llvm::SMRange rootRangeOf(const Expr* e) {
    while (e) {
      if (auto* p = llvm::dyn_cast<PathExpr>(e)) return p->segments[0].range;
      if (auto* m = llvm::dyn_cast<MemberExpr>(e)) e = m->base;
      else if (auto* x = llvm::dyn_cast<IndexExpr>(e)) e = x->base;
      else break;
    }
    return e ? e->range : llvm::SMRange();
  }

  Type callType(const CallExpr* c, const Scope& scope) {
    auto& diags = program_->diags();
    std::vector<Type> args;
    for (const Argument& a : c->args) args.push_back(typeOf(a.value, scope));
    auto* callee = llvm::dyn_cast<PathExpr>(c->callee);
    if (!callee) {
      diags.report(c->range, diag::kinds::ExpressionType, "only named functions can be called");
      return Type::Unknown;
    }
    std::string name = dotted(callee);
    const auto& fns = dataFunctions();
    auto it = fns.find(name);
    if (it == fns.end() || !scope.data) {
      auto d = diags.report(callee->range, diag::kinds::UndefinedName, name);
      if (scope.data) {
        std::vector<llvm::StringRef> names;
        for (const auto& f : fns) names.push_back(f.first());
        if (auto s = diag::closestMatch(program_->diags(), name, names)) d.note("did you mean `" + *s + "`?").fixit(callee->range, *s);
      }
      if (!scope.hint.empty()) d.note(scope.hint);
      return Type::Unknown;
    }
    const Function& f = it->second;
    if (args.size() != f.params.size()) {
      diags.report(c->range, diag::kinds::ExpressionType,
                   "`" + name + "` takes " + std::to_string(f.params.size()) + " argument" +
                       (f.params.size() == 1 ? "" : "s") + ", found " + std::to_string(args.size()));
      return f.result;
    }
    for (size_t i = 0; i < args.size(); ++i) {
      if (scope.dataDecl && f.params[i] == Type::String)
        if (auto* str = llvm::dyn_cast<StringExpr>(c->args[i].value))
          program_->checkColumn(scope.dataDecl, str->value, str->range);
      if (args[i] != f.params[i] && args[i] != Type::Unknown)
        diags.report(c->args[i].value->range, diag::kinds::ExpressionType,
                     "argument " + std::to_string(i + 1) + " of `" + name + "` must be " + typeName(f.params[i]).str() +
                         ", found " + typeName(args[i]).str());
    }
    return f.result;
  }

  Type binaryType(const BinaryExpr* b, const Scope& scope) {
    auto& diags = program_->diags();
    if (isComparison(b->op))
      if (auto* inner = llvm::dyn_cast<BinaryExpr>(b->lhs); inner && isComparison(inner->op) && !inner->parenthesized) {
        diags.report(b->opRange, diag::kinds::ChainedComparison, spelling(b->op), spelling(inner->op))
            .note(inner->opRange, "the first comparison is here")
            .note("combine two comparisons with `and`: `a < b and b < c`");
        typeOf(inner, scope);
        typeOf(b->rhs, scope);
        return Type::Bool;
      }
    Type l = typeOf(b->lhs, scope);
    Type r = typeOf(b->rhs, scope);
    auto report = [&](const std::string& what) {
      diags.report(b->range, diag::kinds::ExpressionType, what);
      return Type::Unknown;
    };
    bool unknown = l == Type::Unknown || r == Type::Unknown;
    switch (b->op) {
      case BinaryOp::And: case BinaryOp::Or:
        if (!unknown && (l != Type::Bool || r != Type::Bool))
          return report("`" + spelling(b->op).str() + "` combines conditions, found " + typeName(l).str() + " and " +
                        typeName(r).str());
        return Type::Bool;
      case BinaryOp::In:
        if (r != Type::List && r != Type::Unknown)
          return report("`in` needs a list on its right, found " + typeName(r).str());
        // Each item must be comparable with the left side (`value in [1, 2]`
        // on a string column can never hold).
        if (auto* items = llvm::dyn_cast<ListExpr>(b->rhs); items && l != Type::Unknown)
          for (const Expr* item : items->items) {
            Type t = literalType(item);  // the items were typed with the list already
            if (t != Type::Unknown && t != l) {
              diags.report(item->range, diag::kinds::ExpressionType,
                           "the list holds " + typeName(t).str() + ", but `in` compares it with " +
                               typeName(l).str());
              break;
            }
          }
        return Type::Bool;
      case BinaryOp::Eq: case BinaryOp::Ne:
        if (!unknown && l != r)
          return report("cannot compare " + typeName(l).str() + " with " + typeName(r).str());
        return Type::Bool;
      case BinaryOp::Lt: case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge:
        if (!unknown && (l != r || (l != Type::Number && l != Type::Duration && l != Type::Size)))
          return report("cannot order " + typeName(l).str() + " against " + typeName(r).str());
        return Type::Bool;
      case BinaryOp::Add: case BinaryOp::Sub:
        if (!unknown && (l != r || (l != Type::Number && l != Type::Duration && l != Type::Size)))
          return report("cannot " + std::string(b->op == BinaryOp::Add ? "add " : "subtract ") + typeName(r).str() +
                        (b->op == BinaryOp::Add ? " to " : " from ") + typeName(l).str());
        return unknown ? Type::Unknown : l;
      case BinaryOp::Mul: case BinaryOp::Div:
        if (!unknown && !(l == Type::Number && r == Type::Number) &&
            !((l == Type::Duration || l == Type::Size) && r == Type::Number) &&
            !(b->op == BinaryOp::Mul && l == Type::Number && (r == Type::Duration || r == Type::Size)))
          return report("cannot " + std::string(b->op == BinaryOp::Mul ? "multiply " : "divide ") + typeName(l).str() +
                        " by " + typeName(r).str());
        if (unknown) return Type::Unknown;
        return l == Type::Number ? r : l;
    }
    return Type::Unknown;
  }

  Program* program_ = nullptr;
};

}  // namespace

std::unique_ptr<Pass> createExpressionsPass() { return std::make_unique<ExpressionsPass>(); }

}  // namespace mlops::sema

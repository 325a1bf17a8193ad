// Pass `properties`: every block against its schema (schema.h). Unknown
// properties are E0301 with a did-you-mean fix-it, missing required ones
// E0302, duplicates E0305, values of the wrong type, unit or enum E0303.
// Reference-typed values are recorded as ReferenceSites for `references`.
#include "diag/suggest.h"
#include "ir/source_kinds.h"
#include "sema/pass.h"
#include "sema/schema.h"
#include "sema/value_description.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Regex.h>

namespace mlops::sema {
namespace {

using namespace ast;

llvm::StringRef singleWord(const Expr* e) {
  auto* p = llvm::dyn_cast_or_null<PathExpr>(e);
  return p && p->segments.size() == 1 ? p->segments[0].text : llvm::StringRef();
}

class PropertiesPass : public Pass {
 public:
  llvm::StringRef name() const override { return "properties"; }

  void run(Program& program) override {
    program_ = &program;
    for (const auto& module : program.modules) {
      if (module->stdlib || !module->file) continue;
      for (const Decl* decl : module->file->decls) checkDecl(decl);
    }
    // The stdlib's own references still need resolving (role bases, ...).
    for (const auto& module : program.modules) {
      if (!module->stdlib || !module->file) continue;
      for (const Decl* decl : module->file->decls) headerReferences(decl);
    }
  }

 private:
  void site(const PathExpr* path, uint16_t kinds, const Decl* from, llvm::StringRef property) {
    if (path) program_->referenceSites.push_back({path, kinds, from, property});
  }

  void headerReferences(const Decl* decl) {
    if (auto* r = llvm::dyn_cast<RoleDecl>(decl)) site(r->base, refBit(SymbolKind::Role), decl, "base");
    if (auto* t = llvm::dyn_cast<TestDecl>(decl)) {
      site(t->target, refBit(SymbolKind::Data) | refBit(SymbolKind::Model), decl, "on");
      site(t->uses, refBit(SymbolKind::Check), decl, "uses");
    }
    if (auto* g = llvm::dyn_cast<GateDecl>(decl)) site(g->model, refBit(SymbolKind::Model), decl, "for");
    if (auto* m = llvm::dyn_cast<MonitorDecl>(decl)) site(m->target, refBit(SymbolKind::Deploy), decl, "on");
  }

  // A declaration rebuilt from a recovered parse is checked quietly: its
  // references are still recorded, but its errors would be echoes.
  diag::DiagnosticEngine& diags() { return quiet_ ? *scratch_ : program_->diags(); }

  void checkDecl(const Decl* decl) {
    if (decl->kind() == DeclKind::Use || decl->kind() == DeclKind::Import) return;
    decl_ = decl;
    quiet_ = decl->hasSyntaxError;
    if (quiet_ && !scratch_) scratch_ = std::make_unique<diag::DiagnosticEngine>(program_->sources());
    headerReferences(decl);
    const BlockSchema& schema = declSchema(decl->kind());
    std::string what = keyword(decl->kind()).str() + " `" + decl->name.text.str() + "`";
    bool usesCheck = false;
    if (auto* t = llvm::dyn_cast<TestDecl>(decl)) usesCheck = t->uses != nullptr;
    bool hasExpect = false;
    if (decl->body) hasExpect = checkBlock(decl->body, schema, what, usesCheck);
    for (const PropertySpec& p : schema.properties) {
      if (!p.required || Program::member(decl, p.name)) continue;
      diags().report(decl->name.range, diag::kinds::MissingProperty, keyword(decl->kind()),
                               decl->name.text, p.name)
          .note("`" + p.name.str() + "`: " + p.doc.str());
    }
    if (decl->kind() == DeclKind::Data)
      if (auto* pii = llvm::dyn_cast_or_null<ListExpr>(Program::property(decl, "pii")))
        for (const Expr* item : pii->items)
          if (auto* p = llvm::dyn_cast<PathExpr>(item); p && p->segments.size() == 1)
            program_->checkColumn(decl, p->segments[0].text, item->range);
    if (decl->kind() == DeclKind::Step && !Program::member(decl, "outputs") && !Program::member(decl, "effects"))
      diags().report(decl->name.range, diag::kinds::MissingOutputsOrEffects, decl->name.text)
          .note("`outputs { name = \"path\" }`: files it writes; `effects = [\"bigquery://project.dataset.table\"]`: "
                "what it changes elsewhere");
    if (decl->kind() == DeclKind::Test && !hasExpect && !usesCheck)
      diags().report(decl->name.range, diag::kinds::MissingExpectOrUses, decl->name.text)
          .note("add `expect metrics.auc >= 0.75`, or bind a check: `test " + decl->name.text.str() +
                " on data_name uses rows { min = 1 }`");
    if (auto* c = llvm::dyn_cast<CheckDecl>(decl)) {
      for (const CheckParam& param : c->params) checkTypeName(param.type);
      if (!c->appliesTo.text.empty() && c->appliesTo.text != "data" && c->appliesTo.text != "model")
        diags().report(c->appliesTo.range, diag::kinds::TypeMismatch, "`data` or `model`", "on",
                                 "`" + c->appliesTo.text.str() + "`");
    }
  }

  void checkTypeName(const TypeRef* t) {
    if (!t) return;
    static const std::vector<llvm::StringRef> known = {"string", "int", "float", "bool", "duration",
                                                       "size", "percent", "list"};
    if (!llvm::is_contained(known, t->name.text)) {
      auto d = diags().report(t->name.range, diag::kinds::TypeMismatch,
                                        "a type (string, int, float, bool, duration, size, percent, list(T))",
                                        "type", "`" + t->name.text.str() + "`");
      if (auto s = diag::closestMatch(program_->diags(), t->name.text, known)) d.note("did you mean `" + *s + "`?").fixit(t->name.range, *s);
    }
    if (t->name.text == "list" && !t->element)
      diags().report(t->range, diag::kinds::InvalidValue, "list", "name the element type: `list(string)`");
    checkTypeName(t->element);
  }

  // Returns true when the block holds an `expect`.
  bool checkBlock(const Block* block, const BlockSchema& schema, const std::string& what, bool allowUnknown) {
    llvm::StringMap<const Member*> seen;
    bool hasExpect = false;
    auto& diags = this->diags();
    for (const Member* m : block->members) {
      if (auto* e = llvm::dyn_cast<ExpectMember>(m)) {
        hasExpect = true;
        if (!schema.allowsExpect)
          diags.report(m->name.range, diag::kinds::MisplacedMember, "`expect`", what)
              .note("expectations belong in `test`, `check` and `monitor` declarations");
        else if (e->every && !schema.allowsEvery)
          diags.report(e->every->range, diag::kinds::MisplacedMember, "`every`", what)
              .note("`every` sets how often a monitor is evaluated");
        else if (e->every)
          checkValue(e->every, durationType_, "every", m);
        continue;
      }
      if (llvm::isa<ColumnMember>(m)) {
        diags.report(m->range, diag::kinds::MisplacedMember, "a column `name : type`", what)
            .note("columns are declared inside `schema { ... }` of a data declaration");
        continue;
      }
      llvm::StringRef name = m->name.text;
      auto [it, fresh] = seen.try_emplace(name, m);
      if (!fresh) {
        diags.report(m->name.range, diag::kinds::DuplicateProperty, name)
            .note(it->second->name.range, "first set here");
        continue;
      }
      const PropertySpec* spec = schema.find(name);
      if (!spec) {
        if (allowUnknown) continue;  // arguments of a `uses` check
        auto d = diags.report(m->name.range, diag::kinds::UnknownProperty, name, what);
        std::vector<llvm::StringRef> names = schema.names();
        if (auto s = diag::closestMatch(program_->diags(), name, names)) d.note("did you mean `" + *s + "`?").fixit(m->name.range, *s);
        else if (!names.empty()) {
          std::string list;
          for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i].str();
          d.note(schema.what.str() + " accepts: " + list);
        }
        continue;
      }
      checkMember(m, *spec);
    }
    return hasExpect;
  }

  void mismatch(const Member* m, const TypeSpec& type, const std::string& found) {
    diags().report(m->range, diag::kinds::TypeMismatch, describeType(type), m->name.text, found);
  }

  void checkMember(const Member* m, const PropertySpec& spec) {
    const TypeSpec& type = *spec.type;
    if (auto* nested = llvm::dyn_cast<NestedBlockMember>(m)) {
      switch (type.kind) {
        case TypeKind::Block: checkBlock(nested->body, *type.block, "`" + m->name.text.str() + "`", false); return;
        case TypeKind::Map: checkMap(nested->body, *type.element, m); return;
        case TypeKind::Columns: checkColumns(nested->body); return;
        case TypeKind::Params: return;  // pass `params` reads the block
        case TypeKind::FanOut: return;  // pass `fan_out`
        default: mismatch(m, type, "a `{ ... }` block"); return;
      }
    }
    if (auto* cmp = llvm::dyn_cast<ComparisonMember>(m)) {
      if (type.kind != TypeKind::Comparison) mismatch(m, type, "a comparison");
      (void)cmp;
      return;
    }
    auto* p = llvm::dyn_cast<PropertyMember>(m);
    if (!p) return;
    switch (type.kind) {
      case TypeKind::Block: case TypeKind::Map: case TypeKind::Columns:
        diags().report(m->range, diag::kinds::TypeMismatch, describeType(type), m->name.text,
                                 describeValue(p->value))
            .note("write `" + m->name.text.str() + " { ... }` without `=`");
        return;
      case TypeKind::Comparison:
        diags().report(m->range, diag::kinds::TypeMismatch, describeType(type), m->name.text,
                                 describeValue(p->value))
            .note("write `" + m->name.text.str() + " >= VALUE` (or <, <=, >, ==, !=)");
        return;
      case TypeKind::Condition: return;  // typed by the expressions pass
      default: checkValue(p->value, type, m->name.text, m);
    }
  }

  void checkMap(const Block* block, const TypeSpec& element, const Member* owner) {
    if (block->members.empty() && owner->name.text == "outputs" && !Program::member(decl_, "effects"))
      diags().report(owner->range, diag::kinds::InvalidValue, "outputs",
                     "a step or model needs at least one output (what it writes)");
    llvm::StringMap<const Member*> seen;
    for (const Member* m : block->members) {
      auto [it, fresh] = seen.try_emplace(m->name.text, m);
      if (!fresh) {
        diags().report(m->name.range, diag::kinds::DuplicateProperty, m->name.text)
            .note(it->second->name.range, "first set here");
        continue;
      }
      if (auto* p = llvm::dyn_cast<PropertyMember>(m)) checkValue(p->value, element, m->name.text, m);
      else diags().report(m->range, diag::kinds::TypeMismatch, describeType(element), m->name.text,
                                    "a block or expression member");
    }
  }

  void checkColumns(const Block* block) {
    llvm::StringMap<const Member*> seen;
    for (const Member* m : block->members) {
      auto* col = llvm::dyn_cast<ColumnMember>(m);
      if (!col) {
        diags().report(m->range, diag::kinds::MisplacedMember, "`" + m->name.text.str() + "`",
                                 "a schema block")
            .note("a schema lists columns: `name : type where condition`");
        continue;
      }
      auto [it, fresh] = seen.try_emplace(m->name.text, m);
      if (!fresh) {
        diags().report(m->name.range, diag::kinds::DuplicateProperty, m->name.text)
            .note(it->second->name.range, "first declared here");
        continue;
      }
      checkTypeName(col->type);
    }
  }

  void checkValue(const Expr* value, const TypeSpec& type, llvm::StringRef name, const Member* m) {
    if (!value) return;
    auto& diags = this->diags();
    auto bad = [&] {
      diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value));
    };
    switch (type.kind) {
      case TypeKind::String: {
        auto* str = llvm::dyn_cast<StringExpr>(value);
        if (!str) return bad();
        if (str->value.trim().empty())
          diags.report(value->range, diag::kinds::InvalidValue, name, "it is empty");
        else if (name == "image")
          checkImage(str);
        else if (name == "environment")
          checkEnvironment(str);
        return;
      }
      case TypeKind::Semver: {
        auto* s = llvm::dyn_cast<StringExpr>(value);
        if (!s) return bad();
        static const llvm::Regex semver(
            "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");
        if (!semver.match(s->value))
          diags.report(value->range, diag::kinds::InvalidValue, name,
                       "\"" + s->value.str() + "\" is not a semantic version like \"1.2.3\"");
        return;
      }
      case TypeKind::Int: {
        auto* n = llvm::dyn_cast<NumberExpr>(value);
        if (!n || !n->isInteger) return bad();
        return checkNonNegative(n->value, value, name);
      }
      case TypeKind::Float:
        if (!llvm::isa<NumberExpr>(value) &&
            !(llvm::isa<UnitExpr>(value) && llvm::cast<UnitExpr>(value)->unitKind == UnitKind::Percent))
          return bad();
        return checkNonNegative(llvm::isa<NumberExpr>(value) ? llvm::cast<NumberExpr>(value)->value
                                                             : llvm::cast<UnitExpr>(value)->canonical,
                                value, name);
      case TypeKind::Percent: case TypeKind::Duration: case TypeKind::Size: {
        UnitKind want = type.kind == TypeKind::Percent ? UnitKind::Percent
                        : type.kind == TypeKind::Duration ? UnitKind::Duration : UnitKind::Size;
        auto* u = llvm::dyn_cast<UnitExpr>(value);
        if (auto* n = llvm::dyn_cast<NumberExpr>(value); n && n->spelling.find_if(llvm::isAlpha) != llvm::StringRef::npos)
          return;  // `24hrs`: the lexer reported the unit (E0104)
        if (!u || u->unitKind != want) {
          auto d = diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value));
          if (auto* n = llvm::dyn_cast<NumberExpr>(value)) {
            const char* unit = want == UnitKind::Percent ? "%" : want == UnitKind::Duration ? "s" : "Mi";
            d.note("numbers need a unit here, e.g. `" + n->spelling.str() + unit + "`");
          }
          return;
        }
        return checkNonNegative(u->canonical, value, name);
      }
      case TypeKind::Bool:
        if (!llvm::isa<BoolExpr>(value)) bad();
        return;
      case TypeKind::Enum: {
        llvm::StringRef word = singleWord(value);
        if (!word.empty() && llvm::is_contained(type.enumValues, word)) return;
        auto d = diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value));
        if (!word.empty())
          if (auto s = diag::closestMatch(program_->diags(), word, type.enumValues)) d.note("did you mean `" + *s + "`?").fixit(value->range, *s);
        if (auto* str = llvm::dyn_cast<StringExpr>(value))
          if (llvm::is_contained(type.enumValues, str->value))
            d.note("write the word without quotes").fixit(value->range, str->value.str());
        return;
      }
      case TypeKind::Ref: {
        auto* path = llvm::dyn_cast<PathExpr>(value);
        if (!path) return bad();
        site(path, type.refKinds, decl_, name);
        return;
      }
      case TypeKind::List: {
        auto* list = llvm::dyn_cast<ListExpr>(value);
        if (!list) {
          auto d = diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value));
          d.note("write a list: `[...]`");
          return;
        }
        for (const Expr* item : list->items) checkValue(item, *type.element, name, m);
        if (type.element->kind == TypeKind::Ref || type.element->kind == TypeKind::Quorum)
          checkReferenceList(list, name);
        if (name == "effects") checkEffects(list);
        return;
      }
      case TypeKind::Call: case TypeKind::Params: checkCall(value, type, name); return;
      case TypeKind::Quorum: {
        if (auto* path = llvm::dyn_cast<PathExpr>(value)) return site(path, refBit(SymbolKind::Role), decl_, name);
        auto* q = llvm::dyn_cast<QuorumExpr>(value);
        if (!q) return bad();
        if (!q->count->isInteger || q->count->value < 1)
          diags.report(q->count->range, diag::kinds::InvalidValue, name,
                       "a quorum counts people: a whole number of at least 1");
        site(q->role, refBit(SymbolKind::Role), decl_, name);
        return;
      }
      case TypeKind::OutputRef: {
        auto* path = llvm::dyn_cast<PathExpr>(value);
        if (!path || path->segments.size() != 2 || path->segments[0].text != "outputs") {
          diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value))
              .note("name one of this declaration's outputs: `outputs.NAME`");
          return;
        }
        checkOwnOutput(path->segments[1]);
        return;
      }
      case TypeKind::Name:
        if (singleWord(value).empty()) bad();
        return;
      case TypeKind::Strategy: {
        llvm::StringRef word = singleWord(value);
        const ValueBlockExpr* vb = llvm::dyn_cast<ValueBlockExpr>(value);
        if (vb && vb->head->segments.size() == 1) word = vb->head->segments[0].text;
        for (const CallSchema* form : type.calls) {
          if (form->name != word) continue;
          if (vb) {
            checkBlock(vb->body, *form->block, "the " + form->name.str() + " strategy", false);
            checkStrategyValues(vb, form->name);
          }
          if (!vb && form->block && !form->block->properties.empty()) {
            for (const PropertySpec& p : form->block->properties)
              if (p.required)
                diags.report(value->range, diag::kinds::MissingArgument, p.name, "the " + word.str() + " strategy")
                    .note("write `" + word.str() + " { " + p.name.str() + " = ... }`");
          }
          return;
        }
        auto d = diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value));
        std::vector<llvm::StringRef> forms;
        for (const CallSchema* f : type.calls) forms.push_back(f->name);
        if (!word.empty())
          if (auto s = diag::closestMatch(program_->diags(), word, forms)) d.note("did you mean `" + *s + "`?");
        return;
      }
      case TypeKind::FanOut: return;  // pass `fan_out`
      case TypeKind::Any:
        if (llvm::isa<CallExpr>(value) || llvm::isa<ValueBlockExpr>(value) || llvm::isa<QuorumExpr>(value)) bad();
        return;
      case TypeKind::Block: case TypeKind::Map: case TypeKind::Columns: case TypeKind::Comparison:
      case TypeKind::Condition:
        bad();
        return;
    }
  }

  void checkNonNegative(double v, const Expr* value, llvm::StringRef name) {
    if (v < 0)
      diags().report(value->range, diag::kinds::InvalidValue, name, "it cannot be negative");
  }

  // A list that names declarations: no entry twice, and not empty for a
  // pipeline's targets. A gate's `approvals = []` and `require = []` are
  // meant (promotion on tests alone, a gate kept for its record); the
  // policy pass refuses them where the risk tier or a deploy needs more
  // (E0503, E0504).
  void checkReferenceList(const ListExpr* list, llvm::StringRef name) {
    if (list->items.empty() && name == "targets") {
      diags().report(list->range, diag::kinds::InvalidValue, name, "the list is empty")
          .note("a pipeline needs at least one target");
      return;
    }
    llvm::StringMap<const Expr*> seen;
    for (const Expr* item : list->items) {
      const PathExpr* p = llvm::dyn_cast<PathExpr>(item);
      if (auto* q = llvm::dyn_cast<QuorumExpr>(item)) p = q->role;
      if (!p) continue;
      auto [it, fresh] = seen.try_emplace(dottedPath(p), item);
      if (!fresh)
        diags().report(item->range, diag::kinds::InvalidValue, name, "`" + dottedPath(p) + "` is listed twice")
            .note(it->second->range, "first listed here");
    }
  }

  // Canary steps rise to 100%; an A/B split is a share strictly between 0 and 100%.
  void checkStrategyValues(const ValueBlockExpr* vb, llvm::StringRef form) {
    if (form == "canary") {
      auto* steps = llvm::dyn_cast_or_null<ListExpr>(Program::property(vb->body, "steps"));
      if (!steps) return;
      if (steps->items.empty()) {
        diags().report(steps->range, diag::kinds::InvalidValue, "steps", "a canary needs at least one step (100%)");
        return;
      }
      double last = 0;
      for (const Expr* item : steps->items) {
        auto* u = llvm::dyn_cast<UnitExpr>(item);
        if (!u || u->unitKind != UnitKind::Percent) return;  // reported as a type error
        if (u->canonical <= last || u->canonical > 1.0 + 1e-9) {
          diags().report(item->range, diag::kinds::InvalidValue, "steps",
                         "canary steps must rise, each above the last and at most 100%");
          return;
        }
        last = u->canonical;
      }
      if (last < 1.0 - 1e-9)
        diags().report(steps->items.back()->range, diag::kinds::InvalidValue, "steps",
                       "the last canary step must be 100%, or the rollout never completes");
    } else if (form == "ab") {
      if (auto* u = llvm::dyn_cast_or_null<UnitExpr>(Program::property(vb->body, "split")))
        if (u->unitKind == UnitKind::Percent && (u->canonical <= 0 || u->canonical >= 1))
          diags().report(u->range, diag::kinds::InvalidValue, "split",
                         "an A/B split gives the new model a share strictly between 0% and 100%");
    }
  }

  void checkCron(const StringExpr* s) {
    llvm::SmallVector<llvm::StringRef, 8> fields;
    s->value.split(fields, ' ', -1, false);
    bool ok = fields.size() == 5;
    for (llvm::StringRef f : fields)
      for (char c : f)
        if (!(llvm::isAlnum(c) || c == '*' || c == '/' || c == ',' || c == '-')) ok = false;
    if (!ok)
      diags().report(s->range, diag::kinds::InvalidValue, "schedule",
                     "\"" + s->value.str() + "\" is not a cron expression: expected 5 fields "
                     "(minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"");
  }

  // A container image reference (`python:3.11-slim`,
  // `ghcr.io/acme/train:1.2@sha256:...`): what docker, Kubernetes and the CI
  // platforms accept, so the generated jobs can pull it.
  void checkImage(const StringExpr* s) {
    if (s->value.contains("${")) return;  // an interpolation, reported on its own (E0304)
    static const llvm::Regex reference("^[a-z0-9]([A-Za-z0-9._/:@-]*[A-Za-z0-9])?$");
    if (!reference.match(s->value) || s->value.size() > 255 || s->value.contains("//"))
      diags().report(s->range, diag::kinds::InvalidValue, "image",
                     "\"" + s->value.str() + "\" is not a container image reference: expected a name like "
                     "\"python:3.11-slim\" or \"ghcr.io/team/trainer:1.4\" (lower-case name, letters, digits, "
                     "`.`, `_`, `-`, `/`, `:`, `@`)");
  }

  // A deployment environment as GitHub and GitLab name them.
  void checkEnvironment(const StringExpr* s) {
    if (s->value.contains("${")) return;  // E0304
    static const llvm::Regex name("^[A-Za-z0-9_.-]([A-Za-z0-9 _./-]*[A-Za-z0-9_.-])?$");
    if (!name.match(s->value) || s->value.size() > 255)
      diags().report(s->range, diag::kinds::InvalidValue, "environment",
                     "\"" + s->value.str() + "\" is not an environment name: GitHub and GitLab environments are "
                     "named with letters, digits, spaces, `-`, `_`, `.` and `/` (not at either end)");
  }

  // A branch name or glob as git (git check-ref-format) and the CI
  // platforms' branch filters accept it.
  void checkBranch(const StringExpr* s, llvm::StringRef trigger) {
    llvm::StringRef b = s->value;
    std::string why;
    for (char c : b)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' ||
          c == '\\') {
        why = c == ' '                                                ? std::string("a space")
              : static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? std::string("a control character")
                                                                  : "`" + std::string(1, c) + "`";
        break;
      }
    if (why.empty()) {
      if (b.empty()) why = "nothing";
      else if (b.contains("..")) why = "`..`";
      else if (b.contains("@{")) why = "`@{`";
      else if (b.startswith("-") || b.startswith("/") || b.endswith("/") || b.endswith(".") || b.endswith(".lock"))
        why = "a leading `-` or `/`, or a trailing `/`, `.` or `.lock`";
    }
    if (!why.empty())
      diags().report(s->range, diag::kinds::InvalidValue, trigger,
                     "\"" + b.str() + "\" is not a branch name: git branch names cannot contain " + why +
                         " (globs like \"release/*\" are fine)");
  }

  void checkOwnOutput(const Name& output) {
    const Member* outputs = Program::member(decl_, "outputs");
    auto* block = llvm::dyn_cast_or_null<NestedBlockMember>(outputs);
    if (!block) return;  // missing outputs is reported on its own
    std::vector<llvm::StringRef> names;
    for (const Member* m : block->body->members) {
      if (m->name.text == output.text) return;
      names.push_back(m->name.text);
    }
    auto d = diags().report(output.range, diag::kinds::UndefinedOutput, keyword(decl_->kind()),
                                      decl_->name.text, output.text);
    if (auto s = diag::closestMatch(program_->diags(), output.text, names)) d.note("did you mean `" + *s + "`?").fixit(output.range, *s);
  }

  void checkCall(const Expr* value, const TypeSpec& type, llvm::StringRef name) {
    auto& diags = this->diags();
    llvm::StringRef callee;
    const CallExpr* call = llvm::dyn_cast<CallExpr>(value);
    if (call) callee = singleWord(call->callee);
    else callee = singleWord(value);
    std::vector<llvm::StringRef> names;
    for (const CallSchema* form : type.calls) names.push_back(form->name);
    const CallSchema* form = nullptr;
    for (const CallSchema* f : type.calls)
      if (f->name == callee) form = f;
    if (!form) {
      std::string known;
      for (size_t i = 0; i < names.size(); ++i) known += (i ? ", " : "") + names[i].str();
      auto d = callee.empty()
                   ? diags.report(value->range, diag::kinds::TypeMismatch, describeType(type), name, describeValue(value))
                   : diags.report(call ? call->callee->range : value->range, diag::kinds::UnknownCall, type.callNoun,
                                  callee, known);
      if (!callee.empty())
        if (auto s = diag::closestMatch(program_->diags(), callee, names))
          d.note("did you mean `" + *s + "`?").fixit(call ? call->callee->range : value->range, *s);
      return;
    }
    std::string what = "`" + form->name.str() + (form->positional.empty() ? "`" : "(...)`");
    if (!call) {
      if (!form->positional.empty() && form->positional.front().required)
        diags.report(value->range, diag::kinds::MissingArgument, form->positional.front().name, what)
            .note("write `" + form->name.str() + "(\"...\")`");
      return;
    }
    size_t positional = 0;
    llvm::StringMap<bool> named;
    bool sawNamed = false;
    for (const Argument& a : call->args) {
      if (!a.name.text.empty()) sawNamed = true;
      if (a.name.text.empty() && sawNamed) {
        diags.report(a.value ? a.value->range : call->range, diag::kinds::InvalidValue, name,
                     "positional arguments come before named ones");
        continue;
      }
      if (a.name.text.empty()) {
        if (positional >= form->positional.size()) {
          diags.report(a.value ? a.value->range : call->range, diag::kinds::UnknownArgument,
                       "#" + std::to_string(positional + 1), what)
              .note(what + " takes " + std::to_string(form->positional.size()) + " positional argument" +
                    (form->positional.size() == 1 ? "" : "s"));
          ++positional;
          continue;
        }
        if (form->name == "plot" && positional == 0) {
          checkPlotFile(a.value);
          ++positional;
          continue;
        }
        checkValue(a.value, *form->positional[positional].type, form->positional[positional].name, nullptr);
        if (form->name == "schedule" && positional == 0)
          if (auto* cron = llvm::dyn_cast_or_null<StringExpr>(a.value)) checkCron(cron);
        if ((form->name == "push" || form->name == "pull_request") && positional == 0)
          if (auto* branch = llvm::dyn_cast_or_null<StringExpr>(a.value)) checkBranch(branch, form->name);
        ++positional;
        continue;
      }
      const PropertySpec* spec = nullptr;
      for (const PropertySpec& p : form->named)
        if (p.name == a.name.text) spec = &p;
      if (!spec) {
        auto d = diags.report(a.name.range, diag::kinds::UnknownArgument, a.name.text, what);
        std::vector<llvm::StringRef> argNames;
        for (const PropertySpec& p : form->named) argNames.push_back(p.name);
        if (auto s = diag::closestMatch(program_->diags(), a.name.text, argNames)) d.note("did you mean `" + *s + "`?").fixit(a.name.range, *s);
        continue;
      }
      if (!named.try_emplace(a.name.text, true).second) {
        diags.report(a.name.range, diag::kinds::DuplicateProperty, a.name.text);
        continue;
      }
      checkValue(a.value, *spec->type, spec->name, nullptr);
    }
    for (size_t i = positional; i < form->positional.size(); ++i)
      if (form->positional[i].required)
        diags.report(call->range, diag::kinds::MissingArgument, form->positional[i].name, what)
            .note("`" + form->positional[i].name.str() + "`: " + form->positional[i].doc.str());
    for (const PropertySpec& p : form->named)
      if (p.required && !named.count(p.name))
        diags.report(call->range, diag::kinds::MissingArgument, p.name, what)
            .note("`" + p.name.str() + " = ...`: " + p.doc.str());
    checkSourceArguments(call, form->name);
  }

  // The argument values of a data source, by the rules the IR reader and
  // the runtime apply too (ir/source_kinds.h).
  void checkSourceArguments(const CallExpr* call, llvm::StringRef kind) {
    if (kind != "http" && kind != "git" && kind != "bigquery") return;
    size_t positional = 0;
    for (const Argument& a : call->args) {
      auto* str = llvm::dyn_cast_or_null<StringExpr>(a.value);
      std::string argName = a.name.text.empty() ? (positional++ == 0 ? (kind == "bigquery" ? "table" : "url") : "")
                                                 : a.name.text.str();
      if (!str || argName.empty() || str->value.trim().empty()) continue;  // reported as a type error
      std::string value = str->value.str(), why;
      if (kind == "http" && argName == "url") why = ir::httpUrlProblem(value);
      else if (kind == "http" && argName == "sha256") why = ir::sha256Problem(value);
      else if (kind == "git" && argName == "url") why = ir::gitUrlProblem(value);
      else if (kind == "git" && argName == "rev") why = ir::gitRevProblem(value);
      else if (kind == "git" && argName == "path") why = ir::repositoryPathProblem(value);
      else if (kind == "bigquery" && argName == "table") why = ir::bigqueryTableProblem(value);
      else if (kind == "bigquery" && argName == "project") why = ir::bigqueryProjectProblem(value);
      if (!why.empty())
        diags().report(a.value->range, diag::kinds::InvalidValue, argName, "\"" + value + "\" is not " + why);
    }
  }

  void checkEffects(const ListExpr* list) {
    llvm::StringMap<const Expr*> seen;
    for (const Expr* item : list->items) {
      auto* str = llvm::dyn_cast<StringExpr>(item);
      if (!str || str->value.trim().empty()) continue;  // reported as a type error
      if (std::string why = ir::effectUriProblem(str->value.str()); !why.empty()) {
        diags().report(item->range, diag::kinds::InvalidValue, "effects", "\"" + str->value.str() + "\" is not " + why);
        continue;
      }
      auto [it, fresh] = seen.try_emplace(str->value, item);
      if (!fresh)
        diags().report(item->range, diag::kinds::InvalidValue, "effects", "\"" + str->value.str() + "\" is listed twice")
            .note(it->second->range, "first listed here");
    }
  }

  // A plot's file: `outputs.NAME` of this node, or a path string (the paths
  // pass checks that it lies in one of the node's outputs).
  void checkPlotFile(const Expr* value) {
    if (!value) return;
    if (auto* str = llvm::dyn_cast<StringExpr>(value)) {
      if (str->value.trim().empty()) diags().report(value->range, diag::kinds::InvalidValue, "file", "it is empty");
      return;
    }
    auto* path = llvm::dyn_cast<PathExpr>(value);
    if (path && path->segments.size() == 2 && path->segments[0].text == "outputs")
      return checkOwnOutput(path->segments[1]);
    diags().report(value->range, diag::kinds::TypeMismatch, "`outputs.NAME` or a path string", "file",
                   describeValue(value))
        .note("a plot shows a file the node writes: `plot(outputs.NAME, x = \"...\", y = \"...\")`");
  }

  Program* program_ = nullptr;
  const Decl* decl_ = nullptr;
  bool quiet_ = false;
  std::unique_ptr<diag::DiagnosticEngine> scratch_;
  const TypeSpec durationType_{TypeKind::Duration};
};

}  // namespace

std::unique_ptr<Pass> createPropertiesPass() { return std::make_unique<PropertiesPass>(); }

}  // namespace mlops::sema

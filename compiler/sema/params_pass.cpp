// Pass `params`: the project's parameters (docs/language.md 5.1.1), from
// `params = file("params.yaml")` or a `params { … }` block, into
// Program::params for `${params.a.b}` (pass `interpolation`), W0608 and the IR.
//   E0310  the params file cannot be used: not a plain path inside the
//          project (as the signers file: no `..` out, not absolute, nothing
//          hidden), missing, over 1 MiB, not UTF-8, or not a YAML/JSON map
//          the reader accepts (sema/params_file.h) — at the line and column
//          inside the file when the reader knows them.
//   E0312  a typed param (`lr : float = 0.1 where value > 0`) whose type is
//          not a param type, or whose default does not have its type.
//   E0303  a block value that is not a string, number, boolean or list.
// Pass `params-use` (after the passes that record reads):
//   W0608  a project param that nothing reads: at its key, or for a file at
//          the `file("…")` call, naming the keys.
#include "ir/project_params.h"
#include "sema/params_file.h"
#include "sema/pass.h"
#include "sema/value_description.h"
#include "syntax/source_loader.h"

#include <llvm/ADT/StringSet.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace mlops::sema {
namespace {

using namespace ast;
using json = nlohmann::ordered_json;

std::string typeText(const TypeRef* t) {
  if (!t) return "";
  std::string out = t->name.text.str();
  if (t->element) out += "(" + typeText(t->element) + ")";
  return out;
}

class ParamsPass : public Pass {
 public:
  explicit ParamsPass(const SemaOptions& options) : options_(options) {}
  llvm::StringRef name() const override { return "params"; }

  void run(Program& program) override {
    program_ = &program;
    const Member* m = Program::member(program.project, "params");
    if (!m) return;
    ParamsFacts facts;
    facts.member = m;
    if (auto* block = llvm::dyn_cast<NestedBlockMember>(m)) {
      readBlock(block->body, "", facts);
    } else if (auto* p = llvm::dyn_cast<PropertyMember>(m)) {
      const StringExpr* site = fileSite(p->value);
      if (!site) return;  // pass `properties` reported the value
      facts.site = site;
      facts.path = site->value.str();
      if (const Module* root = program.root()) facts.bufferId = load(*root, *site, facts.opened);
      if (facts.bufferId) readFile(facts);
    } else {
      return;
    }
    program.params = std::move(facts);
  }

 private:
  static const StringExpr* fileSite(const Expr* value) {
    auto* call = llvm::dyn_cast_or_null<CallExpr>(value);
    if (!call || call->args.size() != 1) return nullptr;
    auto* callee = llvm::dyn_cast_or_null<PathExpr>(call->callee);
    if (!callee || callee->segments.size() != 1 || callee->segments[0].text != "file") return nullptr;
    return llvm::dyn_cast_or_null<StringExpr>(call->args[0].value);
  }

  // Loads the params file into the SourceMgr; its buffer, or 0 after E0310.
  unsigned load(const Module& root, const StringExpr& site, std::string& opened) {
    llvm::StringRef written = site.value;
    auto refuse = [&](llvm::StringRef why) {
      program_->diags().report(site.range, diag::kinds::ParamsFileUnusable, written, why)
          .note("name a YAML or JSON file inside the project, relative to the spec's folder, as in "
                "`params = file(\"params.yaml\")`");
      return 0u;
    };
    if (written.contains("${")) return refuse("holds `${`: name the file literally");
    if (llvm::sys::path::is_absolute(written)) return refuse("is an absolute path: write it relative to the spec's folder");
    llvm::SmallString<256> display(llvm::sys::path::parent_path(root.name));
    llvm::sys::path::append(display, written);
    llvm::sys::path::remove_dots(display, true);
    if (options_.virtualFiles) {
      llvm::SmallString<128> relative(written);
      llvm::sys::path::remove_dots(relative, true);
      auto found = options_.virtualFiles->find(relative);
      if (found != options_.virtualFiles->end()) {
        if (found->second.size() > kMaxParamsFileBytes) return refuse("is larger than 1 MiB");
        return syntax::addSourceText(program_->sources(), program_->diags(), display, found->second).bufferId;
      }
    }
    llvm::SmallString<256> path(llvm::sys::path::parent_path(root.path));
    llvm::sys::path::append(path, written);
    llvm::sys::path::remove_dots(path, true);
    const std::string key = canonicalPath(path);
    const std::string rootDir = projectRootOf(llvm::sys::path::parent_path(root.path));
    if (std::optional<PathRefusal> refused = refusedProjectPath(rootDir, key)) return refuse(refused->why);
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(path, status) || !llvm::sys::fs::exists(status)) return refuse("does not exist");
    if (llvm::sys::fs::is_directory(status)) return refuse("is a directory");
    if (!llvm::sys::fs::is_regular_file(status)) return refuse("is not a regular file (a device, pipe or socket)");
    if (status.getSize() > kMaxParamsFileBytes) return refuse("is larger than 1 MiB");
    opened = path.str().str();
    return syntax::loadSourceFile(program_->sources(), program_->diags(), path, kMaxParamsFileBytes, display).bufferId;
  }

  void readFile(ParamsFacts& facts) {
    llvm::StringRef bytes = program_->sources().getMemoryBuffer(facts.bufferId)->getBuffer();
    auto at = [&](size_t offset, size_t length) {
      offset = std::min(offset, bytes.size());
      length = std::min(length, bytes.size() - offset);
      return llvm::SMRange(llvm::SMLoc::getFromPointer(bytes.data() + offset),
                           llvm::SMLoc::getFromPointer(bytes.data() + offset + length));
    };
    std::vector<ParamsFileLeaf> leaves;
    ParamsFileError error;
    if (!readParamsFile(std::string_view(bytes.data(), bytes.size()), leaves, error)) {
      program_->diags().report(at(error.offset, error.length), diag::kinds::ParamsFileInvalid, facts.path, error.message)
          .note(facts.site->range, "read for the project's `params` here");
      return;
    }
    for (ParamsFileLeaf& leaf : leaves) {
      size_t length = leaf.key.size() - (leaf.key.rfind('.') == std::string::npos ? 0 : leaf.key.rfind('.') + 1);
      facts.params.entries.push_back({leaf.key, std::move(leaf.value), "", {}, {}});
      facts.ranges.push_back(at(leaf.offset, length));
      facts.conditions.push_back(nullptr);
    }
  }

  void readBlock(const Block* block, const std::string& prefix, ParamsFacts& facts) {
    llvm::StringMap<const Member*> seen;
    for (const Member* m : block->members) {
      if (!seen.try_emplace(m->name.text, m).second) {
        program_->diags().report(m->name.range, diag::kinds::DuplicateProperty, m->name.text)
            .note(seen[m->name.text]->name.range, "first set here");
        continue;
      }
      std::string key = prefix + m->name.text.str();
      if (auto* group = llvm::dyn_cast<NestedBlockMember>(m)) {
        readBlock(group->body, key + ".", facts);
      } else if (auto* p = llvm::dyn_cast<PropertyMember>(m)) {
        std::optional<json> value = literal(p->value);
        if (!value) {
          program_->diags().report(p->value ? p->value->range : m->range, diag::kinds::TypeMismatch,
                                   "a string, number, true/false or a list of them", key, describeValue(p->value));
          value = nullptr;  // still a param: its readers are not reported too
        }
        add(facts, key, std::move(*value), "", m, nullptr);
      } else if (auto* typed = llvm::dyn_cast<ColumnMember>(m)) {
        readTyped(typed, key, facts);
      } else {
        program_->diags().report(m->range, diag::kinds::MisplacedMember, "`" + m->name.text.str() + "`",
                                 "the project's `params`")
            .note("params are `name = value`, `name : type = default [where condition]` or groups `name { … }`");
      }
    }
  }

  void readTyped(const ColumnMember* m, const std::string& key, ParamsFacts& facts) {
    std::string type = typeText(m->type);
    if (!ir::isParamType(type)) {
      program_->diags().report(m->type ? m->type->range : m->range, diag::kinds::ParamInvalid, key,
                               "type `" + type + "` is not a param type: expected string, int, float, bool or list(T)");
      type.clear();  // still a param: its readers are not reported too
    }
    // `lr : float = 0.1`: the default, of the declared type (an int is a
    // float's default too). Without one, a run must give it with -P.
    std::optional<json> value;
    if (m->defaultValue) {
      value = literal(m->defaultValue);
      if (!value) {
        program_->diags().report(m->defaultValue->range, diag::kinds::ParamInvalid, key,
                                 "its default is " + describeValue(m->defaultValue) +
                                     ": expected a string, number, true/false or a list of them");
      } else if (!type.empty() && !ir::valueHasType(*value, type)) {
        llvm::SMRange r = m->defaultValue->range;
        std::string written(r.Start.getPointer(), r.End.getPointer());
        program_->diags().report(r, diag::kinds::ParamInvalid, key,
                                 "its default `" + written + "` is not a value of type `" + type + "`");
        value.reset();
      } else if (type == "float" && value->is_number_integer()) {
        value = json(static_cast<double>(value->get<int64_t>()));
      }
    }
    add(facts, key, std::move(value), type, m, m->constraint);
  }

  void add(ParamsFacts& facts, const std::string& key, std::optional<json> value, const std::string& type,
           const Member* m, const Expr* where) {
    facts.params.entries.push_back({key, std::move(value), type, {}, {}});
    facts.ranges.push_back(m->name.range);
    facts.conditions.push_back(where);
  }

  // A value a param may hold: a string, number, boolean, or a list of them.
  static std::optional<json> literal(const Expr* e) {
    if (auto* s = llvm::dyn_cast_or_null<StringExpr>(e)) return json(literalString(s->value));
    if (auto* n = llvm::dyn_cast_or_null<NumberExpr>(e)) {
      if (n->isInteger && n->value >= -9.2e18 && n->value <= 9.2e18) return json(static_cast<int64_t>(n->value));
      return json(n->value);
    }
    if (auto* b = llvm::dyn_cast_or_null<BoolExpr>(e)) return json(b->value);
    if (auto* u = llvm::dyn_cast_or_null<UnaryExpr>(e); u && u->op == UnaryOp::Negate)
      if (std::optional<json> v = literal(u->operand); v && v->is_number()) {
        if (v->is_number_integer()) return json(-v->get<int64_t>());
        return json(-v->get<double>());
      }
    if (auto* l = llvm::dyn_cast_or_null<ListExpr>(e)) {
      json out = json::array();
      for (const Expr* item : l->items) {
        std::optional<json> v = literal(item);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return out;
    }
    return std::nullopt;
  }

  // `$${` in a string is a literal `${` (docs/language.md, strings).
  static std::string literalString(llvm::StringRef value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i)
      if (!(value[i] == '$' && value.substr(i, 3) == "$${")) out += value[i];
    return out;
  }

  SemaOptions options_;
  Program* program_ = nullptr;
};

class ParamsUsePass : public Pass {
 public:
  llvm::StringRef name() const override { return "params-use"; }

  void run(Program& program) override {
    if (!program.params) return;
    const ParamsFacts& facts = *program.params;
    llvm::StringSet<> read;
    for (const auto& [decl, keys] : program.paramReads)
      for (const std::string& k : keys) read.insert(k);
    auto isRead = [&](const std::string& key) {
      for (size_t dot = key.size(); dot != std::string::npos; dot = dot ? key.rfind('.', dot - 1) : std::string::npos) {
        if (read.count(key.substr(0, dot))) return true;
        if (dot == 0) break;
      }
      return false;
    };
    std::vector<std::string> unread;
    for (size_t i = 0; i < facts.params.entries.size(); ++i) {
      const std::string& key = facts.params.entries[i].key;
      if (isRead(key)) continue;
      if (!facts.site)
        program.diags().report(facts.ranges[i], diag::kinds::UnreadParam, key)
            .note("read it in a command as `${params." + key + "}`, or remove it");
      else
        unread.push_back(key);
    }
    if (unread.empty()) return;
    constexpr size_t kNamed = 10;
    std::string names;
    for (size_t i = 0; i < unread.size() && i < kNamed; ++i) names += (i ? ", `" : "`") + unread[i] + "`";
    if (unread.size() > kNamed) names += " and " + std::to_string(unread.size() - kNamed) + " more";
    program.diags().report(facts.site->range, diag::kinds::UnreadParamsInFile, facts.path, names)
        .note("read them in a command as `${params.KEY}` (or a whole group, `${params.GROUP}`), or remove them");
  }
};

}  // namespace

std::unique_ptr<Pass> createParamsPass(const SemaOptions& options) { return std::make_unique<ParamsPass>(options); }
std::unique_ptr<Pass> createParamsUsePass() { return std::make_unique<ParamsUsePass>(); }

}  // namespace mlops::sema

// Pass `interpolation`: `${...}` in strings. In `run` and `rollback` the
// allowed forms are ${inputs.NAME} (as written in `inputs`), ${outputs.NAME},
// ${params.NAME} (the node's own, then the project's: ${params.a.b},
// sema/project_params.h), ${secrets.NAME} (listed in `secrets`), ${model.outputs.NAME}
// (deploys) and ${project.version}; anywhere else, and any other form, is
// E0304. `$${` is a literal `${`. A fan-out's `${item…}` and `${key}` may
// also stand in `outputs` and `params` values (sema/fan_out.h).
// The runtime makes each interpolation one single-quoted shell word, which
// quotes only where a word starts: one inside quotes, after a backslash, in
// backticks, a here-document, a comment, arithmetic or a shell `${…}` is
// E0304 too (ir/shell_context.h), with a fix-it that drops quotes around it;
// only a secret may stand inside double quotes (it becomes `${NAME}`).
#include "diag/suggest.h"
#include "ir/shell_context.h"
#include "sema/pass.h"

namespace mlops::sema {
namespace {

using namespace ast;

class InterpolationPass : public Pass {
 public:
  llvm::StringRef name() const override { return "interpolation"; }

  void run(Program& program) override {
    program_ = &program;
    for (const auto& module : program.modules) {
      if (module->stdlib || !module->file) continue;
      for (const Decl* decl : module->file->decls) {
        if (!decl->body || decl->hasSyntaxError) continue;
        decl_ = decl;
        visitBlock(decl->body, /*inRun=*/false);
      }
    }
  }

 private:
  void visitBlock(const Block* block, bool) {
    for (const Member* m : block->members) {
      bool isCommand = m->name.text == "run" || m->name.text == "rollback";
      bool topLevel = block == decl_->body;
      if (auto* p = llvm::dyn_cast<PropertyMember>(m)) visitExpr(p->value, isCommand && topLevel, m->name.text);
      else if (auto* n = llvm::dyn_cast<NestedBlockMember>(m)) {
        // A fan-out's item may name the paths and params of each item.
        itemBlock_ = topLevel && (m->name.text == "outputs" || m->name.text == "params");
        visitBlock(n->body, false);
        itemBlock_ = false;
      }
    }
  }

  void visitExpr(const Expr* e, bool command, llvm::StringRef property) {
    if (!e) return;
    if (auto* s = llvm::dyn_cast<StringExpr>(e)) return checkString(s, command, property);
    if (auto* l = llvm::dyn_cast<ListExpr>(e))
      for (const Expr* item : l->items) visitExpr(item, false, property);
    if (auto* c = llvm::dyn_cast<CallExpr>(e))
      for (const Argument& a : c->args) visitExpr(a.value, false, property);
    if (auto* v = llvm::dyn_cast<ValueBlockExpr>(e)) visitBlock(v->body, false);
  }

  // Scans the string as written in the source, so spans are exact.
  void checkString(const StringExpr* s, bool command, llvm::StringRef property) {
    const char* begin = s->range.Start.getPointer();
    const char* end = s->range.End.getPointer();
    if (!begin || !end || end <= begin) return;
    llvm::StringRef source(begin, static_cast<size_t>(end - begin));
    auto& diags = program_->diags();
    for (size_t i = 0; i + 1 < source.size(); ++i) {
      if (source[i] != '$') continue;
      if (source[i + 1] == '$' && i + 2 < source.size() && source[i + 2] == '{') {
        i += 2;  // `$${`: a literal `${`
        continue;
      }
      if (source[i + 1] != '{') continue;
      size_t close = source.find('}', i + 2);
      llvm::SMLoc at = llvm::SMLoc::getFromPointer(begin + i);
      if (close == llvm::StringRef::npos || source.slice(i + 2, close).contains('"')) {
        diags.report(llvm::SMRange(at, llvm::SMLoc::getFromPointer(begin + i + 2)),
                     diag::kinds::UnterminatedInterpolation)
            .note("write `$${` for a literal `${`");
        return;
      }
      llvm::StringRef body = source.slice(i + 2, close);
      llvm::SMRange range(at, llvm::SMLoc::getFromPointer(begin + close + 1));
      if (readsItem(body)) {
        checkItem(body, range, command || itemBlock_, property);
      } else if (!command) {
        diags.report(range, diag::kinds::InvalidInterpolation, body,
                     "interpolation is only allowed in the `run` and `rollback` commands of a step, model or "
                     "deploy (found in `" + property.str() + "`)")
            .note("write `$${` for a literal `${`");
      } else {
        checkPath(body, range);
      }
      i = close;
    }
    if (command) checkShellContext(s, source);
  }

  // The command's text as the runtime gets it (escapes decoded), with the
  // offset in `source` (the literal, quotes included) of each byte.
  struct Decoded {
    std::string text;
    std::vector<size_t> from;
    size_t contentEnd = 0;  // where the closing quote starts in `source`
  };

  static Decoded decode(const StringExpr* s, llvm::StringRef source) {
    Decoded out;
    size_t open = s->raw ? 3 : 1;
    size_t close = source.size();
    if (s->raw) {
      while (close > open && source[close - 1] == '"' && source.size() - close < 3) --close;
    } else if (close > open && source.back() == '"') {
      --close;
    }
    out.contentEnd = close;
    for (size_t i = open; i < close;) {
      size_t at = i;
      char c = source[i++];
      if (s->raw) {
        if (c == '\r' && i < close && source[i] == '\n') continue;
      } else if (c == '\\' && i < close) {
        char e = source[i++];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        if (e == 'u' && i < close && source[i] == '{') {
          size_t end = source.find('}', i);
          unsigned code = 0;
          if (end == llvm::StringRef::npos || source.slice(i + 1, end).getAsInteger(16, code)) return {};
          i = end + 1;
          std::string bytes;
          if (code < 0x80) bytes = std::string(1, static_cast<char>(code));
          else if (code < 0x800) bytes = {static_cast<char>(0xC0 | (code >> 6)), static_cast<char>(0x80 | (code & 0x3F))};
          else if (code < 0x10000)
            bytes = {static_cast<char>(0xE0 | (code >> 12)), static_cast<char>(0x80 | ((code >> 6) & 0x3F)),
                     static_cast<char>(0x80 | (code & 0x3F))};
          else
            bytes = {static_cast<char>(0xF0 | (code >> 18)), static_cast<char>(0x80 | ((code >> 12) & 0x3F)),
                     static_cast<char>(0x80 | ((code >> 6) & 0x3F)), static_cast<char>(0x80 | (code & 0x3F))};
          for (char b : bytes) {
            out.text += b;
            out.from.push_back(at);
          }
          continue;
        }
      }
      out.text += c;
      out.from.push_back(at);
    }
    return out;
  }

  void checkShellContext(const StringExpr* s, llvm::StringRef source) {
    Decoded decoded = decode(s, source);
    // The lexer reported a malformed literal already; its value is what runs.
    if (decoded.text != s->value) return;
    const char* base = source.data();
    auto start = [&](size_t k) { return decoded.from[k]; };
    auto after = [&](size_t k) { return k + 1 < decoded.from.size() ? decoded.from[k + 1] : decoded.contentEnd; };
    const std::string& text = decoded.text;
    for (const ir::InterpolationSite& site : ir::interpolationSites(text)) {
      if (ir::allowedIn(site.context, llvm::StringRef(text).slice(site.begin, site.end))) continue;
      size_t last = site.end - 1;
      llvm::SMRange range(llvm::SMLoc::getFromPointer(base + start(site.begin)),
                          llvm::SMLoc::getFromPointer(base + after(last)));
      llvm::StringRef body = llvm::StringRef(text).slice(site.begin + 2, text[last] == '}' ? last : site.end);
      auto d = program_->diags().report(range, diag::kinds::InvalidInterpolation, body,
                                        std::string("it sits ") + ir::describe(site.context) +
                                            ", where the quoting the runtime gives it does not hold and its value "
                                            "could run as a command");
      using ir::ShellContext;
      switch (site.context) {
        case ShellContext::DoubleQuotes:
        case ShellContext::SingleQuotes:
        case ShellContext::AnsiCQuotes: {
          d.note("the value is already passed as one shell word: write the interpolation outside the quotes");
          char quote = site.context == ShellContext::DoubleQuotes ? '"' : '\'';
          bool wrapped = site.begin >= 1 && site.end < text.size() && text[site.begin - 1] == quote &&
                         text[site.end] == quote && text[last] == '}';
          if (site.context == ShellContext::AnsiCQuotes) wrapped = wrapped && site.begin >= 2 && text[site.begin - 2] == '$';
          if (wrapped) {
            size_t from = start(site.begin - (site.context == ShellContext::AnsiCQuotes ? 2 : 1));
            llvm::SMRange quoted(llvm::SMLoc::getFromPointer(base + from),
                                 llvm::SMLoc::getFromPointer(base + after(site.end)));
            d.fixit(quoted, source.slice(start(site.begin), after(last)).str());
          }
          break;
        }
        case ShellContext::Backslash:
          d.note("remove the backslash, or write `$${` for a literal `${`");
          break;
        case ShellContext::Backticks:
          d.note("write the command substitution as `$(…)`, where the interpolation is a word of its own");
          break;
        default:
          d.note("assign it to a shell variable first (`v=${" + body.str() + "}; …`) and use `$v` there");
          break;
      }
    }
  }

  // `${item…}`, `${key}`: in `run`, `outputs` and `params` of a fan-out (sema/fan_out.h).
  void checkItem(llvm::StringRef body, llvm::SMRange range, bool allowedHere, llvm::StringRef property) {
    std::string why = itemInterpolationProblem(*program_, decl_, body);
    if (why.empty() && !allowedHere)
      why = "an item is interpolated only in `run`, `outputs` and `params` (found in `" + property.str() + "`)";
    if (!why.empty()) program_->diags().report(range, diag::kinds::InvalidInterpolation, body, why);
  }

  void checkPath(llvm::StringRef body, llvm::SMRange range) {
    auto& diags = program_->diags();
    llvm::SmallVector<llvm::StringRef, 4> parts;
    body.trim().split(parts, '.');
    auto fail = [&](const std::string& why, std::vector<llvm::StringRef> options = {}) {
      auto d = diags.report(range, diag::kinds::InvalidInterpolation, body, why);
      if (!parts.empty())
        if (auto s = diag::closestMatch(program_->diags(), parts.back(), options)) d.note("did you mean `" + *s + "`?");
    };
    if (parts.empty() || parts[0].empty()) return fail("empty interpolation");
    llvm::StringRef root = parts[0];
    bool deploy = decl_->kind() == DeclKind::Deploy;
    if (root == "project") {
      if (parts.size() == 2 && parts[1] == "version") return;
      return fail("only `${project.version}` is available from the project", {"version"});
    }
    if (root == "outputs" && deploy) return fail("a deploy has no `outputs`; use `${model.outputs.NAME}`");
    if (root == "outputs" || root == "params") {
      std::vector<llvm::StringRef> names = blockNames(decl_, root);
      if (parts.size() == 2 && llvm::is_contained(names, parts[1])) return;
      if (root == "params") return checkProjectParam(*program_, decl_, body.trim().drop_front(7), names, range);
      return fail(parts.size() != 2 ? "expected `" + root.str() + ".NAME`"
                                    : keyword(decl_->kind()).str() + " `" + decl_->name.text.str() + "` has no " +
                                          (root == "outputs" ? "output" : "param") + " `" + parts[1].str() + "`",
                  names);
    }
    if (root == "secrets") {
      std::vector<llvm::StringRef> names = listWords(decl_, "secrets");
      if (parts.size() == 2 && llvm::is_contained(names, parts[1])) return;
      if (parts.size() == 2 && !llvm::is_contained(names, parts[1])) {
        auto d = diags.report(range, diag::kinds::InvalidInterpolation, body,
                              "secret `" + parts[1].str() + "` is not listed in `secrets`");
        if (auto s = diag::closestMatch(program_->diags(), parts[1], names)) d.note("did you mean `" + *s + "`?");
        else d.note("add it: `secrets = [" + parts[1].str() + "]`; its value comes from the environment");
        return;
      }
      return fail("expected `secrets.NAME`", names);
    }
    if (root == "inputs" && deploy) return fail("a deploy has no `inputs`; use `${model.outputs.NAME}`");
    if (root == "inputs") {
      std::vector<std::string> written = inputsAsWritten();
      std::string rest = body.trim().drop_front(7).str();
      if (parts.size() >= 2 && llvm::is_contained(written, rest)) return;
      std::vector<llvm::StringRef> options(written.begin(), written.end());
      auto d = diags.report(range, diag::kinds::InvalidInterpolation, body,
                            "`" + rest + "` is not in `inputs`");
      if (auto s = diag::closestMatch(program_->diags(), rest, options)) d.note("did you mean `inputs." + *s + "`?");
      return;
    }
    if (root == "model" && deploy) {
      Symbol* model = program_->resolved(Program::property(decl_, "model"));
      if (parts.size() == 3 && parts[1] == "outputs") {
        if (!model) return;  // the model reference is reported on its own
        std::vector<llvm::StringRef> names = blockNames(model->decl, "outputs");
        if (llvm::is_contained(names, parts[2])) return;
        return fail("model `" + model->name.str() + "` has no output `" + parts[2].str() + "`", names);
      }
      return fail("expected `model.outputs.NAME`");
    }
    std::string allowed = deploy ? "${model.outputs.NAME}, ${params.NAME}, ${secrets.NAME}, ${project.version}"
                                 : "${inputs.NAME}, ${outputs.NAME}, ${params.NAME}, ${secrets.NAME}, ${project.version}";
    fail("expected one of " + allowed);
  }

  static std::vector<llvm::StringRef> blockNames(const Decl* decl, llvm::StringRef block) {
    std::vector<llvm::StringRef> out;
    if (auto* b = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(decl, block)))
      for (const Member* m : b->body->members) out.push_back(m->name.text);
    return out;
  }

  static std::vector<llvm::StringRef> listWords(const Decl* decl, llvm::StringRef property) {
    std::vector<llvm::StringRef> out;
    if (auto* l = llvm::dyn_cast_or_null<ListExpr>(Program::property(decl, property)))
      for (const Expr* item : l->items)
        if (auto* p = llvm::dyn_cast<PathExpr>(item))
          if (p->segments.size() == 1) out.push_back(p->segments[0].text);
    return out;
  }

  std::vector<std::string> inputsAsWritten() {
    std::vector<std::string> out;
    if (auto* l = llvm::dyn_cast_or_null<ListExpr>(Program::property(decl_, "inputs")))
      for (const Expr* item : l->items)
        if (auto* p = llvm::dyn_cast<PathExpr>(item)) {
          std::string text;
          for (const Name& n : p->segments) text += (text.empty() ? "" : ".") + n.text.str();
          out.push_back(text);
        }
    return out;
  }

  Program* program_ = nullptr;
  const Decl* decl_ = nullptr;
  bool itemBlock_ = false;  // inside the declaration's `outputs` or `params`
};

}  // namespace

std::unique_ptr<Pass> createInterpolationPass() { return std::make_unique<InterpolationPass>(); }

}  // namespace mlops::sema

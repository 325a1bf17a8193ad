// Pass `paths`: the files nodes write, checked before anything runs.
//   E0406  a path a step or model writes or runs (`outputs`, `code`) lies
//          outside the project folder: absolute, or `..` climbing out of it.
//          Data and monitor sources may point anywhere: they are only read.
//   E0404  two outputs are the same path, or one lies inside the other (a
//          folder output holding another node's file): the cache and the
//          graph would each credit a different node with the same bytes.
//   E0405  a node writes a path it reads (one of its inputs, its `code`), or
//          writes over the source of a `data` declaration: every run would
//          change its own input and run again, and data sources are read only.
//   E0201  a plot's file (a path string) is none of its node's outputs and
//          lies inside none of them.
// Paths are compared lexically after normalisation (`./`, `a/../b`, a
// trailing `/`), relative to the project folder; a path holding `${` is
// resolved only at run time and left alone, except a fan-out's `${item…}`,
// expanded for each item (sema/fan_out.h). Symbolic links are the runtime's
// business: it refuses to write through one that leaves the project.
// Linear in the number of paths (times their depth).
#include "diag/suggest.h"
#include "ir/project_path.h"
#include "sema/pass.h"
#include "sema/value_description.h"

#include <llvm/ADT/StringMap.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mlops::sema {
namespace {

using namespace ast;

struct Written {
  std::string path;          // normalised
  const Symbol* node;
  llvm::StringRef output;    // the output's name
  llvm::SMRange range;       // the path's string
  std::string item;          // the fan-out item writing it (sema/fan_out.h), "" when none
};

struct Read {
  std::string path;
  std::string what;          // "input `raw`", "code"
};

class PathsPass : public Pass {
 public:
  llvm::StringRef name() const override { return "paths"; }

  void run(Program& program) override {
    program_ = &program;
    collectSources();
    for (const auto& s : program.symbols) {
      if (s->module && s->module->stdlib) continue;
      if (s->kind != SymbolKind::Step && s->kind != SymbolKind::Model) continue;
      collectOutputs(s.get());
      checkCode(s.get());
    }
    checkOverlaps();
    for (const auto& s : program.symbols) {
      if (s->module && s->module->stdlib) continue;
      if (s->kind == SymbolKind::Step || s->kind == SymbolKind::Model) {
        checkReads(s.get());
        checkPlots(s.get());
      }
    }
  }

 private:
  static const StringExpr* literalPath(const Expr* e) {
    auto* s = llvm::dyn_cast_or_null<StringExpr>(e);
    if (!s || s->value.contains("${")) return nullptr;
    return s;
  }

  // The file a data declaration reads, when it is a literal `file("...")`.
  static const StringExpr* dataFile(const Decl* data) {
    auto* call = llvm::dyn_cast_or_null<CallExpr>(Program::property(data, "source"));
    if (!call || call->args.empty()) return nullptr;
    auto* callee = llvm::dyn_cast_or_null<PathExpr>(call->callee);
    if (!callee || callee->segments.size() != 1 || callee->segments[0].text != "file") return nullptr;
    return literalPath(call->args[0].value);
  }

  void collectSources() {
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Data || (s->module && s->module->stdlib)) continue;
      const StringExpr* file = dataFile(s->decl);
      std::string why;
      std::optional<std::string> path = file ? ir::normaliseProjectPath(file->value, why) : std::nullopt;
      if (path) sources_[*path] = s.get();
    }
  }

  void collectOutputs(const Symbol* node) {
    auto* outputs = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(node->decl, "outputs"));
    if (!outputs || !outputs->body) return;
    const FanOut* fanOut = program_->fanOutOf(node);
    for (const Member* m : outputs->body->members) {
      auto* pm = llvm::dyn_cast<PropertyMember>(m);
      // Each item of a fan-out writes its own path.
      if (auto* s = pm ? llvm::dyn_cast_or_null<StringExpr>(pm->value) : nullptr; fanOut && s && usesItem(s->value)) {
        for (const FanOutItem& item : fanOut->items) {
          std::string path = substituteItem(s->value, *fanOut, item, ItemText::Value), why;
          if (llvm::StringRef(path).contains("${")) continue;
          if (std::optional<std::string> normalised = ir::normaliseProjectPath(path, why))
            written_.push_back({*normalised, node, m->name.text, s->range, item.name});
          else
            program_->diags().report(s->range, diag::kinds::PathOutsideProject, "output", path, why)
                .note("for item `" + item.name + "` of " + kindName(node->kind).str() + " `" + node->name.str() + "`");
        }
        continue;
      }
      const StringExpr* value = pm ? literalPath(pm->value) : nullptr;
      if (!value) {
        unresolved_.insert(node);
        continue;
      }
      std::string why;
      std::optional<std::string> path = ir::normaliseProjectPath(value->value, why);
      if (!path) {
        program_->diags().report(value->range, diag::kinds::PathOutsideProject, "output", value->value, why)
            .note("a node writes only inside the project folder, so a run cannot overwrite files elsewhere on "
                  "the machine; data sources may be read from anywhere");
        continue;
      }
      written_.push_back({*path, node, m->name.text, value->range, ""});
    }
  }

  void checkCode(const Symbol* node) {
    auto* code = llvm::dyn_cast_or_null<ListExpr>(Program::property(node->decl, "code"));
    if (!code) return;
    for (const Expr* item : code->items) {
      const StringExpr* value = literalPath(item);
      if (!value) continue;
      std::string why;
      if (!ir::normaliseProjectPath(value->value, why))
        program_->diags().report(value->range, diag::kinds::PathOutsideProject, "code", value->value, why)
            .note("`code` lists the project's own files and folders the command runs, hashed into its cache key");
    }
  }

  static bool inside(llvm::StringRef inner, llvm::StringRef outer) { return ir::insideProjectPath(inner, outer); }

  static std::string describe(const Written& w) {
    return kindName(w.node->kind).str() + " `" + w.node->name.str() + (w.item.empty() ? "" : "@" + w.item) +
           "` (output `" + w.output.str() + "`)";
  }

  // E0404: the same path twice, or a path inside another output.
  void checkOverlaps() {
    llvm::StringMap<size_t> byPath;  // first writer of each path
    for (size_t i = 0; i < written_.size(); ++i) {
      auto [it, fresh] = byPath.try_emplace(written_[i].path, i);
      if (fresh) continue;
      const Written& first = written_[it->second];
      const Written& again = written_[i];
      program_->diags().report(again.range, diag::kinds::OutputWrittenTwice, again.path, describe(first),
                               describe(again))
          .note(first.range, "first declared here")
          .note("give each output its own path; a node that reads the other's file lists it in `inputs`");
    }
    for (size_t i = 0; i < written_.size(); ++i) {
      const Written& w = written_[i];
      llvm::StringRef path = w.path;
      for (size_t slash = path.rfind('/'); slash != llvm::StringRef::npos; slash = path.rfind('/', slash - 1)) {
        auto it = byPath.find(path.substr(0, slash));
        if (it != byPath.end() && written_[it->second].node != w.node) {
          const Written& folder = written_[it->second];
          program_->diags().report(w.range, diag::kinds::OutputInsideOutput, w.path, describe(w), folder.path,
                                   describe(folder))
              .note(folder.range, "the folder output is declared here")
              .note("a folder output belongs to one node: its tree digest would change when the other node writes");
          break;
        }
        if (slash == 0) break;
      }
    }
  }

  // The paths a node reads: its inputs' files and its `code`.
  std::vector<Read> readsOf(const Symbol* node) {
    std::vector<Read> out;
    if (auto* inputs = llvm::dyn_cast_or_null<ListExpr>(Program::property(node->decl, "inputs")))
      for (const Expr* item : inputs->items) {
        auto it = program_->references.find(item);
        if (it == program_->references.end() || !it->second.symbol) continue;
        const Reference& ref = it->second;
        if (ref.symbol == node) continue;  // reading its own output is a cycle (E0401)
        std::string name = item->kind() == ExprKind::Path ? dottedPath(llvm::cast<PathExpr>(item)) : "";
        if (ref.symbol->kind == SymbolKind::Data) {
          std::string why;
          if (const StringExpr* file = dataFile(ref.symbol->decl))
            if (std::optional<std::string> path = ir::normaliseProjectPath(file->value, why))
              out.push_back({*path, "input `" + name + "`"});
        } else if (!ref.output.empty()) {
          for (const Written& w : written_)
            if (w.node == ref.symbol && w.output == ref.output) out.push_back({w.path, "input `" + name + "`"});
        }
      }
    if (auto* code = llvm::dyn_cast_or_null<ListExpr>(Program::property(node->decl, "code")))
      for (const Expr* item : code->items) {
        std::string why;
        if (const StringExpr* value = literalPath(item))
          if (std::optional<std::string> path = ir::normaliseProjectPath(value->value, why)) out.push_back({*path, "`code`"});
      }
    return out;
  }

  // E0405: a node writing what it reads, or over a data source.
  void checkReads(const Symbol* node) {
    std::vector<Read> reads = readsOf(node);
    for (const Written& w : written_) {
      if (w.node != node) continue;
      bool reported = false;
      for (const Read& r : reads)
        if (r.path == w.path || inside(r.path, w.path) || inside(w.path, r.path)) {
          program_->diags().report(w.range, diag::kinds::WritesOwnInput, kindName(node->kind), node->name, w.path,
                                   r.what)
              .note("every run would change its own input and make the next run rerun it: write a new path and "
                    "read the old one");
          reported = true;
          break;
        }
      if (reported) continue;
      for (const auto& entry : sources_) {
        llvm::StringRef path = entry.getKey();
        if (path == w.path || inside(path, w.path) || inside(w.path, path)) {
          program_->diags().report(w.range, diag::kinds::OverwritesDataSource, kindName(node->kind), node->name,
                                   w.path, entry.getValue()->name)
              .note("a `data` declaration names a source the pipeline reads, not a file it produces: read it "
                    "through `inputs`, or make the producing step's output the input of the nodes that need it");
          break;
        }
      }
    }
  }

  // E0201: a plot reads a file its node writes: one of its outputs, or a
  // file inside one (a folder output; only the run tells folders from
  // files). `plot(outputs.NAME, …)` is checked by the properties pass.
  void checkPlots(const Symbol* node) {
    auto* plots = llvm::dyn_cast_or_null<ListExpr>(Program::property(node->decl, "plots"));
    if (!plots) return;
    for (const Expr* item : plots->items) {
      auto* call = llvm::dyn_cast<CallExpr>(item);
      if (!call || call->args.empty() || !call->args[0].name.text.empty()) continue;
      auto* file = llvm::dyn_cast_or_null<StringExpr>(call->args[0].value);
      // A type error, `outputs.NAME`, or `${…}` (E0304: no interpolation outside commands).
      if (!file || file->value.trim().empty() || file->value.contains("${")) continue;
      std::string why;
      std::optional<std::string> path = ir::normaliseProjectPath(file->value, why);
      if (!path) {
        program_->diags().report(file->range, diag::kinds::PathOutsideProject, "plot", file->value, why)
            .note("a plot shows a file its node writes inside the project folder");
        continue;
      }
      if (unresolved_.count(node)) continue;  // an output resolved only at run time may hold it
      std::vector<llvm::StringRef> mine;
      bool found = false;
      for (const Written& w : written_) {
        if (w.node != node) continue;
        found = found || w.path == *path || inside(*path, w.path);
        mine.push_back(w.path);
      }
      if (found || mine.empty()) continue;
      auto d = program_->diags().report(file->range, diag::kinds::UndefinedOutput, kindName(node->kind), node->name,
                                        *path);
      if (auto s = diag::closestMatch(program_->diags(), *path, mine)) d.note("did you mean \"" + *s + "\"?");
      d.note("a plot shows a file its node writes: one of its outputs, or a file inside a folder output");
    }
  }

  Program* program_ = nullptr;
  std::vector<Written> written_;
  std::set<const Symbol*> unresolved_;  // nodes with an output path resolved only at run time
  llvm::StringMap<const Symbol*> sources_;  // normalised data source path → data
};

}  // namespace

std::unique_ptr<Pass> createPathsPass() { return std::make_unique<PathsPass>(); }

}  // namespace mlops::sema

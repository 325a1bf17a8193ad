// Pass `imports`: loads every file the root imports (paths relative to the
// importing file, each file read once, cycles and missing files are E0204)
// and every stdlib module (std.roles, std.checks), marking those brought in
// with `use` (unknown modules are E0205).
// An import must resolve (symlinks followed) inside the project root and
// name no hidden file or folder: a spec from an untrusted pull request could
// otherwise make `check` quote lines of /etc/shadow, a key in the runner's
// home or the token actions/checkout keeps in .git/config in public CI logs.
// Such an import is refused before the file is opened, so nothing of it is
// read, and whether it exists is not told either.
#include "diag/suggest.h"
#include "sema/pass.h"
#include "syntax/parser.h"
#include "syntax/source_loader.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <optional>

namespace mlops::sema {
namespace {

std::string canonical(llvm::StringRef path) { return canonicalPath(path); }

class ImportsPass : public Pass {
 public:
  explicit ImportsPass(const SemaOptions& options) : options_(options) {}
  llvm::StringRef name() const override { return "imports"; }

  void run(Program& program) override {
    if (program.modules.empty()) return;
    program_ = &program;
    Module* root = program.modules.front().get();
    if (root->path.empty()) root->path = canonical(root->name);
    if (root->opened.empty()) root->opened = root->name;
    byPath_[root->path] = 0;
    rootDir_ = projectRootOf(llvm::sys::path::parent_path(root->path));
    loadImports();
    loadStdlib();
  }

 private:
  enum class State : uint8_t { Unvisited, Visiting, Done };

  struct Frame {
    size_t module;
    size_t nextDecl = 0;
    const ast::ImportDecl* via = nullptr;  // the import that led here
  };

  // Depth-first over imports with an explicit stack (chains of thousands of
  // files must not overflow the C++ stack).
  void loadImports() {
    std::vector<State> state(1, State::Unvisited);
    std::vector<Frame> stack{{0, 0, nullptr}};
    state[0] = State::Visiting;
    while (!stack.empty()) {
      Frame& top = stack.back();
      Module* module = program_->modules[top.module].get();
      const ast::ImportDecl* import = nextImport(module, top.nextDecl);
      if (!import) {
        state[top.module] = State::Done;
        stack.pop_back();
        continue;
      }
      std::optional<size_t> target = resolve(*module, *import);
      if (!target) continue;
      if (*target >= state.size()) state.resize(*target + 1, State::Unvisited);
      if (state[*target] == State::Visiting) {
        reportCycle(stack, *target, import);
        continue;
      }
      if (state[*target] == State::Done) continue;
      state[*target] = State::Visiting;
      stack.push_back({*target, 0, import});
    }
  }

  const ast::ImportDecl* nextImport(const Module* module, size_t& cursor) {
    if (!module->file) return nullptr;
    auto decls = module->file->decls;
    while (cursor < decls.size()) {
      if (auto* import = llvm::dyn_cast<ast::ImportDecl>(decls[cursor++])) return import;
    }
    return nullptr;
  }

  // Loads (once) the file an import names; its module index, or nullopt.
  std::optional<size_t> resolve(const Module& from, const ast::ImportDecl& import) {
    if (!import.path) return std::nullopt;
    llvm::StringRef relative = import.path->value;
    llvm::SmallString<256> path;
    if (llvm::sys::path::is_absolute(relative)) {
      path = relative;
    } else {
      path = llvm::sys::path::parent_path(from.path);
      llvm::sys::path::append(path, relative);
    }
    llvm::sys::path::remove_dots(path, true);
    auto& diags = program_->diags();
    std::string key = canonical(path);
    if (std::optional<std::string> why = outsideProject(key)) {
      diags.report(import.path->range, diag::kinds::ImportNotFound, relative, *why)
          .note("imports stay inside the project root `" + rootDir_ +
                "` (the git work tree holding the spec, or the spec's folder)");
      return std::nullopt;
    }
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(path, status) || !llvm::sys::fs::exists(status)) {
      diags.report(import.path->range, diag::kinds::ImportNotFound, relative, "no file at " + path.str().str())
          .note("imports are relative to the importing file's folder");
      return std::nullopt;
    }
    if (llvm::sys::fs::is_directory(status)) {
      diags.report(import.path->range, diag::kinds::ImportNotFound, relative, "it is a directory, expected a .mlops file");
      return std::nullopt;
    }
    if (!llvm::sys::fs::is_regular_file(status)) {
      diags.report(import.path->range, diag::kinds::ImportNotFound, relative,
                   "it is not a regular file (a device, pipe or socket)");
      return std::nullopt;
    }
    auto found = byPath_.find(key);
    if (found != byPath_.end()) return found->second;
    // Shown relative to the root as the user named it: examples/x/teams.mlops.
    llvm::SmallString<256> display;
    if (!llvm::sys::path::is_absolute(relative)) {
      display = llvm::sys::path::parent_path(from.name);
      llvm::sys::path::append(display, relative);
      llvm::sys::path::remove_dots(display, true);
    } else {
      display = relative;
    }
    auto module = std::make_unique<Module>();
    module->name = display.str().str();
    module->path = key;
    module->opened = path.str().str();
    if (options_.parsedFiles && options_.parsedFiles->count(key)) {
      module->file = options_.parsedFiles->lookup(key);
    } else {
      syntax::LoadResult loaded = syntax::loadSourceFile(program_->sources(), diags, path.str(),
                                                         syntax::kMaxSourceBytes, display.str());
      if (loaded.bufferId) {
        module->file = syntax::parseBuffer(program_->ast(), program_->sources(), loaded.bufferId, diags);
        if (options_.parsedFiles) (*options_.parsedFiles)[key] = module->file;
      } else if (loaded.error == syntax::LoadError::Io) {
        // Unreadable: the loader's E0105 names the file; this points at the import.
        diags.report(import.path->range, diag::kinds::ImportNotFound, relative, "the file could not be read");
      }
    }
    size_t index = program_->modules.size();
    program_->modules.push_back(std::move(module));
    byPath_[key] = index;
    return index;
  }

  // Why the import whose canonical path is `key` may not be read, or nullopt.
  std::optional<std::string> outsideProject(llvm::StringRef key) const {
    std::optional<PathRefusal> refused = refusedProjectPath(rootDir_, key);
    if (!refused) return std::nullopt;
    return "it " + refused->why +
           (refused->hidden ? ": imports read only spec files, not hidden files or folders" : "");
  }

  void reportCycle(const std::vector<Frame>& stack, size_t target, const ast::ImportDecl* closing) {
    size_t first = 0;
    while (first < stack.size() && stack[first].module != target) ++first;
    // The cycle: stack[first..] then back to target through `closing`.
    std::vector<const ast::ImportDecl*> sites;
    std::string chain;
    for (size_t i = first; i < stack.size(); ++i) {
      chain += llvm::sys::path::filename(program_->modules[stack[i].module]->path).str() + " -> ";
      if (i > first) sites.push_back(stack[i].via);
    }
    sites.push_back(closing);
    chain += llvm::sys::path::filename(program_->modules[target]->path).str();
    auto d = program_->diags().report(closing->path->range, diag::kinds::ImportCycle, chain);
    const size_t limit = 20;
    for (size_t i = 0; i < sites.size() && i < limit; ++i)
      if (sites[i] != closing)
        d.note(sites[i]->path->range, "imported here");
    if (sites.size() > limit) d.note("... and " + std::to_string(sites.size() - limit) + " more imports in the cycle");
  }

  void loadStdlib() {
    auto& diags = program_->diags();
    std::vector<std::string> available;
    std::error_code ec;
    llvm::SmallString<256> stdDir(options_.stdlibDir);
    llvm::sys::path::append(stdDir, "std");
    for (llvm::sys::fs::directory_iterator it(stdDir, ec), end; it != end && !ec; it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".mlops")
        available.push_back("std." + llvm::sys::path::stem(it->path()).str());
    std::sort(available.begin(), available.end());
    llvm::StringMap<size_t> loaded;
    for (const std::string& name : available) {
      llvm::SmallString<256> path(stdDir);
      llvm::sys::path::append(path, llvm::StringRef(name).drop_front(4) + ".mlops");
      auto module = std::make_unique<Module>();
      module->name = name;
      module->path = canonical(path);
      module->opened = path.str().str();
      module->stdlib = true;
      // Named `std/roles.mlops` in diagnostics and the IR: the same on every machine.
      std::string display = "std/" + llvm::StringRef(name).drop_front(4).str() + ".mlops";
      syntax::LoadResult result =
          syntax::loadSourceFile(program_->sources(), diags, path.str(), syntax::kMaxSourceBytes, display);
      syntax::ParseOptions parseOptions;
      parseOptions.reuse = options_.stdlibReuse;
      if (result.bufferId)
        module->file = syntax::parseBuffer(program_->ast(), program_->sources(), result.bufferId, diags, parseOptions);
      loaded[name] = program_->modules.size();
      program_->modules.push_back(std::move(module));
    }
    std::vector<llvm::StringRef> names(available.begin(), available.end());
    std::string list;
    for (size_t i = 0; i < available.size(); ++i) list += (i ? ", " : "") + ("`" + available[i] + "`");
    if (list.empty()) list = "(no stdlib found in " + options_.stdlibDir + ")";
    for (size_t m = 0; m < program_->modules.size(); ++m) {
      const Module* user = program_->modules[m].get();
      if (user->stdlib || !user->file) continue;
      for (const ast::Decl* d : user->file->decls) {
        auto* use = llvm::dyn_cast<ast::UseDecl>(d);
        if (!use) continue;
        std::string name;
        for (size_t i = 0; i < use->module.size(); ++i) name += (i ? "." : "") + use->module[i].text.str();
        auto it = loaded.find(name);
        if (it != loaded.end()) {
          program_->modules[it->second]->used = true;
          continue;
        }
        llvm::SMRange range(use->module.front().range.Start, use->module.back().range.End);
        auto diag = diags.report(range, diag::kinds::UnknownStdlibModule, name, list);
        std::optional<std::string> suggestion = diag::closestMatch(program_->diags(), name, names);
        if (!suggestion && llvm::is_contained(available, "std." + name)) suggestion = "std." + name;
        if (suggestion) {
          diag.note("did you mean `" + *suggestion + "`?");
          diag.fixit(range, *suggestion);
        } else if (!llvm::StringRef(name).startswith("std.")) {
          diag.note("`use` brings in stdlib modules; use `import \"file.mlops\"` for your own files");
        }
      }
    }
  }

  SemaOptions options_;
  Program* program_ = nullptr;
  llvm::StringMap<size_t> byPath_;
  std::string rootDir_;
};

}  // namespace

std::string canonicalPath(llvm::StringRef path) {
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real)) return real.str().str();
  llvm::SmallString<256> abs(path);
  llvm::sys::fs::make_absolute(abs);
  llvm::sys::path::remove_dots(abs, true);
  return abs.str().str();
}

std::string projectRootOf(llvm::StringRef folder) {
  std::string real = canonicalPath(folder);
  // The same rule as driver::repositoryRootOf (the CI paths): the nearest
  // folder with a `.git` entry (a folder, or a file in worktrees and
  // submodules), else the spec's own folder.
  for (llvm::StringRef dir = real; !dir.empty(); dir = llvm::sys::path::parent_path(dir)) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git)) return dir.str();
    if (dir == llvm::sys::path::root_path(dir)) break;
  }
  return real;
}

std::optional<PathRefusal> refusedProjectPath(llvm::StringRef root, llvm::StringRef key) {
  llvm::StringRef rest = key;
  if (root != "/" && !(rest.consume_front(root) && rest.consume_front("/")))
    return PathRefusal{"lies outside the project root", false};
  for (auto part = llvm::sys::path::begin(rest), end = llvm::sys::path::end(rest); part != end; ++part)
    if (part->startswith(".") && *part != "." && *part != "..")
      return PathRefusal{"names the hidden `" + part->str() + "`", true};
  return std::nullopt;
}

std::unique_ptr<Pass> createImportsPass(const SemaOptions& options) { return std::make_unique<ImportsPass>(options); }

}  // namespace mlops::sema

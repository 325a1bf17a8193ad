#include "driver/compilation.h"

#include "sema/pass_pipeline.h"

#include <llvm/ADT/StringSet.h>

#include <algorithm>
#include "syntax/source_loader.h"

namespace mlops::driver {

bool Compilation::parseFiles(const std::vector<std::string>& paths, const syntax::ParseOptions& options) {
  bool allReadable = true;
  for (const std::string& path : paths) {
    syntax::LoadResult loaded = syntax::loadSourceFile(sources_, diags_, path);
    if (loaded.error == syntax::LoadError::Io) allReadable = false;
    if (loaded.bufferId == 0) continue;
    files_.push_back(syntax::parseBuffer(ast_, sources_, loaded.bufferId, diags_, options, &stats_));
  }
  return allReadable;
}

bool Compilation::checkFiles(const std::vector<std::string>& paths, const sema::SemaOptions& options,
                             const syntax::ParseOptions& parseOptions, llvm::StringRef dumpAfter,
                             llvm::raw_ostream* dump) {
  // Every file is parsed once. Files with a project are checked first; a
  // file that one of them imports (directly or not) is checked as part of
  // that compilation, not again as a root of its own, so
  // `mlopsc check spec.mlops teams.mlops` (or a glob) does what users mean.
  bool allReadable = true;
  llvm::StringMap<ast::SourceFile*> parsed;
  struct Root { std::string path; std::string canonical; ast::SourceFile* file; bool hasProject; };
  std::vector<Root> roots;
  for (const std::string& path : paths) {
    syntax::LoadResult loaded = syntax::loadSourceFile(sources_, diags_, path);
    if (loaded.error == syntax::LoadError::Io) allReadable = false;
    if (loaded.bufferId == 0) continue;
    std::string canonical = path == "-" ? std::string("-") : sema::canonicalPath(path);
    if (parsed.count(canonical)) continue;  // the same file given twice
    ast::SourceFile* file = syntax::parseBuffer(ast_, sources_, loaded.bufferId, diags_, parseOptions, &stats_);
    files_.push_back(file);
    parsed[canonical] = file;
    bool hasProject = std::any_of(file->decls.begin(), file->decls.end(),
                                  [](const ast::Decl* d) { return d->kind() == ast::DeclKind::Project; });
    roots.push_back({path, canonical, file, hasProject});
  }
  std::stable_partition(roots.begin(), roots.end(), [](const Root& r) { return r.hasProject; });
  llvm::StringSet<> covered;
  sema::SemaOptions shared = options;
  shared.parsedFiles = &parsed;
  for (const Root& root : roots) {
    if (covered.count(root.canonical)) continue;
    auto program = std::make_unique<sema::Program>(ast_, sources_, diags_);
    auto module = std::make_unique<sema::Module>();
    module->name = root.path;
    module->path = root.canonical;
    module->file = root.file;
    program->modules.push_back(std::move(module));
    sema::runSemaPipeline(*program, shared, dumpAfter, dump);
    for (const auto& m : program->modules)
      if (!m->stdlib) covered.insert(m->path);
    programs_.push_back(std::move(program));
  }
  return allReadable;
}

sema::Program* Compilation::checkText(llvm::StringRef name, llvm::StringRef text,
                                     const sema::SemaOptions& options) {
  ast::SourceFile* file = parseText(name, text);
  if (!file) return nullptr;
  auto program = std::make_unique<sema::Program>(ast_, sources_, diags_);
  auto root = std::make_unique<sema::Module>();
  root->name = name.str();
  root->file = file;
  program->modules.push_back(std::move(root));
  sema::runSemaPipeline(*program, options);
  programs_.push_back(std::move(program));
  return programs_.back().get();
}

ast::SourceFile* Compilation::parseText(llvm::StringRef name, llvm::StringRef text,
                                        const syntax::ParseOptions& options) {
  syntax::LoadResult loaded = syntax::addSourceText(sources_, diags_, name, text);
  if (loaded.bufferId == 0) return nullptr;
  ast::SourceFile* file = syntax::parseBuffer(ast_, sources_, loaded.bufferId, diags_, options, &stats_);
  files_.push_back(file);
  return file;
}

}  // namespace mlops::driver

#include "driver/compilation.h"

#include "sema/pass_pipeline.h"
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
  bool allReadable = true;
  for (const std::string& path : paths) {
    syntax::LoadResult loaded = syntax::loadSourceFile(sources_, diags_, path);
    if (loaded.error == syntax::LoadError::Io) allReadable = false;
    if (loaded.bufferId == 0) continue;
    ast::SourceFile* file = syntax::parseBuffer(ast_, sources_, loaded.bufferId, diags_, parseOptions, &stats_);
    files_.push_back(file);
    auto program = std::make_unique<sema::Program>(ast_, sources_, diags_);
    auto root = std::make_unique<sema::Module>();
    root->name = path;
    root->file = file;
    program->modules.push_back(std::move(root));
    sema::runSemaPipeline(*program, options, dumpAfter, dump);
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

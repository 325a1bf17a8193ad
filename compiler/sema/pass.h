// A semantic pass: one concern, one file, run in the order of
// pass_pipeline.cpp. Passes report through the program's DiagnosticEngine
// and tolerate what earlier passes could not resolve (null references).
#pragma once

#include "sema/program.h"

#include <llvm/ADT/StringMap.h>

#include <memory>
#include <optional>
#include <string>

namespace mlops::syntax {
struct ParseReuse;
}

namespace mlops::sema {

struct SemaOptions {
  std::string stdlibDir;  // contains std/roles.mlops, std/checks.mlops
  // Files already parsed in this invocation, by canonical path: imports reuse
  // them instead of reading and reporting them twice (may be null).
  llvm::StringMap<ast::SourceFile*>* parsedFiles = nullptr;
  // The stdlib's declarations from an earlier compilation that the caller
  // keeps alive: copied instead of parsed again (the front-end fuzzer checks
  // thousands of inputs a second and would otherwise spend most of its time
  // parsing the stdlib). Its `next` fills with this compilation's copies;
  // clear it before this compilation goes away. May be null.
  syntax::ParseReuse* stdlibReuse = nullptr;
  // Files read from memory instead of the disk, by path relative to the root
  // spec's folder (the signers file of `mlopsc explain` examples, or one open
  // in the editor and not saved). May be null.
  const llvm::StringMap<std::string>* virtualFiles = nullptr;
};

// The canonical form of a path (symlinks resolved, absolute, no dots).
std::string canonicalPath(llvm::StringRef path);

// The project root of a spec in `folder`: the git work tree holding it (the
// nearest folder, symlinks resolved, with a `.git` entry), else `folder`
// itself (canonical). Imports may not leave it.
std::string projectRootOf(llvm::StringRef folder);

// Why the canonical path `key` may not be read for a spec whose project root
// is `root` (security item 2: an untrusted spec must not make `check` quote
// /etc/passwd, ~/.ssh or the token in .git/config): nullopt when it may.
struct PathRefusal {
  std::string why;  // "lies outside the project root", "names the hidden `.git`"
  bool hidden = false;
};
std::optional<PathRefusal> refusedProjectPath(llvm::StringRef root, llvm::StringRef key);

class Pass {
 public:
  virtual ~Pass() = default;
  virtual llvm::StringRef name() const = 0;
  virtual void run(Program& program) = 0;
};

std::unique_ptr<Pass> createImportsPass(const SemaOptions& options);
std::unique_ptr<Pass> createNamesPass();
std::unique_ptr<Pass> createPropertiesPass();
std::unique_ptr<Pass> createReferencesPass();
std::unique_ptr<Pass> createParamsPass(const SemaOptions& options);
std::unique_ptr<Pass> createFanOutPass();
std::unique_ptr<Pass> createInterpolationPass();
std::unique_ptr<Pass> createCheckBindingPass();
std::unique_ptr<Pass> createExpressionsPass();
std::unique_ptr<Pass> createGraphPass();
std::unique_ptr<Pass> createPathsPass();
std::unique_ptr<Pass> createSignersPass(const SemaOptions& options);
std::unique_ptr<Pass> createPolicyPass();
std::unique_ptr<Pass> createParamsUsePass();
std::unique_ptr<Pass> createWarningsPass();

}  // namespace mlops::sema

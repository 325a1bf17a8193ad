// Where the machine-readable reports for code review (SARIF for GitHub code
// scanning, GitLab Code Quality) say a file is: relative to the repository
// root, since both platforms place findings by repository-relative paths
// and the checkout that produced the report is elsewhere. The driver finds
// the root (driver/repository_path.h: the git work tree holding the spec,
// else the spec's folder) and hands the renderers this; diag itself knows
// nothing of git.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <functional>
#include <optional>
#include <string>

namespace mlops::diag {

struct SourceRoot {
  // The root's real path (absolute, no trailing `/`); empty: no root, every
  // file is named as the diagnostics name it.
  std::string path;
  // `file` (as a diagnostic names it: relative to the current directory, or
  // absolute) relative to `path` with `/` separators, starting with `../`
  // when the file lies outside the root; nullopt when it is not a file
  // (`<stdin>`) or has no path from the root.
  std::function<std::optional<std::string>(llvm::StringRef file)> relative;
  // `file` as an absolute path (symlinks and `..` resolved), for a file
  // outside the root; unset: the path as given.
  std::function<std::string(llvm::StringRef file)> absolute;

  std::optional<std::string> relativePath(llvm::StringRef file) const {
    if (path.empty() || !relative || file.empty() || file.startswith("<")) return std::nullopt;
    return relative(file);
  }
  std::string absolutePath(llvm::StringRef file) const {
    if (!absolute || file.empty() || file.startswith("<")) return file.str();
    return absolute(file);
  }
  // The path of `file` inside the root; nullopt when outside it.
  std::optional<std::string> insidePath(llvm::StringRef file) const {
    std::optional<std::string> rel = relativePath(file);
    if (!rel || *rel == ".." || llvm::StringRef(*rel).startswith("../")) return std::nullopt;
    return rel;
  }
};

}  // namespace mlops::diag

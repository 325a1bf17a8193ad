#include "driver/repository_path.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <vector>

namespace mlops::driver {

std::string resolvedPath(const std::string& path) {
  llvm::SmallString<256> absolute(path.empty() ? "." : path);
  llvm::sys::fs::make_absolute(absolute);
  // Peel components off the end until what is left exists; that prefix gets
  // its real path, and the peeled part (folders not created yet, so no
  // symlinks among them) is appended and cleaned lexically.
  llvm::SmallString<256> prefix(absolute);
  std::vector<std::string> rest;
  llvm::SmallString<256> real;
  while (llvm::sys::fs::real_path(prefix, real)) {
    llvm::StringRef parent = llvm::sys::path::parent_path(prefix);
    if (parent.empty() || parent == prefix) {  // nothing exists, not even `/`
      real = absolute;
      rest.clear();
      break;
    }
    rest.push_back(llvm::sys::path::filename(prefix).str());
    // `parent` points into `prefix`: copy it before assigning (SmallString
    // refuses to be assigned a view of itself).
    std::string up = parent.str();
    prefix = up;
  }
  for (auto it = rest.rbegin(); it != rest.rend(); ++it) llvm::sys::path::append(real, *it);
  llvm::sys::path::remove_dots(real, /*remove_dot_dot=*/true);
  return real.str().str();
}

RepositoryRoot repositoryRootOf(const std::string& spec) {
  std::string file = resolvedPath(spec);
  std::string folder = llvm::sys::path::parent_path(file).str();
  for (llvm::StringRef dir = folder; !dir.empty(); dir = llvm::sys::path::parent_path(dir)) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git)) return {dir.str(), true};
    if (dir == llvm::sys::path::root_path(dir)) break;
  }
  return {folder, false};
}

std::optional<std::string> relativeToRoot(const std::string& root, const std::string& file) {
  llvm::StringRef f(file);
  llvm::StringRef r(root);
  while (r.size() > 1 && r.endswith("/")) r = r.drop_back();
  if (!f.consume_front(r)) return std::nullopt;
  if (r != "/" && !f.empty() && !f.consume_front("/")) return std::nullopt;  // /repo-other is not in /repo
  if (f.empty()) return std::nullopt;  // the root itself is a folder, not a file in it
  return llvm::sys::path::convert_to_slash(f);
}

bool isRepositoryRelative(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "it is empty";
    return false;
  }
  if (llvm::sys::path::is_absolute(path, llvm::sys::path::Style::posix) ||
      llvm::sys::path::is_absolute(path, llvm::sys::path::Style::windows)) {
    error = "it is absolute: a CI job's checkout is elsewhere, expected a path relative to the repository root";
    return false;
  }
  int depth = 0;
  for (llvm::StringRef part : llvm::make_range(llvm::sys::path::begin(path, llvm::sys::path::Style::posix),
                                               llvm::sys::path::end(path))) {
    if (part == "..") --depth;
    else if (part != ".") ++depth;
    if (depth < 0) {
      error = "its `..` leaves the repository root, expected a path inside the checkout";
      return false;
    }
  }
  if (depth == 0) {
    error = "it names the repository root, expected the path of pipeline.json";
    return false;
  }
  return true;
}

}  // namespace mlops::driver

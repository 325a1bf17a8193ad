#include "syntax/spec_files.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>

namespace mlops::syntax {

bool isSkippedFolder(const std::string& name) {
  return (!name.empty() && name[0] == '.' && name != "." && name != "..") || name == "build" ||
         name == "node_modules";
}

std::vector<std::string> findSpecFiles(const std::string& folder, std::error_code& ec) {
  std::vector<std::string> found;
  ec.clear();
  for (llvm::sys::fs::recursive_directory_iterator it(folder, ec, /*follow_symlinks=*/false), end; it != end && !ec;
       it.increment(ec)) {
    std::string name = llvm::sys::path::filename(it->path()).str();
    llvm::sys::fs::file_type type = it->type();
    if (type == llvm::sys::fs::file_type::type_unknown) {
      // Some file systems do not report the type in the listing.
      llvm::sys::fs::file_status status;
      if (llvm::sys::fs::status(it->path(), status, /*follow=*/false)) continue;
      type = status.type();
    }
    if (type == llvm::sys::fs::file_type::directory_file) {
      if (isSkippedFolder(name)) it.no_push();
      continue;
    }
    if (type == llvm::sys::fs::file_type::regular_file && name[0] != '.' && llvm::StringRef(name).endswith(".mlops"))
      found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace mlops::syntax

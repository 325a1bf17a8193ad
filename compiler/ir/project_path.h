// A path a spec writes relative to the project folder, in one spelling:
// the paths pass compares outputs, inputs and plot files with it, the IR
// builder finds the output a plot file belongs to, and the IR reader checks
// a plot's file against its output.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace mlops::ir {

// `a/./b/../c/` → `a/c`; nullopt with `why` when the path is absolute or
// climbs out of the project folder.
std::optional<std::string> normaliseProjectPath(llvm::StringRef path, std::string& why);

// Whether `inner` lies strictly inside the folder `outer` (both normalised).
bool insideProjectPath(llvm::StringRef inner, llvm::StringRef outer);

}  // namespace mlops::ir

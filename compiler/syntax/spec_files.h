// Finding the specs under a folder: every regular file named `*.mlops`
// (hidden files aside), skipping hidden folders (`.git`, a project's run state `.mlops/`), `build/`
// and `node_modules/`, without following symbolic links to folders. A run's
// state folder is named `.mlops`: a walk that took every path ending in
// `.mlops` would take that folder for a spec. `mlopsc fmt DIR`, the tests
// and the benchmarks all walk with this one function.
#pragma once

#include <string>
#include <system_error>
#include <vector>

namespace mlops::syntax {

// Whether a folder met in a walk is skipped (`.git`, `.mlops`, `build`, ...).
bool isSkippedFolder(const std::string& name);

// The spec files under `folder`, sorted; `folder` itself is searched even if
// its name would be skipped. `ec` is set when the folder cannot be read.
std::vector<std::string> findSpecFiles(const std::string& folder, std::error_code& ec);

}  // namespace mlops::syntax

// A data node whose source the runtime brings into the project before
// use (`http`, `git`: ir::localDataPath names where): fetched when missing
// or no longer matching its pin, then read from there like a file.
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>

namespace mlops::runtime {

// Whether `source` is fetched into `.mlops/sources/` (http, git).
bool isFetchedSource(const ir::Source& source);

// Makes the source's local copy current; what was done, or nullopt with
// `error` (a mismatching download, an unreachable server, a missing commit).
std::optional<std::string> fetchSource(const std::string& root, const ir::Source& source, bool dryRun,
                                       std::string& error);

}  // namespace mlops::runtime

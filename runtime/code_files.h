// The code a node runs, so that editing it reruns the node: a script edit
// must not leave a stale model "cached".
//
// Two sources, both relative to the project folder:
//   - automatic: every word of the node's `run` command that names an
//     existing regular file inside the project (`python3 steps/train.py`,
//     `./deploy.sh`, `--config=conf/train.yaml`). Words are split like a
//     shell would at blanks and at ; | & < > ( ) and backquotes, quotes
//     removed, targets of `>` and `>>` left out (the command writes them);
//     in `--opt=VALUE` and `NAME=VALUE` the VALUE counts. Words
//     holding an interpolation (`${inputs.x}`) are skipped: inputs and
//     outputs are keyed on their own, and so are the node's declared paths.
//   - declared: the node's `code` list, files or folders (a package the
//     script imports: `code = ["src/", "lib/utils.py"]`); a declared path
//     that does not exist is an error, since it is most likely a typo.
// Folders are hashed as trees (content_hash.h). A word naming a file that
// does not exist yet is not code; a later full check picks it up once it
// exists (the no-op fast path records only files that existed).
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

// The shell words of a command, quotes removed, operators dropped, and the
// targets of output redirections (`> f`, `>> f`, `2> f`) dropped too: the
// command writes them, so they are no code of it.
std::vector<std::string> commandWords(const std::string& command);

// The node's code paths (relative, normalised, sorted, unique), or nullopt
// with `error` when a declared `code` path is missing or leaves the project.
std::optional<std::vector<std::string>> codePaths(const ir::PipelineGraph& graph, const ir::Node& node,
                                                  const std::string& root, std::string& error);

}  // namespace mlops::runtime

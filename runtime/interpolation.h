// Expands the `${…}` interpolations of a node's `run` (and a deploy's
// `rollback`) into the shell command the runtime hands to `/bin/sh -c`.
//
// Each expansion becomes exactly one shell word: a value with characters the
// shell would interpret (spaces, quotes, `$`, `;`, …) is single-quoted. That
// quoting holds only where a shell word starts, so a command with an
// interpolation inside quotes, after `\`, in backticks, a here-document, a
// comment, arithmetic or a shell `${…}` is refused (ir/shell_context.h): a
// value cannot inject a command. A command that runs its argument as code
// (`eval`, `sh -c`, `ssh host`) still does. `${secrets.NAME}` may also stand
// inside double quotes, where it becomes `${NAME}`; bare it becomes
// the shell reference "$NAME": the runtime passes the secret in the node's
// environment, so its value never appears in the command line (`ps`), the
// cache key, the state store or the logs. `$${` is a literal `${`.
//
// The compiler has checked every interpolation (E0304); an IR that names
// something missing (a hand-edited pipeline.json) is an error here.
#pragma once

#include "ir/pipeline_graph.h"
#include "ir/shell_context.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

struct Interpolated {
  std::string command;
  std::vector<std::string> secrets;  // names referenced, in order of first use
};

// Expands `text` (the node's `run` or `rollback`). On failure returns nullopt
// and says why in `error` (lowercase, names the interpolation).
std::optional<Interpolated> interpolate(const ir::PipelineGraph& graph, const ir::Node& node, std::string_view text,
                                        std::string& error);

// The path of an input as the command sees it (relative to the project
// root): a `file` data source's path, or the producer's declared output.
std::optional<std::string> inputPath(const ir::PipelineGraph& graph, const ir::Input& input, std::string& error);

// `path` as seen from where mlopsc runs: relative paths are under `root`
// (the project root; "" or "." leave them as they are).
std::string projectPath(const std::string& root, const std::string& path);

// `value` as one shell word: as it is when it only holds characters the
// shell leaves alone, else single-quoted (`'` written as `'\''`).
std::string shellWord(std::string_view value);

}  // namespace mlops::runtime

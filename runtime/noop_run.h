// The no-op fast path of `mlopsc run` (runtime/noop_manifest.h): runNoop
// (declared in runner.h) answers from the manifest; noopManifestOf is the
// manifest a full run leaves when it left every node up to date.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/content_hash.h"
#include "runtime/progress.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mlops::runtime {

// The no-op manifest of a run that left every node up to date: only data,
// steps and models (the rest is evaluated on every run), each `cached`,
// `checked` or `ran`, with the stamps of the files they read and wrote.
// Every file must still have the stamp it had when the run hashed it (the
// memo): a file changed during the run, or rewritten by a later node, leaves
// no manifest, so the next run checks in full.
std::optional<std::string> noopManifestOf(const ir::PipelineGraph& g, const std::vector<const ir::Node*>& order,
                                          const std::vector<ProgressLine>& lines, const std::string& root,
                                          const FileHasher& hasher,
                                          const std::unordered_map<std::string, std::vector<std::string>>& code);

}  // namespace mlops::runtime

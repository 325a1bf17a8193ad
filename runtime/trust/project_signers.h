// The signers file a compiled pipeline names (ir::PipelineGraph::signers),
// read back at every command that signs or counts approvals: `approve`,
// each gate evaluation (local and CI `--node`), `history --verify`,
// `report` and `attest`. Its bytes must have the SHA-256 the IR recorded:
// who may sign is what was reviewed and compiled, so a signers file edited
// after compiling is refused ("compile again"), never half-trusted.
#pragma once

#include "ir/pipeline_graph.h"
#include "support/allowed_signers.h"

#include <optional>
#include <string>

namespace mlops::runtime {

// allowed_signers is a short text file: larger is no signers file.
inline constexpr size_t kMaxSignersFileBytes = 1024 * 1024;

struct ProjectSigners {
  std::string path;          // root/path as read
  std::string bytes;         // exactly what was digested and parsed
  support::SignersFile file;  // its lines (the compiler accepted every one)
};

// Reads `root/graph.signers->path` (`root`: the project folder the
// command works in, graph.root for a run; a regular file of at most
// kMaxSignersFileBytes, never a FIFO or device), checks its digest against
// the IR's and parses it. Nullopt with `error`, a sentence for the user,
// when the graph names no signers file, it cannot be read, changed since
// compiling, or has a line the compiler would refuse (E0307: it changed).
std::optional<ProjectSigners> loadProjectSigners(const ir::PipelineGraph& graph, const std::string& root,
                                                 std::string& error);

// A file's bytes read as the signers file is (regular, bounded); for
// `--signers FILE` of history and attest.
std::optional<std::string> readSignersBytes(const std::string& path, std::string& error);

}  // namespace mlops::runtime

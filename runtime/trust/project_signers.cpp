#include "runtime/trust/project_signers.h"

#include "runtime/bounded_file.h"
#include "runtime/content_hash.h"
#include "support/display_text.h"


namespace mlops::runtime {

std::optional<std::string> readSignersBytes(const std::string& path, std::string& error) {
  BoundedRead r = readBoundedFile(path, kMaxSignersFileBytes, /*followLinks=*/true);
  if (!r.bytes) error = r.describe("the signers file `" + support::escapeControls(path) + "`", kMaxSignersFileBytes);
  return r.bytes;
}

std::optional<ProjectSigners> loadProjectSigners(const ir::PipelineGraph& graph, const std::string& root,
                                                 std::string& error) {
  if (!graph.signers) {
    error = "the project names no signers file";
    return std::nullopt;
  }
  ProjectSigners out;
  out.path = root.empty() || root == "." ? graph.signers->path : root + "/" + graph.signers->path;
  std::optional<std::string> bytes = readSignersBytes(out.path, error);
  if (!bytes) return std::nullopt;
  out.bytes = std::move(*bytes);
  std::string shown = "`" + support::escapeControls(out.path) + "`";
  if (sha256Hex(out.bytes) != graph.signers->sha256) {
    error = "the signers file " + shown + " changed since the pipeline was compiled: compile again (`mlopsc build` " +
            "or `mlopsc run SPEC`) so that the changed list of who may sign is the one checked";
    return std::nullopt;
  }
  std::vector<support::SignersProblem> problems;
  out.file = support::parseAllowedSigners(out.bytes, problems);
  if (!problems.empty()) {
    const support::SignersProblem& p = problems.front();
    error = shown + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message;
    return std::nullopt;
  }
  return out;
}

}  // namespace mlops::runtime

#include "runtime/ci_evidence.h"

#include "runtime/approvals.h"
#include "runtime/artifacts.h"
#include "runtime/interpolation.h"

#include <algorithm>
#include <cstdlib>

namespace mlops::runtime {
namespace {

std::string shortDigest(const std::string& hex) { return hex.empty() ? "none" : hex.substr(0, 12); }

// Both digests read the bytes (no memo): what a CI job proves must be what
// is on disk now (runtime/approvals.h currentOutputs).
std::string modelDigest(const ir::PipelineGraph& g, const std::string& id, const std::string& root) {
  const ir::Node* model = g.find(id);
  if (!model) return "";
  std::string missing;
  std::optional<NodeSuccess> outputs = currentOutputs(*model, root, missing);
  return outputs ? artifactDigest(*outputs) : "";
}

// A data node's file, digested as a one-output artifact.
std::string dataDigest(const ir::Node& data, const std::string& root) {
  if (data.source.kind != "file") return "";
  for (const auto& [key, path] : data.source.arguments) {
    if (key != "path") continue;
    std::string error;
    std::optional<Digest> d = hashFile(projectPath(root, path), error);
    if (!d) return "";
    NodeSuccess file;
    file.outputs.emplace_back(path, *d);
    return artifactDigest(file);
  }
  return "";
}

}  // namespace

bool runningInCi() {
  const char* ci = std::getenv("CI");
  if (!ci) return false;
  std::string value = ci;
  return !value.empty() && value != "0" && value != "false";
}

std::string artifactName(std::string id) {
  std::replace(id.begin(), id.end(), ':', '-');
  return id;
}

bool isEvidence(const ir::Node& n) { return n.kind == ir::NodeKind::Test || n.kind == ir::NodeKind::Gate; }

bool needsResults(const ir::Node& n) { return n.kind == ir::NodeKind::Gate || n.kind == ir::NodeKind::Deploy; }

std::string judgedArtifact(const ir::PipelineGraph& g, const ir::Node& n, const std::string& root) {
  switch (n.kind) {
    case ir::NodeKind::Test: {
      const ir::Node* target = g.find(n.target);
      if (!target) return "";
      return target->kind == ir::NodeKind::Data ? dataDigest(*target, root)
                                                : modelDigest(g, target->id, root);
    }
    case ir::NodeKind::Gate:
    case ir::NodeKind::Deploy: return modelDigest(g, n.model, root);
    case ir::NodeKind::Step:
    case ir::NodeKind::Model: return modelDigest(g, n.id, root);
    case ir::NodeKind::Data: return dataDigest(n, root);
    default: return "";
  }
}

std::optional<NodeResult> readNodeResult(const std::string& dir, const std::string& id, std::string& error) {
  std::string relative = artifactName(id) + "/result.json";
  std::string path = dir + "/" + relative;
  bool missing = false;
  std::optional<std::string> text = readArtifactFile(dir, relative, kMaxResultBytes, error, &missing);
  if (!text) {
    if (missing) error = "`" + path + "` is missing: the job of `" + id + "` left no result";
    return std::nullopt;
  }
  std::optional<NodeResult> result = parseNodeResult(*text, error);
  if (!result) {
    error = "`" + path + "`: " + error;
    return std::nullopt;
  }
  if (result->node != id) {
    error = "`" + path + "` is the result of `" + result->node + "`, expected `" + id + "`";
    return std::nullopt;
  }
  return result;
}

bool requiredTestsPassed(const ir::PipelineGraph& g, const ir::Node& gate, const std::string& dir,
                         const std::string& root, const std::string& modelArtifact,
                         std::string& error) {
  for (const std::string& id : gate.require) {
    const ir::Node* test = g.find(id);
    if (!test || test->kind != ir::NodeKind::Test) {
      error = "required test `" + id + "` is not a test of the graph";
      return false;
    }
    std::optional<NodeResult> result = readNodeResult(dir, id, error);
    if (!result) {
      error = "required test `" + id + "` has no passing result: " + error;
      return false;
    }
    std::string expected = test->target == gate.model ? modelArtifact : judgedArtifact(g, *test, root);
    if (expected.empty() || result->artifact != expected) {
      error = "required test `" + id + "` judged artifact " + shortDigest(result->artifact) + ", but this job has " +
              shortDigest(expected) + " of `" + test->target + "`: its result is not evidence for it";
      return false;
    }
    bool blocking = test->severity != "warning";
    if (!passesGate(*result, blocking)) {
      error = "required test `" + id + "`" +
              (blocking && result->status == "warning" ? " is blocking: its result is `warning`, expected `passed`"
                                                       : " did not pass: its result is `" + result->status + "`") +
              (result->why.empty() ? "" : " (" + result->why + ")");
      return false;
    }
  }
  return true;
}

bool gatePassed(const ir::Node& deploy, const std::string& dir, const std::string& artifact, std::string& error) {
  if (deploy.after.empty()) return true;
  std::optional<NodeResult> result = readNodeResult(dir, deploy.after, error);
  if (!result) {
    error = "no passed result of its gate `" + deploy.after + "`: " + error;
    return false;
  }
  if (result->artifact != artifact) {
    error = "its gate `" + deploy.after + "` judged artifact " + shortDigest(result->artifact) +
            ", but this job would ship " + shortDigest(artifact) + ": the gate did not pass this model";
    return false;
  }
  if (result->status != "passed") {
    error = "its gate `" + deploy.after + "` did not pass artifact " + shortDigest(artifact) + ": its result is `" +
            result->status + "`, expected `passed`";
    return false;
  }
  return true;
}

}  // namespace mlops::runtime

// What a node's CI job must prove from earlier jobs' results before it acts,
// and what its own result names (docs/ci.md section 1).
//
// `mlopsc run pipeline.json --node ID --artifacts DIR` with `CI` set is a CI
// job: what is upstream of the node ran in earlier jobs, whose folders an
// attacker may control. A result (runtime/node_result.h) is evidence only
// for the node it names and the artifact digest it judged, so a gate's job
// needs each required test's result for the model artifact the job restored
// (or the data a data test checks), and a deploy's job its gate's passed
// result for the artifact it ships. Approvals come from the team's record
// (MLOPS_STATE), never from the platform's approval steps, which are an
// extra layer (docs/ci.md section 2).
//
// Outside a CI job `--node` needs what a full run needs: the tests and gates
// upstream of the node are evaluated with it (isEvidence), approvals come
// from the state store.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/content_hash.h"
#include "runtime/node_result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlops::runtime {

// The cap on a result.json read from an artifact folder: a record is a few
// hundred bytes, more is an attack on the job's memory.
inline constexpr uint64_t kMaxResultBytes = uint64_t(1) << 20;

// Whether this process is a CI job's: `CI` set to anything but "", "0" or
// "false" (GitHub Actions and GitLab CI set it, the Argo templates mlopsc
// writes too).
bool runningInCi();

// `model:scorer` → `model-scorer`: the artifact folder of a node.
std::string artifactName(std::string id);

// Whether `--node` outside a CI job evaluates `n` too when it lies upstream:
// tests and gates, the evidence a full run checks before a gate passes and a
// deploy rolls out (data, steps and models are used as they are on disk).
bool isEvidence(const ir::Node& n);

// Whether a CI job of `n` needs earlier jobs' results (its `--artifacts`):
// gates and deploys.
bool needsResults(const ir::Node& n);

// The digest of what `n` judged, as its result names it: a test's target (a
// model's artifact, or a data source's file), a gate's or deploy's model
// artifact, a step's or model's own outputs, a data node's file; "" for a
// monitor or when the files are missing. Digests by artifactDigest
// (runtime/approvals.h) of the files under `root` as they are now.
std::string judgedArtifact(const ir::PipelineGraph& g, const ir::Node& n, const std::string& root);

// DIR/<node>/result.json of node `id`: a regular file reached without
// following a link, at most kMaxResultBytes, of the current format, naming
// `id`. Nullopt with `error` naming the file and what is wrong.
std::optional<NodeResult> readNodeResult(const std::string& dir, const std::string& id, std::string& error);

// A gate's CI job: every required test left a result that judged what this
// job has (`modelArtifact`, the digest of the gate's model as restored, or
// the data a data test checks) and passed (a test of severity `warning` may
// have warned). False with `error` naming the test and what is wrong.
bool requiredTestsPassed(const ir::PipelineGraph& g, const ir::Node& gate, const std::string& dir,
                         const std::string& root, const std::string& modelArtifact,
                         std::string& error);

// A deploy's CI job: its gate (`after`) left a `passed` result for
// `artifact`, the digest of the model artifact this job would ship. A deploy
// without a gate needs none. False with `error`.
bool gatePassed(const ir::Node& deploy, const std::string& dir, const std::string& artifact, std::string& error);

}  // namespace mlops::runtime

// A node's result record, `DIR/<node>/result.json`: what `mlopsc run --node
// --artifacts DIR` leaves after a CI job (docs/ci.md section 1), and what a
// gate's job reads for each required test and a deploy's job for its gate.
// The file comes from an earlier job's artifacts, so reading it checks every
// field; a result is evidence only for the node it names and the artifact
// digest it judged (runtime/ci_evidence.h checks both).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops::runtime {

// The format `version` this runtime writes and reads. 1 (no `version`)
// named neither the node nor the artifact reliably: refused.
inline constexpr int kNodeResultVersion = 2;

struct NodeResult {
  std::string node;      // the node id, `test:floor`
  std::string status;    // the node's line status: `passed`, `warning`, `failed`, `ran`, ...
  std::string why;
  double seconds = 0;
  // The digest of the artifact the node judged (runtime/ci_evidence.h,
  // judgedArtifact): a test's or gate's or deploy's model artifact, a data
  // test's data, a step's or model's own outputs; "" when it judged none
  // (a monitor, a node that failed before its outputs existed).
  std::string artifact;
};

// The document, as written after a node (nlohmann `dump(2)` and a newline).
std::string writeNodeResult(const NodeResult& result);

// Parses result.json: an object with `version` kNodeResultVersion and the
// strings `node` (not empty), `status` and `artifact`; `why`, when present,
// is a string and `seconds` a number. Nullopt with `error` (lowercase, says
// what was found and what was expected) otherwise.
std::optional<NodeResult> parseNodeResult(std::string_view text, std::string& error);

// Whether a required test's result lets its gate pass: it passed, or, for a
// test of severity `warning` (`blocking` false), only warned.
bool passesGate(const NodeResult& result, bool blocking);

}  // namespace mlops::runtime

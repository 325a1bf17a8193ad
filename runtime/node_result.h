// A node's result record, `DIR/<node>/result.json`: what `mlopsc run --node
// --artifacts DIR` leaves after a CI job (docs/ci.md section 1), and what a
// gate's job reads for each required test. The file comes from an earlier
// job's artifacts, so reading it checks every field it uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops::runtime {

struct NodeResult {
  std::string node;    // the node id, `test:floor`
  std::string status;  // the node's line status: `passed`, `warning`, `failed`, `ran`, ...
  std::string why;
  double seconds = 0;
};

// The document, as written after a node (nlohmann `dump(2)` and a newline).
std::string writeNodeResult(const NodeResult& result);

// Parses result.json: an object with a string `status`; `node` and `why`,
// when present, are strings and `seconds` a number. Nullopt with `error`
// (lowercase, says what was found and what was expected) otherwise.
std::optional<NodeResult> parseNodeResult(std::string_view text, std::string& error);

// Whether a required test's result lets its gate pass: it passed, or only warned.
bool passesGate(const NodeResult& result);

}  // namespace mlops::runtime

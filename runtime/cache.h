// When a node may be skipped: its cache key — the interpolated command, its
// parameters, the content digests of its inputs and of its code (the project
// files its command names, and its `code` files and folders), the names of
// its declared environment variables and the runtime version — equals the key of its last
// success, and its outputs still have the digests that success recorded.
// Otherwise the node runs, and `why` says what changed, first difference
// first: "never ran", "command changed", "parameter `c` changed", "input
// `build/features.csv` changed", "code `steps/train.py` changed", "output
// `build/m.json` missing", ...
#pragma once

#include "runtime/content_hash.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::runtime {

// What goes into a node's cache key, kept part by part so a rerun can say
// which part changed. Serialised with the node's success in the state store.
struct CacheParts {
  Digest command;
  std::vector<std::pair<std::string, std::string>> params;  // name → text, declared order
  std::vector<std::pair<std::string, Digest>> inputs;       // path → content digest, declared order
  std::vector<std::pair<std::string, Digest>> code;         // path → content or tree digest, sorted
  std::vector<std::string> envNames;
  std::string runtimeVersion;

  Digest key() const;
  std::string toJson() const;
  static std::optional<CacheParts> fromJson(const std::string& text);
};

struct Verdict {
  bool upToDate = false;
  std::string why;  // empty when up to date
};

// `previous`: the parts of the last success (nullopt: never succeeded);
// `recorded`: the output digests that success recorded; `outputsNow`: the
// outputs' digests now (nullopt: missing).
Verdict judge(const std::optional<CacheParts>& previous, const CacheParts& now,
              const std::vector<std::pair<std::string, Digest>>& recorded,
              const std::vector<std::pair<std::string, std::optional<Digest>>>& outputsNow);

}  // namespace mlops::runtime

// What one checkout remembers for itself, always in its `.mlops/state.db`
// whichever record (runtime/state/record.h) the team shares: each node's
// last success (whether it is up to date here), the file-hash memo and the
// no-op manifest. None of it means anything on another machine's disk.
#pragma once

#include "runtime/content_hash.h"
#include "runtime/state/records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace mlops::runtime {

class LocalCache {
 public:
  virtual ~LocalCache() = default;

  virtual std::optional<NodeSuccess> lastSuccess(const std::string& node) const = 0;
  // Every node's last success at once (a run reads them all up front).
  virtual std::unordered_map<std::string, NodeSuccess> allSuccesses() const = 0;
  // Replaces the node's last success (`success.run` names the run).
  virtual void saveSuccess(const std::string& node, const NodeSuccess& success) = 0;

  // The no-op manifest (runtime/noop_manifest.h): at most one is kept, with
  // the run that wrote it.
  virtual std::optional<std::string> noopManifest(const std::string& key, int64_t* run = nullptr) const = 0;
  virtual void saveNoopManifest(const std::string& key, const std::string& body, int64_t run) = 0;
  virtual void forgetNoopManifest() = 0;

  virtual void loadHashes(FileHasher& hasher) const = 0;
  virtual void saveHashes(const FileHasher& hasher) = 0;
};

}  // namespace mlops::runtime

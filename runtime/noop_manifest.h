// The no-op fast path of `mlopsc run`, as ninja's is: when the last run of
// the same pipeline.json (same digest, same targets, same mlopsc) left every
// selected node up to date, it wrote a manifest: each node's id and label
// and the stamps (device, inode, size, mtime, ctime) of every file it read or
// wrote. If every one of those files still has its stamp, nothing can have
// changed and the run is a no-op: it prints what a full check would print
// without parsing the graph or reading the state of each node. Any
// difference (or a graph with tests, gates, deploys or monitors, which are
// evaluated on every run) falls back to the full check, which is always
// right; the fast path only answers "all up to date" when it is certain.
#pragma once

#include "runtime/content_hash.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct ManifestNode {
  std::string id, label, status;  // status: cached | checked
  // Files and folders the node read or wrote (links at these paths followed).
  std::vector<std::pair<std::string, FileStamp>> files;
  // Every entry inside those folders, links not followed: a file rewritten
  // in a folder changes its own stamp, one added or removed its folder's.
  std::vector<std::pair<std::string, FileStamp>> treeEntries;
};

// The manifest's key: the graph's bytes (by their digest, `hashBytes(irJson).hex()`,
// which the run computes once), the targets, the runtime version.
std::string noopManifestKey(const std::string& irDigest, const std::vector<std::string>& targets,
                            const std::string& runtimeVersion);

std::string writeNoopManifest(const std::vector<ManifestNode>& nodes);
std::optional<std::vector<ManifestNode>> readNoopManifest(const std::string& body);

// Whether every file of every node still has its recorded stamp (`root`
// prefixes relative paths).
bool manifestHolds(const std::vector<ManifestNode>& nodes, const std::string& root);

// The project root recorded in a pipeline.json (`project.root`), found
// without parsing the whole document; nullopt when it cannot be found.
std::optional<std::string> projectRootOf(const std::string& irJson);

}  // namespace mlops::runtime

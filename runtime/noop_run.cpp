#include "runtime/noop_run.h"

#include "ir/source_kinds.h"

#include "runtime/exec/process_registry.h"
#include "runtime/interpolation.h"
#include "runtime/noop_manifest.h"
#include "runtime/run_lock.h"
#include "runtime/runner.h"
#include "runtime/runner_support.h"
#include "runtime/state/sqlite_store.h"

#include <llvm/Support/FileSystem.h>

#include <cstdlib>
#include <memory>
#include <unistd.h>

namespace mlops::runtime {

using namespace runner_support;

std::optional<std::string> noopManifestOf(const ir::PipelineGraph& g, const std::vector<const ir::Node*>& order,
                                          const std::vector<ProgressLine>& lines, const std::string& root,
                                          const FileHasher& hasher,
                                          const std::unordered_map<std::string, std::vector<std::string>>& code) {
  if (lines.size() != order.size()) return std::nullopt;
  std::unordered_map<std::string, const ProgressLine*> byId;
  for (const ProgressLine& l : lines) byId[l.node] = &l;
  std::vector<ManifestNode> nodes;
  std::string error;
  for (const ir::Node* n : order) {
    if (n->kind != ir::NodeKind::Data && n->kind != ir::NodeKind::Step && n->kind != ir::NodeKind::Model)
      return std::nullopt;
    auto it = byId.find(n->id);
    if (it == byId.end()) return std::nullopt;
    const std::string& status = it->second->status;
    if (status != "ran" && status != "cached" && status != "checked") return std::nullopt;
    ManifestNode m{n->id, label(*n), n->kind == ir::NodeKind::Data ? "checked" : "cached", {}, {}};
    std::vector<std::string> paths;
    if (n->kind == ir::NodeKind::Data)
      if (std::optional<std::string> local = ir::localDataPath(n->source)) paths.push_back(*local);
    for (const ir::Input& in : n->inputs) {
      std::optional<std::string> path = inputPath(g, in, error);
      if (!path) return std::nullopt;
      paths.push_back(*path);
    }
    for (const auto& [name, path] : n->outputs) paths.push_back(path);
    if (n->kind != ir::NodeKind::Data) {
      auto found = code.find(n->id);
      if (found == code.end()) return std::nullopt;
      paths.insert(paths.end(), found->second.begin(), found->second.end());
    }
    // Every file must have the stamp the run hashed it with (the memo).
    auto hashedAsIs = [&](const std::string& full, const FileStamp& stamp) {
      auto known = hasher.entries().find(full);
      return known != hasher.entries().end() && known->second.stamp == stamp;
    };
    for (const std::string& p : paths) {
      std::string full = join(root, p);
      std::optional<FileStamp> stamp = statEntry(full, error);
      if (!stamp) return std::nullopt;
      if (isFolder(full)) {
        std::optional<std::vector<TreeEntry>> entries = listTree(full, error);
        if (!entries) return std::nullopt;
        for (const TreeEntry& e : *entries) {
          if (e.kind == 'f' && n->kind != ir::NodeKind::Data && !hashedAsIs(full + "/" + e.path, e.stamp))
            return std::nullopt;
          m.treeEntries.emplace_back(p + "/" + e.path, e.stamp);
        }
      } else if (n->kind != ir::NodeKind::Data && !hashedAsIs(full, *stamp)) {
        return std::nullopt;
      }
      m.files.emplace_back(p, *stamp);
    }
    nodes.push_back(std::move(m));
  }
  std::string body = writeNoopManifest(nodes);
  if (body.empty()) return std::nullopt;
  return body;
}

std::optional<RunStatus> runNoop(const std::string& rootIn, const std::string& irJson, const RunOptions& o) {
  if (o.dryRun || !o.node.empty()) return std::nullopt;
  std::string root = rootIn.empty() ? "." : rootIn;
  std::string mlopsDir = root + "/.mlops";
  if (!llvm::sys::fs::exists(mlopsDir + "/state.db")) return std::nullopt;
  RunLock lock;
  if (!lock.acquire(mlopsDir + "/lock", o.err)) return std::nullopt;
  killOrphanGroups(mlopsDir + "/process-groups", o.err);
  // Only the local file: the fast path never opens a shared record. Beside
  // one, the no-op run is recorded in the local file alone.
  std::string error;
  std::unique_ptr<SqliteStore> state = SqliteStore::open(
      mlopsDir + "/state.db", error,
      o.state.isDefault() ? SqliteStore::Use::RecordAndCache : SqliteStore::Use::LocalCacheOnly);
  if (!state) return std::nullopt;
  int64_t manifestRun = 0;  // the run whose results this one repeats (history shows them as cached)
  std::string digest = hashBytes(irJson).hex();
  std::optional<std::string> body =
      state->noopManifest(noopManifestKey(digest, o.targets, o.runtimeVersion), &manifestRun);
  if (!body) return std::nullopt;
  std::optional<std::vector<ManifestNode>> nodes = readNoopManifest(*body);
  if (!nodes || !manifestHolds(*nodes, root)) return std::nullopt;

  state->saveGraph(digest, irJson);
  int64_t run = state->beginRun(digest, manifestRun);
  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(::fileno(o.out)) && term && std::string(term) != "dumb";
  Progress progress(o.out, o.err, nodes->size(), terminal);
  for (const ManifestNode& n : *nodes) progress.finished({n.id, n.label, n.status, "", 0}, o.explain);
  state->finishRun(run, "succeeded");
  size_t cached = 0;
  for (const ManifestNode& n : *nodes) cached += n.status == "cached";
  progress.summary("run succeeded: 0 ran, " + std::to_string(cached) +
                   " up to date, 0 failed or skipped (no file changed since the last run)");
  return RunStatus::Success;
}

}  // namespace mlops::runtime

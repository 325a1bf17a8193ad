#include "runtime/trust/subjects.h"

#include "runtime/content_hash.h"
#include "runtime/interpolation.h"
#include "support/display_text.h"

namespace mlops::runtime {
namespace {

// Why a folder's entry keeps it from being signed; empty when it does not.
std::string entryProblem(const std::string& folder, const TreeEntry& e) {
  std::string where = "`" + support::escapeControls(folder + "/" + e.path) + "`";
  if (e.kind == 'l') return "the folder holds the symbolic link " + where;
  if (e.kind == 'o') return "the folder holds " + where + ", which is neither a file nor a folder";
  if (e.path.find_first_of("\\\n\r") != std::string::npos)
    return "the folder holds " + where + ", whose name has a backslash, line feed or carriage return";
  return {};
}

}  // namespace

std::optional<TrustedOutputs> trustedOutputs(const ir::Node& model, const std::string& root, std::string& missing) {
  TrustedOutputs out;
  for (const auto& [output, path] : model.outputs) {
    std::string full = projectPath(root, path);
    std::string ignored;
    if (!statEntry(full, ignored)) {
      missing = path;
      return std::nullopt;
    }
    if (!isFolder(full)) {
      std::optional<FileDigests> d = hashFileWithSha256(full, ignored);
      if (!d) {
        missing = path;
        return std::nullopt;
      }
      out.outputs.outputs.emplace_back(path, d->xxh3);
      out.subjects.push_back({path, sha256HexOf(d->sha256)});
      continue;
    }
    std::optional<std::vector<TreeEntry>> entries = listTree(full, ignored);
    if (!entries) {
      missing = path;
      return std::nullopt;
    }
    std::string lines;  // sha256sum's, in the order of listTree (bytewise by path)
    size_t files = 0;
    for (const TreeEntry& e : *entries)
      if (out.unsignable.empty()) out.unsignable = entryProblem(path, e);
    std::optional<Digest> tree = treeDigest(
        full, *entries,
        [&](const TreeEntry& e, std::string& error) -> std::optional<Digest> {
          std::optional<FileDigests> d = hashFileWithSha256(full + "/" + e.path, error);
          if (!d) return std::nullopt;
          lines += sha256HexOf(d->sha256) + "  ./" + e.path + "\n";
          ++files;
          return d->xxh3;
        },
        ignored);
    if (!tree) {
      missing = path;
      return std::nullopt;
    }
    if (files == 0 && out.unsignable.empty())
      out.unsignable = "the folder `" + support::escapeControls(path) + "` holds no file";
    out.outputs.outputs.emplace_back(path, *tree);
    out.subjects.push_back({path.back() == '/' ? path : path + "/", sha256Hex(lines)});
  }
  if (!out.unsignable.empty()) out.subjects.clear();
  return out;
}

}  // namespace mlops::runtime

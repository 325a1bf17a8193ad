#include "runtime/noop_manifest.h"

#include "runtime/interpolation.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <string_view>
#include <unordered_set>

namespace mlops::runtime {
namespace {

// Splits `line` on tabs.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

template <typename T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool clean(const std::string& s) { return s.find_first_of("\t\n") == std::string::npos; }

}  // namespace

std::string noopManifestKey(const std::string& irDigest, const std::vector<std::string>& targets,
                            const std::string& runtimeVersion) {
  std::string key = irDigest + "\n" + runtimeVersion;
  for (const std::string& t : targets) key += "\n" + t;
  return hashBytes(key).hex();
}

std::string writeNoopManifest(const std::vector<ManifestNode>& nodes) {
  std::string out = "mlops-noop 3\n";
  for (const ManifestNode& n : nodes) {
    if (!clean(n.id) || !clean(n.label) || !clean(n.status)) return "";
    out += "N\t" + n.id + "\t" + n.label + "\t" + n.status + "\n";
    for (const auto& [path, s] : n.files) {
      if (!clean(path)) return "";
      out += "F\t" + std::to_string(s.device) + "\t" + std::to_string(s.inode) + "\t" + std::to_string(s.size) + "\t" +
             std::to_string(s.mtimeNs) + "\t" + std::to_string(s.ctimeNs) + "\t" + path + "\n";
    }
    for (const auto& [path, s] : n.treeEntries) {
      if (!clean(path)) return "";
      out += "T\t" + std::to_string(s.device) + "\t" + std::to_string(s.inode) + "\t" + std::to_string(s.size) + "\t" +
             std::to_string(s.mtimeNs) + "\t" + std::to_string(s.ctimeNs) + "\t" + path + "\n";
    }
  }
  return out;
}

std::optional<std::vector<ManifestNode>> readNoopManifest(const std::string& body) {
  std::string_view rest(body);
  std::vector<ManifestNode> nodes;
  bool first = true;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (first) {
      if (line != "mlops-noop 3") return std::nullopt;
      first = false;
      continue;
    }
    std::vector<std::string_view> f = fields(line);
    if (f[0] == "N" && f.size() == 4) {
      nodes.push_back({std::string(f[1]), std::string(f[2]), std::string(f[3]), {}, {}});
    } else if ((f[0] == "F" || f[0] == "T") && f.size() == 7 && !nodes.empty()) {
      FileStamp s;
      if (!number(f[1], s.device) || !number(f[2], s.inode) || !number(f[3], s.size) || !number(f[4], s.mtimeNs) ||
          !number(f[5], s.ctimeNs))
        return std::nullopt;
      (f[0] == "F" ? nodes.back().files : nodes.back().treeEntries).emplace_back(std::string(f[6]), s);
    } else {
      return std::nullopt;
    }
  }
  if (first) return std::nullopt;
  return nodes;
}

bool manifestHolds(const std::vector<ManifestNode>& nodes, const std::string& root) {
  std::string error;
  std::unordered_set<std::string_view> checked;  // a shared input is stat'ed once
  for (const ManifestNode& n : nodes)
    for (const auto& [path, stamp] : n.files) {
      if (!checked.insert(path).second) continue;
      std::optional<FileStamp> now = statEntry(projectPath(root, path), error);
      if (!now || !(*now == stamp)) return false;
    }
  for (const ManifestNode& n : nodes)
    for (const auto& [path, stamp] : n.treeEntries) {
      std::optional<FileStamp> now = stampNoFollow(projectPath(root, path));
      if (!now || !(*now == stamp)) return false;
    }
  return true;
}

std::optional<std::string> projectRootOf(const std::string& irJson) {
  // pipeline.json starts with `ir_version` and `project` (docs/ir.md): parse
  // just the project object.
  size_t at = irJson.find("\"project\"");
  if (at == std::string::npos || at > 200) return std::nullopt;
  size_t open = irJson.find('{', at);
  if (open == std::string::npos) return std::nullopt;
  int depth = 0;
  bool inString = false;
  for (size_t i = open; i < irJson.size(); ++i) {
    char c = irJson[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') inString = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) {
      nlohmann::json project = nlohmann::json::parse(irJson.substr(open, i - open + 1), nullptr, false);
      if (!project.is_object()) return std::nullopt;
      auto root = project.find("root");
      if (root == project.end() || !root->is_string()) return std::nullopt;
      return root->get<std::string>();
    }
  }
  return std::nullopt;
}

}  // namespace mlops::runtime

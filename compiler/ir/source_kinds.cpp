#include "ir/source_kinds.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <algorithm>

namespace mlops::ir {
namespace {

bool lowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool schemeChar(char c) { return llvm::isAlnum(c) || c == '+' || c == '.' || c == '-'; }

// "scheme" of "scheme://rest", lowercase, or "" when there is none.
std::string_view schemeOf(std::string_view uri) {
  size_t colon = uri.find("://");
  if (colon == std::string_view::npos || colon == 0 || !llvm::isAlpha(uri[0])) return {};
  std::string_view scheme = uri.substr(0, colon);
  if (!std::all_of(scheme.begin(), scheme.end(), schemeChar)) return {};
  return scheme;
}

std::string noSpaceOrControl(std::string_view text) {
  for (char c : text)
    if (control(c)) return "it holds a control character";
    else if (c == ' ') return "it holds a space";
  return "";
}

// The authority of `scheme://authority/path`.
std::string_view authorityOf(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

bool isProjectId(std::string_view p) {
  if (p.size() < 6 || p.size() > 30 || !(p[0] >= 'a' && p[0] <= 'z') || p.back() == '-') return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return (c >= 'a' && c <= 'z') || llvm::isDigit(c) || c == '-'; });
}

bool isBigqueryName(std::string_view n) {
  return !n.empty() && n.size() <= 1024 &&
         std::all_of(n.begin(), n.end(), [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

}  // namespace

const std::vector<std::string_view>& dataSourceKinds() {
  static const std::vector<std::string_view> kinds = {"file", "postgres", "s3", "bigquery", "http", "git"};
  return kinds;
}

const std::vector<std::string_view>& monitorSourceKinds() {
  static const std::vector<std::string_view> kinds = {"file", "postgres", "s3", "bigquery"};
  return kinds;
}

std::string sha256Problem(std::string_view hex) {
  if (hex.size() != 64) return "a SHA-256 digest: expected 64 hex digits, found " + std::to_string(hex.size());
  if (!std::all_of(hex.begin(), hex.end(), lowerHex)) return "a SHA-256 digest: expected lowercase hex digits (0-9, a-f)";
  return "";
}

std::string httpUrlProblem(std::string_view url) {
  std::string_view scheme = schemeOf(url);
  if (scheme != "https" && scheme != "http") return "an HTTP(S) URL: expected `https://host/path`";
  if (std::string why = noSpaceOrControl(url); !why.empty()) return "a URL: " + why;
  std::string_view authority = authorityOf(url);
  if (authority.empty()) return "an HTTP(S) URL: it names no host";
  if (authority.find('@') != std::string_view::npos)
    return "an HTTP(S) URL without credentials: a user or password in the URL would be written to pipeline.json and logs";
  return "";
}

std::string gitUrlProblem(std::string_view url) {
  std::string_view scheme = schemeOf(url);
  if (scheme != "https" && scheme != "http" && scheme != "ssh" && scheme != "git" && scheme != "file")
    return "a git URL: expected `https://`, `ssh://`, `git://` or `file://` (other transports can run programs)";
  if (std::string why = noSpaceOrControl(url); !why.empty()) return "a git URL: " + why;
  std::string_view authority = authorityOf(url);
  if (scheme != "file" && authority.empty()) return "a git URL: it names no host";
  if ((scheme == "https" || scheme == "http") && authority.find('@') != std::string_view::npos)
    return "a git URL without credentials: a user or password in the URL would be written to pipeline.json and logs";
  return "";
}

std::string gitRevProblem(std::string_view rev) {
  if (rev.size() == 40 && std::all_of(rev.begin(), rev.end(), lowerHex)) return "";
  bool hex = !rev.empty() && std::all_of(rev.begin(), rev.end(), [](char c) { return llvm::isHexDigit(c); });
  if (hex && rev.size() < 40)
    return "a full commit id: a short id may match another commit later; write all 40 hex digits";
  if (hex && rev.size() == 40) return "a full commit id: write its hex digits in lowercase";
  return "a commit id: a branch or tag moves, so the import would not be pinned; write the 40-hex commit id "
         "(`git rev-parse " + std::string(rev.substr(0, 40)) + "`)";
}

std::string repositoryPathProblem(std::string_view path) {
  if (path.empty()) return "a file in the repository: it is empty";
  if (std::string why = noSpaceOrControl(path); !why.empty() && why != "it holds a space")
    return "a file in the repository: " + why;
  if (path.front() == '/') return "a relative path in the repository: it is absolute";
  if (path.back() == '/') return "a file in the repository: it ends with `/`";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    std::string_view segment = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment.empty() || segment == ".") return "a plain relative path: it has an empty or `.` segment";
    if (segment == "..") return "a path inside the repository: `..` would leave it";
    if (segment == ".git") return "a file in the repository: `.git` is git's own folder";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return "";
}

std::string bigqueryTableProblem(std::string_view table) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  llvm::StringRef(table.data(), table.size()).split(parts, '.', -1, /*KeepEmpty=*/true);
  if (parts.size() != 2 && parts.size() != 3)
    return "a BigQuery table: expected \"project.dataset.table\" or \"dataset.table\"";
  if (parts.size() == 3 && !isProjectId(parts[0]))
    return "a BigQuery table: `" + parts[0].str() +
           "` is not a project id (6 to 30 lowercase letters, digits and `-`, starting with a letter)";
  for (size_t i = parts.size() - 2; i < parts.size(); ++i)
    if (!isBigqueryName(parts[i]))
      return "a BigQuery table: `" + parts[i].str() + "` is not a dataset or table name (letters, digits and `_`)";
  return "";
}

std::string bigqueryProjectProblem(std::string_view project) {
  return isProjectId(project) ? "" : "a project id: expected 6 to 30 lowercase letters, digits and `-`, starting with a letter";
}

std::string effectUriProblem(std::string_view uri) {
  std::string_view scheme = schemeOf(uri);
  if (scheme.empty() || uri.size() == scheme.size() + 3)
    return "a URI: expected `scheme://what`, like \"bigquery://project.dataset.table\"";
  if (std::string why = noSpaceOrControl(uri); !why.empty()) return "a URI: " + why;
  return "";
}

const std::string* sourceArgument(const Source& source, std::string_view name) {
  for (const auto& [k, v] : source.arguments)
    if (k == name) return &v;
  return nullptr;
}

std::string sourceProblem(const Source& source, bool monitor) {
  const auto& kinds = monitor ? monitorSourceKinds() : dataSourceKinds();
  if (std::find(kinds.begin(), kinds.end(), source.kind) == kinds.end()) {
    std::string list;
    for (std::string_view k : kinds) list += (list.empty() ? "" : ", ") + std::string(k);
    return "unknown source kind `" + source.kind + "`: expected one of " + list;
  }
  auto need = [&](std::string_view name, std::string (*check)(std::string_view)) -> std::string {
    const std::string* v = sourceArgument(source, name);
    if (!v) return "source `" + source.kind + "` needs `" + std::string(name) + "`";
    if (!check) return "";
    std::string why = check(*v);
    return why.empty() ? "" : "`" + std::string(name) + "` is not " + why;
  };
  std::string why;
  if (source.kind == "file") why = need("path", nullptr);
  else if (source.kind == "bigquery") {
    why = need("table", bigqueryTableProblem);
    if (const std::string* project = sourceArgument(source, "project"); why.empty() && project)
      if (std::string p = bigqueryProjectProblem(*project); !p.empty()) why = "`project` is not " + p;
  }
  else if (source.kind == "http") {
    why = need("url", httpUrlProblem);
    if (why.empty()) why = need("sha256", sha256Problem);
  } else if (source.kind == "git") {
    why = need("url", gitUrlProblem);
    if (why.empty()) why = need("rev", gitRevProblem);
    if (why.empty()) why = need("path", repositoryPathProblem);
  }
  return why;
}

std::string gitCacheFolder(std::string_view url) {
  llvm::SHA256 sha;
  sha.update(llvm::StringRef(url.data(), url.size()));
  return ".mlops/sources/git/" + llvm::toHex(sha.final(), /*LowerCase=*/true).substr(0, 16);
}

std::optional<std::string> localDataPath(const Source& source) {
  if (source.kind == "file") {
    if (const std::string* path = sourceArgument(source, "path")) return *path;
    return std::nullopt;
  }
  if (source.kind == "http") {
    const std::string* digest = sourceArgument(source, "sha256");
    if (!digest || !sha256Problem(*digest).empty()) return std::nullopt;
    return ".mlops/sources/sha256/" + *digest;
  }
  if (source.kind == "git") {
    const std::string *url = sourceArgument(source, "url"), *rev = sourceArgument(source, "rev"),
                      *path = sourceArgument(source, "path");
    if (!url || !rev || !path || !gitRevProblem(*rev).empty() || !repositoryPathProblem(*path).empty())
      return std::nullopt;
    return gitCacheFolder(*url) + "/" + *rev + "/" + *path;
  }
  return std::nullopt;
}

std::string sourceFileName(const Source& source) {
  if (source.kind == "http") {
    const std::string* url = sourceArgument(source, "url");
    if (!url) return "";
    std::string_view u = *url;
    u = u.substr(0, u.find_first_of("?#"));
    return std::string(u.substr(u.rfind('/') + 1));
  }
  if (source.kind == "git") {
    const std::string* path = sourceArgument(source, "path");
    return path ? *path : "";
  }
  return localDataPath(source).value_or("");
}

}  // namespace mlops::ir

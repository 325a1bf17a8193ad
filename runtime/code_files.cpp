#include "runtime/code_files.h"

#include "runtime/content_hash.h"
#include "runtime/interpolation.h"

#include <algorithm>
#include <set>
#include <sys/stat.h>

namespace mlops::runtime {
namespace {

// `./a//b/` → `a/b`; nullopt for absolute paths, `..` and the project itself.
std::optional<std::string> normalise(const std::string& path) {
  if (path.empty() || path[0] == '/') return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string piece = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (piece == "..") return std::nullopt;
    if (!piece.empty() && piece != ".") parts.push_back(piece);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool isRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::vector<std::string> commandWords(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  bool written = false;  // the next word follows `>` or `>>`: the command writes it
  char quote = 0;
  auto end = [&] {
    if (inWord) {
      if (!written) words.push_back(word);
      written = false;
    }
    word.clear();
    inWord = false;
  };
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < command.size()) word += command[++i];
      else word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      inWord = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      inWord = true;
    } else if (c == '>') {
      // `2>`: the digits name a file descriptor, not a word.
      if (inWord && !word.empty() && std::all_of(word.begin(), word.end(), [](char d) { return d >= '0' && d <= '9'; }))
        inWord = false;
      end();
      written = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '<' || c == '(' ||
               c == ')' || c == '`') {
      end();
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return words;
}

std::optional<std::vector<std::string>> codePaths(const ir::PipelineGraph& graph, const ir::Node& node,
                                                  const std::string& root, std::string& error) {
  std::set<std::string> paths;
  for (const std::string& declared : node.code) {
    std::optional<std::string> path = normalise(declared);
    if (!path) {
      error = "code `" + declared + "` is not a path inside the project";
      return std::nullopt;
    }
    std::string ignored;
    if (!statEntry(projectPath(root, *path), ignored)) {
      error = "code `" + declared + "` does not exist (declared in `code`)";
      return std::nullopt;
    }
    paths.insert(*path);
  }
  // The node's own inputs and outputs are keyed as such, not as code.
  std::set<std::string> declared;
  for (const auto& [name, path] : node.outputs)
    if (std::optional<std::string> p = normalise(path)) declared.insert(*p);
  for (const ir::Input& in : node.inputs) {
    std::string ignored;
    if (std::optional<std::string> path = inputPath(graph, in, ignored))
      if (std::optional<std::string> p = normalise(*path)) declared.insert(*p);
  }
  for (std::string word : commandWords(node.run)) {
    if (word.find("${") != std::string::npos) continue;
    // `--config=conf/a.yaml`, `PYTHONPATH=src`: the value names the file.
    if (size_t eq = word.find('='); eq != std::string::npos) word = word.substr(eq + 1);
    std::optional<std::string> path = normalise(word);
    if (!path || declared.count(*path) || paths.count(*path)) continue;
    if (isRegularFile(projectPath(root, *path))) paths.insert(*path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace mlops::runtime

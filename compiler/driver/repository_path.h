// Paths as the generated CI jobs see them. A CI job runs in a fresh checkout
// of the repository, at its root, on another machine: a path in a workflow
// must be relative to that root, never this machine's absolute path, and
// never leave the checkout. The root is the git work tree that holds the
// spec (found by walking up from the spec's real path to a folder with a
// `.git` entry: a folder, or a file as in worktrees and submodules); without
// git, the project root (the spec's folder). Symlinks and `..` are resolved
// on both sides before comparing, so `-o ../repo/out`, `-o $PWD/out` and a
// symlinked checkout give the same path.
#pragma once

#include <optional>
#include <string>

namespace mlops::driver {

struct RepositoryRoot {
  std::string path;  // real path
  bool git = false;  // false: no git work tree holds the spec; `path` is the spec's folder
};

// The root the CI paths of `spec` are relative to.
RepositoryRoot repositoryRootOf(const std::string& spec);

// `path` made absolute (from the current directory) with symlinks and `..`
// resolved: the real path of its longest existing prefix, then the rest
// (folders not created yet) with dots removed.
std::string resolvedPath(const std::string& path);

// `file` (resolved) relative to `root`, with `/` separators; nullopt when
// it lies outside `root`.
std::optional<std::string> relativeToRoot(const std::string& root, const std::string& file);

// Whether `path` (given with --ci-ir-path) stays inside the checkout: not
// empty, not absolute, no `..` that climbs above the root. `error` says what
// is wrong.
bool isRepositoryRelative(const std::string& path, std::string& error);

}  // namespace mlops::driver

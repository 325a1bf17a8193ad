// A data node's `git(url, rev = COMMIT, path = FILE)` source: one file of
// a repository at a pinned commit, fetched with the `git` program into a
// bare repository `.mlops/sources/git/KEY/repo` (KEY: from the URL) and
// written to `.mlops/sources/git/KEY/COMMIT/FILE` (a temporary file
// renamed into place). Before every use the file is checked against the
// blob the commit names, and written again when it differs.
//
// A repository may be hostile: git runs without a shell, with no system or
// global configuration (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null),
// no hooks, no prompts, only the https, http, ssh, git and file transports,
// replace refs ignored, fetched objects checked (transfer.fsckObjects); the
// URL comes after `--end-of-options`; only a regular file (not a link, not
// a folder, not a submodule) is taken, at most kMaxGitFileBytes. Each git
// command has kGitSeconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mlops::runtime {

inline constexpr uint64_t kMaxGitFileBytes = 4ull << 30;  // 4 GiB
inline constexpr double kGitSeconds = 10 * 60;

// Makes `root/cachePath` hold `path` of commit `rev` of `url`. Returns
// what was done, or nullopt with `error`; `dryRun` fetches nothing.
std::optional<std::string> ensureGitSource(const std::string& root, const std::string& cachePath,
                                           const std::string& url, const std::string& rev, const std::string& path,
                                           bool dryRun, std::string& error);

}  // namespace mlops::runtime

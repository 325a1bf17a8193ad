// A data node's `http(url, sha256 = …)` source: downloaded once into the
// content-addressed cache `.mlops/sources/sha256/DIGEST` and checked
// against the digest before every use (a cached file that no longer
// matches is downloaded again). The bytes go to a temporary file (runtime/
// sources/cache_file.h) and become the cache entry only when their SHA-256
// is the one the spec pins; a mismatch fails the data node with both
// digests.
//
// Limits: at most kMaxDownloadBytes (a larger Content-Length is refused
// before reading, a body growing past it is cut off); 30 s to connect,
// 60 s without a byte, 15 minutes in all; at most 5 redirects, never from
// https to http; no compression asked for (the digest is of the bytes the
// server holds); certificates verified against the system's CAs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mlops::runtime {

inline constexpr uint64_t kMaxDownloadBytes = 4ull << 30;  // 4 GiB
inline constexpr double kDownloadSeconds = 15 * 60;

// Makes `root/cachePath` hold the bytes of `url` whose SHA-256 is `sha256`.
// Returns what was done ("downloaded 1.2 MiB from …", "sha256 verified"),
// or nullopt with `error`. `dryRun`: downloads nothing and says whether it
// would.
std::optional<std::string> ensureHttpSource(const std::string& root, const std::string& cachePath,
                                            const std::string& url, const std::string& sha256, bool dryRun,
                                            std::string& error);

}  // namespace mlops::runtime

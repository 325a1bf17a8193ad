// Content hashes for the cache: XXH3-128 over a file's bytes, memoised by
// the file's identity (device, inode, size, mtime in nanoseconds), so an
// unchanged file is not read again (the memo is what the state store keeps
// between runs). Touching a file without changing it (a new mtime) costs one
// re-read and gives the same digest; changing its content gives a new one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mlops::runtime {

struct Digest {
  uint64_t high = 0, low = 0;
  std::string hex() const;  // 32 lower-case hex digits
  static std::optional<Digest> fromHex(std::string_view hex);
  bool operator==(const Digest&) const = default;
};

// What identifies a file's content without reading it.
struct FileStamp {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtimeNs = 0;
  bool operator==(const FileStamp&) const = default;
};

Digest hashBytes(std::string_view bytes);

// The stamp of `path`, or nullopt when it is not a readable regular file
// (`error` says why: missing, a directory, ...).
std::optional<FileStamp> statFile(const std::string& path, std::string& error);

// Reads and hashes the whole file (1 MiB reads, sequential read-ahead).
std::optional<Digest> hashFile(const std::string& path, std::string& error);

class FileHasher {
 public:
  struct Entry {
    FileStamp stamp;
    Digest digest;
  };

  // The digest of `path`: from the memo when its stamp is unchanged, else
  // read (and remembered). `reread` (optional) says whether it was read.
  std::optional<Digest> hash(const std::string& path, std::string& error, bool* reread = nullptr);

  // The memo, to keep between runs; `changed()` lists the paths whose entry
  // is new since the memo was loaded (what needs saving).
  const std::unordered_map<std::string, Entry>& entries() const { return memo_; }
  const std::unordered_set<std::string>& changed() const { return changed_; }
  // Adds an entry; `loaded` (read back from the state store) is not changed.
  void remember(const std::string& path, const Entry& entry, bool loaded = false) {
    memo_[path] = entry;
    if (!loaded) changed_.insert(path);
  }

 private:
  std::unordered_map<std::string, Entry> memo_;
  std::unordered_set<std::string> changed_;
};

}  // namespace mlops::runtime

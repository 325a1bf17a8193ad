// Content hashes for the cache: XXH3-128 over a file's bytes, memoised by
// the file's identity (device, inode, size, mtime and ctime in nanoseconds),
// so an unchanged file is not read again (the memo is what the state store
// keeps between runs). Touching a file without changing it (a new mtime)
// costs one re-read and gives the same digest; changing its content gives a
// new one. The ctime is in the key because the mtime is not evidence: any
// writer can put it back (`touch -r`) after rewriting the bytes, while the
// kernel sets the ctime on every write and no unprivileged call sets it.
//
// The memo only decides what may be skipped. What is trusted (the artifact
// a gate approves and a deploy rolls out: runtime/approvals.h) is hashed
// from its bytes, without the memo.
//
// A folder (a directory output: a SavedModel, a Spark or Hugging Face model;
// a data source that is a folder) has a tree digest: XXH3-128 over its
// entries sorted by relative path, each as its kind, its path, and for a
// file its executable bit and content digest, for a symbolic link its target
// text. Links inside a tree are never followed, so a tree cannot pull in
// files from elsewhere; the same tree gives the same digest on any machine.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mlops::runtime {

struct Digest {
  uint64_t high = 0, low = 0;
  std::string hex() const;  // 32 lower-case hex digits
  static std::optional<Digest> fromHex(std::string_view hex);
  bool operator==(const Digest&) const = default;
};

// What identifies a file's content without reading it. For a folder, its
// mtime changes when an entry is added, removed or renamed in it (not when a
// file in it is rewritten: each file has its own stamp).
struct FileStamp {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtimeNs = 0;
  int64_t ctimeNs = 0;
  bool operator==(const FileStamp&) const = default;
};

Digest hashBytes(std::string_view bytes);

// The stamp of `path`, or nullopt when it is not a readable regular file
// (`error` says why: missing, a directory, ...).
std::optional<FileStamp> statFile(const std::string& path, std::string& error);

// The stamp of `path` when it is a regular file or a folder (following a
// symbolic link at `path` itself), else nullopt with `error`.
std::optional<FileStamp> statEntry(const std::string& path, std::string& error);

// The stamp of whatever is at `path`, a link's own when it is one.
std::optional<FileStamp> stampNoFollow(const std::string& path);

// Whether `path` is a folder (following a symbolic link at `path` itself).
bool isFolder(const std::string& path);

// Every entry under the folder `path` (not `path` itself), with its stamp and
// the path relative to `path`, sorted; links are not followed (a link's
// stamp is its own). Nullopt with `error` when the tree cannot be read.
struct TreeEntry {
  std::string path;  // relative, `/`-separated
  char kind = 'f';   // f (file), d (folder), l (link), o (anything else)
  FileStamp stamp;
  bool executable = false;
};
std::optional<std::vector<TreeEntry>> listTree(const std::string& path, std::string& error);

// Reads and hashes the whole file (1 MiB reads, sequential read-ahead).
std::optional<Digest> hashFile(const std::string& path, std::string& error);

// The file's XXH3-128 digest and its SHA-256, both fed from the same reads
// (the SHA-256 is what an approval signs: runtime/trust/subjects.h).
struct FileDigests {
  Digest xxh3;
  std::array<uint8_t, 32> sha256{};
};
std::optional<FileDigests> hashFileWithSha256(const std::string& path, std::string& error);

// The hex SHA-256 of `bytes` (OpenSSL: hardware-accelerated), and the hex
// of a SHA-256 already computed.
std::string sha256Hex(std::string_view bytes);
std::string sha256HexOf(const std::array<uint8_t, 32>& digest);

// The tree digest of the folder `path` from its `entries` (listTree), each
// regular file's content digest given by `fileDigest` (called in entry
// order; nullopt stops with its `error`).
using FileDigestFn = std::function<std::optional<Digest>(const TreeEntry& file, std::string& error)>;
std::optional<Digest> treeDigest(const std::string& path, const std::vector<TreeEntry>& entries,
                                 const FileDigestFn& fileDigest, std::string& error);

class FileHasher {
 public:
  struct Entry {
    FileStamp stamp;
    Digest digest;
  };

  // The digest of `path`, a file or a folder (its tree digest): each file
  // from the memo when its stamp is unchanged, else read (and remembered).
  // `reread` (optional) says whether a file was read.
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
  std::optional<Digest> hashRegular(const std::string& path, const FileStamp& stamp, std::string& error,
                                    bool* reread);
  std::optional<Digest> hashTree(const std::string& path, std::string& error, bool* reread);
  std::unordered_map<std::string, Entry> memo_;
  std::unordered_set<std::string> changed_;
};

}  // namespace mlops::runtime

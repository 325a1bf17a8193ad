#include "runtime/content_hash.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mlops::runtime {
namespace {

Digest fromXxh(XXH128_hash_t h) { return {h.high64, h.low64}; }

std::string describe(const std::string& path, int error) { return "`" + path + "`: " + std::strerror(error); }

FileStamp stampOf(const struct stat& st) {
  // A folder's size is file-system noise (block counts): only its mtime and
  // identity say whether its entries changed.
  return FileStamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                   S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

}  // namespace

std::string Digest::hex() const {
  static const char* digits = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = digits[(high >> (4 * i)) & 0xf];
    out[31 - i] = digits[(low >> (4 * i)) & 0xf];
  }
  return out;
}

std::optional<Digest> Digest::fromHex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  Digest d;
  for (size_t i = 0; i < 32; ++i) {
    char c = hex[i];
    uint64_t v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 16;
    if (v == 16) return std::nullopt;
    uint64_t& part = i < 16 ? d.high : d.low;
    part = (part << 4) | v;
  }
  return d;
}

Digest hashBytes(std::string_view bytes) { return fromXxh(XXH3_128bits(bytes.data(), bytes.size())); }

std::optional<FileStamp> statFile(const std::string& path, std::string& error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    error = describe(path, errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "`" + path + "` is not a regular file";
    return std::nullopt;
  }
  return stampOf(st);
}

std::optional<FileStamp> statEntry(const std::string& path, std::string& error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    error = describe(path, errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    error = "`" + path + "` is neither a regular file nor a folder";
    return std::nullopt;
  }
  return stampOf(st);
}

std::optional<FileStamp> stampNoFollow(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return stampOf(st);
}

bool isFolder(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<std::vector<TreeEntry>> listTree(const std::string& path, std::string& error) {
  std::vector<TreeEntry> out;
  // Folders still to list, as paths relative to `path` ("" is `path`).
  std::vector<std::string> pending{""};
  while (!pending.empty()) {
    std::string relative = std::move(pending.back());
    pending.pop_back();
    std::string folder = relative.empty() ? path : path + "/" + relative;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder.c_str()), &::closedir);
    if (!dir) {
      error = describe(folder, errno);
      return std::nullopt;
    }
    errno = 0;
    while (const struct dirent* e = ::readdir(dir.get())) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      TreeEntry entry;
      entry.path = relative.empty() ? name : relative + "/" + name;
      struct stat st;
      if (::lstat((path + "/" + entry.path).c_str(), &st) != 0) {
        error = describe(path + "/" + entry.path, errno);
        return std::nullopt;
      }
      entry.stamp = stampOf(st);
      entry.kind = S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'o';
      entry.executable = S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR);
      if (entry.kind == 'd') pending.push_back(entry.path);
      out.push_back(std::move(entry));
      errno = 0;
    }
    if (errno != 0) {
      error = describe(folder, errno);
      return std::nullopt;
    }
  }
  std::sort(out.begin(), out.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return out;
}

namespace {

// Reads the whole file in 1 MiB blocks (sequential read-ahead), handing each
// block to `consume`. False with `error`.
bool readBlocks(const std::string& path, const std::function<void(const char*, size_t)>& consume, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = describe(path, errno);
    return false;
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // One read buffer per thread, not zero-filled per file (most outputs are
  // small; a fresh 1 MiB vector cost more than hashing them).
  static thread_local std::unique_ptr<char[]> buffer(new char[1 << 20]);
  constexpr size_t kBufferSize = 1 << 20;
  for (;;) {
    ssize_t n = ::read(fd, buffer.get(), kBufferSize);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = describe(path, errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    consume(buffer.get(), static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

using XxhState = std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)>;

XxhState newXxhState() {
  XxhState state(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  return state;
}

}  // namespace

std::optional<Digest> hashFile(const std::string& path, std::string& error) {
  XxhState state = newXxhState();
  if (!readBlocks(path, [&](const char* data, size_t n) { XXH3_128bits_update(state.get(), data, n); }, error))
    return std::nullopt;
  return fromXxh(XXH3_128bits_digest(state.get()));
}

std::optional<FileDigests> hashFileWithSha256(const std::string& path, std::string& error) {
  XxhState state = newXxhState();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) {
    error = "cannot start a SHA-256 digest (OpenSSL)";
    return std::nullopt;
  }
  bool ok = readBlocks(path,
                       [&](const char* data, size_t n) {
                         XXH3_128bits_update(state.get(), data, n);
                         EVP_DigestUpdate(sha.get(), data, n);
                       },
                       error);
  if (!ok) return std::nullopt;
  FileDigests out;
  out.xxh3 = fromXxh(XXH3_128bits_digest(state.get()));
  unsigned length = 0;
  EVP_DigestFinal_ex(sha.get(), out.sha256.data(), &length);
  return out;
}

std::string sha256HexOf(const std::array<uint8_t, 32>& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : digest) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

std::string sha256Hex(std::string_view bytes) {
  std::array<uint8_t, 32> digest{};
  unsigned length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return sha256HexOf(digest);
}

std::optional<Digest> treeDigest(const std::string& path, const std::vector<TreeEntry>& entries,
                                 const FileDigestFn& fileDigest, std::string& error) {
  XxhState state = newXxhState();
  XXH3_128bits_update(state.get(), "mlops-tree 1", 12);
  for (const TreeEntry& e : entries) {
    std::string record(1, e.kind);
    record += e.path;
    record += '\0';
    if (e.kind == 'f') {
      std::optional<Digest> d = fileDigest(e, error);
      if (!d) return std::nullopt;
      record += e.executable ? 'x' : '-';
      record += d->hex();
    } else if (e.kind == 'l') {
      char target[4096];
      ssize_t n = ::readlink((path + "/" + e.path).c_str(), target, sizeof target);
      if (n < 0) {
        error = describe(path + "/" + e.path, errno);
        return std::nullopt;
      }
      record.append(target, static_cast<size_t>(n));
    } else if (e.kind == 'o') {
      error = "`" + path + "/" + e.path + "` is neither a file, a folder nor a symbolic link";
      return std::nullopt;
    }
    record += '\n';
    XXH3_128bits_update(state.get(), record.data(), record.size());
  }
  return fromXxh(XXH3_128bits_digest(state.get()));
}

std::optional<Digest> FileHasher::hash(const std::string& path, std::string& error, bool* reread) {
  if (reread) *reread = false;
  std::optional<FileStamp> stamp = statEntry(path, error);
  if (!stamp) return std::nullopt;
  if (isFolder(path)) return hashTree(path, error, reread);
  return hashRegular(path, *stamp, error, reread);
}

std::optional<Digest> FileHasher::hashTree(const std::string& path, std::string& error, bool* reread) {
  std::optional<std::vector<TreeEntry>> entries = listTree(path, error);
  if (!entries) return std::nullopt;
  return treeDigest(
      path, *entries,
      [&](const TreeEntry& e, std::string& fileError) {
        bool read = false;
        std::optional<Digest> d = hashRegular(path + "/" + e.path, e.stamp, fileError, &read);
        if (read && reread) *reread = true;
        return d;
      },
      error);
}

std::optional<Digest> FileHasher::hashRegular(const std::string& path, const FileStamp& stamp, std::string& error,
                                              bool* reread) {
  auto it = memo_.find(path);
  if (it != memo_.end() && it->second.stamp == stamp) return it->second.digest;
  std::optional<Digest> digest = hashFile(path, error);
  if (!digest) return std::nullopt;
  // A file written during the read gets a new stamp: remember the digest
  // only when the stamp held still, so the next run reads it again.
  std::string ignored;
  std::optional<FileStamp> after = statEntry(path, ignored);
  if (after && *after == stamp) {
    memo_[path] = {stamp, *digest};
    changed_.insert(path);
  }
  if (reread) *reread = true;
  return digest;
}

}  // namespace mlops::runtime

#include "runtime/content_hash.h"

#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mlops::runtime {
namespace {

Digest fromXxh(XXH128_hash_t h) { return {h.high64, h.low64}; }

std::string describe(const std::string& path, int error) { return "`" + path + "`: " + std::strerror(error); }

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
  return FileStamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                   static_cast<uint64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::optional<Digest> hashFile(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = describe(path, errno);
    return std::nullopt;
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(state.get());
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
      return std::nullopt;
    }
    if (n == 0) break;
    XXH3_128bits_update(state.get(), buffer.get(), static_cast<size_t>(n));
  }
  ::close(fd);
  return fromXxh(XXH3_128bits_digest(state.get()));
}

std::optional<Digest> FileHasher::hash(const std::string& path, std::string& error, bool* reread) {
  std::optional<FileStamp> stamp = statFile(path, error);
  if (!stamp) return std::nullopt;
  auto it = memo_.find(path);
  if (it != memo_.end() && it->second.stamp == *stamp) {
    if (reread) *reread = false;
    return it->second.digest;
  }
  std::optional<Digest> digest = hashFile(path, error);
  if (!digest) return std::nullopt;
  // A file written during the read gets a new stamp: remember the digest
  // only when the stamp held still, so the next run reads it again.
  std::string ignored;
  std::optional<FileStamp> after = statFile(path, ignored);
  if (after && *after == *stamp) {
    memo_[path] = {*stamp, *digest};
    changed_.insert(path);
  }
  if (reread) *reread = true;
  return digest;
}

}  // namespace mlops::runtime

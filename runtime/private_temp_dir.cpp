#include "runtime/private_temp_dir.h"

#include "runtime/bounded_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mlops::runtime {

std::optional<PrivateTempDir> PrivateTempDir::create(std::string& error) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && tmp[0] == '/' ? tmp : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string pattern = base + "/mlopsc-sign.XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data())) {  // mode 0700 (POSIX)
    error = "cannot create a temporary folder in `" + base + "`: " + std::strerror(errno);
    return std::nullopt;
  }
  return PrivateTempDir(buffer.data());
}

PrivateTempDir::~PrivateTempDir() {
  if (path_.empty()) return;
  // Only plain files are ever put here (by us or ssh-keygen's FILE.sig).
  int dirFd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirFd >= 0) {
    if (DIR* dir = ::fdopendir(::dup(dirFd))) {
      std::vector<std::string> names;
      while (const struct dirent* e = ::readdir(dir))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
      ::closedir(dir);
      for (const std::string& name : names) ::unlinkat(dirFd, name.c_str(), 0);
    }
    ::close(dirFd);
  }
  ::rmdir(path_.c_str());
}

std::optional<std::string> PrivateTempDir::write(std::string_view name, std::string_view bytes,
                                                 std::string& error) const {
  std::string path = file(name);
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..") {
    error = "`" + std::string(name) + "` is not a plain file name";
    return std::nullopt;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot create `" + path + "`: " + std::strerror(errno);
    return std::nullopt;
  }
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "cannot write `" + path + "`: " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) {
    error = "cannot write `" + path + "`: " + std::strerror(errno);
    return std::nullopt;
  }
  return path;
}

std::optional<std::string> PrivateTempDir::read(std::string_view name, size_t maxBytes, std::string& error) const {
  std::string path = file(name);
  BoundedRead r = readBoundedFile(path, maxBytes, /*followLinks=*/false);
  if (!r.bytes) error = r.describe("`" + path + "`", maxBytes);
  return r.bytes;
}

}  // namespace mlops::runtime

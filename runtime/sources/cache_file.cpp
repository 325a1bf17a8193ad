#include "runtime/sources/cache_file.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace mlops::runtime {

CacheFile::~CacheFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

bool CacheFile::open(const std::string& destination, std::string& error) {
  destination_ = destination;
  llvm::StringRef folder = llvm::sys::path::parent_path(destination);
  if (std::error_code ec = llvm::sys::fs::create_directories(folder)) {
    error = "cannot create `" + folder.str() + "`: " + ec.message();
    return false;
  }
  std::random_device random;
  for (int attempt = 0; attempt < 8 && fd_ < 0; ++attempt) {
    std::string candidate = folder.str() + "/.partial-" + std::to_string(::getpid()) + "-" + std::to_string(random());
    fd_ = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ >= 0) temp_ = candidate;
    else if (errno != EEXIST) break;
  }
  if (fd_ < 0) error = "cannot create a file in `" + folder.str() + "`: " + std::strerror(errno);
  return fd_ >= 0;
}

bool CacheFile::write(const char* data, size_t size, std::string& error) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "cannot write `" + temp_ + "`: " + std::strerror(errno);
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool CacheFile::commit(std::string& error) {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    error = "cannot write `" + temp_ + "`: " + std::strerror(errno);
    return false;
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), destination_.c_str()) != 0) {
    error = "cannot rename `" + temp_ + "` to `" + destination_ + "`: " + std::strerror(errno);
    return false;
  }
  temp_.clear();
  // The rename itself survives a crash once the folder is synced.
  std::string folder = llvm::sys::path::parent_path(destination_).str();
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace mlops::runtime

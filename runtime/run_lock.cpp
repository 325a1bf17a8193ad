#include "runtime/run_lock.h"

#include "runtime/interruption.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace mlops::runtime {

bool RunLock::acquire(const std::string& path, std::FILE* err) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    std::fprintf(err, "mlopsc: error: cannot open the run lock `%s`: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  auto cannotLock = [&] {
    std::fprintf(err,
                 "mlopsc: error: cannot lock `%s`: %s\n"
                 "  = note: runs of one project take turns on this lock (flock); a file system without flock "
                 "(some NFS or Lustre mounts) cannot hold the project's `.mlops` folder\n",
                 path.c_str(), std::strerror(errno));
    return false;
  };
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
  if (errno != EWOULDBLOCK && errno != EINTR) return cannotLock();
  std::fprintf(err, "mlopsc: waiting for another `mlopsc run` in this project to finish (%s)\n", path.c_str());
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) return cannotLock();
    if (interruptSignal()) return false;
  }
  return true;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mlops::runtime

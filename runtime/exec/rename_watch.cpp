#include "runtime/exec/rename_watch.h"

#include <cerrno>
#include <cmath>
#include <ctime>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace mlops::runtime {

RenameWatch::RenameWatch() { fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC); }

RenameWatch::~RenameWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void RenameWatch::watch(const std::string& folder) {
  if (fd_ < 0 || folder.empty() || folders_.count(folder)) return;
  // ENOSPC (max_user_watches reached), EACCES, ENOENT: not watched.
  if (::inotify_add_watch(fd_, folder.c_str(), IN_MOVED_TO | IN_ONLYDIR) >= 0) folders_.insert(folder);
}

bool RenameWatch::wait(double seconds) {
  if (!(seconds > 0)) return false;
  if (!active()) {
    double whole = std::floor(seconds);
    timespec ts{static_cast<time_t>(whole), static_cast<long>((seconds - whole) * 1e9)};
    ::nanosleep(&ts, nullptr);
    return false;
  }
  pollfd p{fd_, POLLIN, 0};
  int ms = static_cast<int>(std::ceil(std::min(seconds, 3600.0) * 1000));
  if (::poll(&p, 1, ms) <= 0 || !(p.revents & POLLIN)) return false;
  // The events themselves do not matter (the caller looks at its files):
  // drained so that the next wait blocks again.
  alignas(inotify_event) char buffer[4096];
  while (::read(fd_, buffer, sizeof buffer) > 0) {
  }
  return true;
}

}  // namespace mlops::runtime

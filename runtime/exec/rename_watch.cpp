#include "runtime/exec/rename_watch.h"

#include <cerrno>
#include <cmath>
#include <cstring>
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
  int wd = ::inotify_add_watch(fd_, folder.c_str(), IN_MOVED_TO | IN_ONLYDIR);
  if (wd < 0) return;
  folders_.insert(folder);
  byDescriptor_[wd] = folder;
}

bool RenameWatch::wait(double seconds, std::vector<std::string>& renamed) {
  renamed.clear();
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
  // Every event queued, so that the next wait blocks again.
  alignas(inotify_event) char buffer[8192];
  bool overflow = false;
  for (;;) {
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) overflow = true;
      auto folder = byDescriptor_.find(e->wd);
      if (folder == byDescriptor_.end() || !(e->mask & IN_MOVED_TO) || e->len == 0) continue;
      renamed.push_back(folder->second + "/" + std::string(e->name, ::strnlen(e->name, e->len)));
    }
  }
  if (overflow) renamed.clear();
  return overflow || !renamed.empty();
}

}  // namespace mlops::runtime

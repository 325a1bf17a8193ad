#include "runtime/bounded_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::runtime {

std::string BoundedRead::describe(const std::string& shownPath, size_t maxBytes) const {
  switch (failure) {
    case Failure::None: return "";
    case Failure::Open:
    case Failure::Read: return "cannot read " + shownPath + ": " + std::strerror(error);
    case Failure::NotRegular: return shownPath + " is not a regular file";
    case Failure::TooLarge: return shownPath + " is larger than " + std::to_string(maxBytes) + " bytes";
  }
  return "";
}

BoundedRead readBoundedFile(const std::string& path, size_t maxBytes, bool followLinks) {
  BoundedRead out;
  // O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    out.failure = BoundedRead::Failure::Open;
    out.error = errno;
    return out;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    out.failure = BoundedRead::Failure::NotRegular;
    return out;
  }
  std::string bytes;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.failure = BoundedRead::Failure::Read;
      out.error = errno;
      return out;
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<size_t>(n) > maxBytes) {
      out.failure = BoundedRead::Failure::TooLarge;
      return out;
    }
    bytes.append(buffer, static_cast<size_t>(n));
  }
  out.bytes = std::move(bytes);
  return out;
}

}  // namespace mlops::runtime

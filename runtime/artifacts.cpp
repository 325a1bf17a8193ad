#include "runtime/artifacts.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mlops::runtime {
namespace {

std::string describe(const std::string& path, int error) { return "`" + path + "`: " + std::strerror(error); }

std::optional<std::string> realPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (!::realpath(path.c_str(), buffer)) return std::nullopt;
  return std::string(buffer);
}

bool within(const std::string& inner, const std::string& outer) {
  return inner == outer || (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                            (outer == "/" || inner[outer.size()] == '/'));
}

// Removes `path` without following links: a file or link is unlinked, a
// folder emptied depth first and removed.
bool removeTree(const std::string& path, std::string& error) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    error = describe(path, errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      error = "cannot remove " + describe(path, errno);
      return false;
    }
    return true;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), &::closedir);
  if (!dir) {
    error = describe(path, errno);
    return false;
  }
  while (const struct dirent* e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (!removeTree(path + "/" + name, error)) return false;
  }
  dir.reset();
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
    error = "cannot remove " + describe(path, errno);
    return false;
  }
  return true;
}

// An open file descriptor, closed when it goes.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_;
};

constexpr int kNoFollow = O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;

const char* typeName(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

// "`DIR/x` is a FIFO, expected a regular file": what was found instead.
std::string foundInstead(const std::string& path, mode_t mode, const char* expected) {
  return "`" + path + "` is " + typeName(mode) + ", expected " + expected +
         (S_ISLNK(mode) ? ": links in artifacts are never followed" : "");
}

// `root`/`relative` as messages show it.
std::string shown(const std::string& root, const std::string& relative) {
  if (root.empty() || root == ".") return relative;
  return root.back() == '/' ? root + relative : root + "/" + relative;
}

std::vector<std::string> components(const std::string& relative) {
  std::vector<std::string> out;
  for (auto it = llvm::sys::path::begin(relative); it != llvm::sys::path::end(relative); ++it)
    if (*it != "." && *it != "/") out.push_back(it->str());
  return out;
}

// Why `name` in `dir` could not be opened as `expected` (errno as open set it).
std::string openFailure(int dir, const std::string& name, const std::string& path, const char* expected,
                        bool* missing) {
  int saved = errno;
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) {
      if (missing) *missing = true;
      return "`" + path + "` is missing";
    }
    return describe(path, errno);
  }
  bool wanted = std::strcmp(expected, "a folder") == 0 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
  if (!wanted) return foundInstead(path, st.st_mode, expected);
  return describe(path, saved);
}

// Opens the folder `root`/parts[0]/…/parts[count-1], one component at a time
// from `root` (which may itself be a link: the caller chose it), never
// following a link below it; `create` makes missing folders, `root` too.
Fd openFolder(const std::string& root, const std::vector<std::string>& parts, size_t count, bool create,
              std::string& error, bool* missing = nullptr) {
  std::string base = root.empty() ? "." : root;
  if (create)
    if (std::error_code ec = llvm::sys::fs::create_directories(base)) {
      error = "cannot create `" + base + "`: " + ec.message();
      return Fd();
    }
  Fd dir(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    if (errno == ENOENT && missing) *missing = true;
    error = "cannot open " + describe(base, errno);
    return Fd();
  }
  std::string relative;
  for (size_t k = 0; k < count; ++k) {
    relative += (relative.empty() ? "" : "/") + parts[k];
    const char* name = parts[k].c_str();
    Fd next(::openat(dir.get(), name, O_RDONLY | O_DIRECTORY | kNoFollow));
    if (!next && errno == ENOENT && create) {
      if (::mkdirat(dir.get(), name, 0755) != 0 && errno != EEXIST) {
        error = "cannot create " + describe(shown(root, relative), errno);
        return Fd();
      }
      next = Fd(::openat(dir.get(), name, O_RDONLY | O_DIRECTORY | kNoFollow));
    }
    if (!next) {
      error = openFailure(dir.get(), parts[k], shown(root, relative), "a folder", missing);
      return Fd();
    }
    dir = std::move(next);
  }
  return dir;
}

// The names in the open folder `dir` (its own descriptor is left as it is).
std::optional<std::vector<std::string>> entriesOf(int dir, const std::string& path, std::string& error) {
  int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::unique_ptr<DIR, int (*)(DIR*)> list(fd >= 0 ? ::fdopendir(fd) : nullptr, &::closedir);
  if (!list) {
    error = "cannot read " + describe(path, errno);
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  std::vector<std::string> names;
  while (const struct dirent* e = ::readdir(list.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Removes `name` in `dir` without following links: a file or link is
// unlinked, a folder emptied depth first and removed. Nothing there is fine.
bool removeAt(int dir, const std::string& name, const std::string& path, std::string& error) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return true;
    error = describe(path, errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    Fd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | kNoFollow));
    if (!sub) {
      error = "cannot remove " + describe(path, errno);
      return false;
    }
    std::optional<std::vector<std::string>> names = entriesOf(sub.get(), path, error);
    if (!names) return false;
    for (const std::string& e : *names)
      if (!removeAt(sub.get(), e, path + "/" + e, error)) return false;
  }
  if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT) {
    error = "cannot remove " + describe(path, errno);
    return false;
  }
  return true;
}

std::string overBudget(const std::string& path, const ByteBudget& budget) {
  return "`" + path + "` makes the artifacts larger than " + std::to_string(budget.limit) +
         " bytes, the limit of one job (raise it with --max-artifact-size)";
}

bool writeAll(int fd, const char* data, size_t size, const std::string& path, std::string& error) {
  for (size_t done = 0; done < size;) {
    ssize_t w = ::write(fd, data + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      error = "cannot write " + describe(path, errno);
      return false;
    }
    done += static_cast<size_t>(w);
  }
  return true;
}

// Copies the bytes of the open regular file `in` into a new file `name` in
// `dir`, counting them against `budget`.
bool copyBytes(int in, const std::string& fromPath, mode_t mode, int dir, const std::string& name,
               const std::string& toPath, ByteBudget* budget, std::string& error) {
  mode_t perms = (mode & S_IXUSR) ? 0755 : 0644;
  Fd out(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | kNoFollow, perms));
  if (!out) {
    error = "cannot write " + describe(toPath, errno);
    return false;
  }
  static thread_local std::unique_ptr<char[]> buffer(new char[1 << 20]);
  for (;;) {
    ssize_t n = ::read(in, buffer.get(), 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read " + describe(fromPath, errno);
      return false;
    }
    if (n == 0) break;
    if (budget) {
      if (static_cast<uint64_t>(n) > budget->limit - budget->used) {
        error = overBudget(fromPath, *budget);
        return false;
      }
      budget->used += static_cast<uint64_t>(n);
    }
    if (!writeAll(out.get(), buffer.get(), static_cast<size_t>(n), toPath, error)) return false;
  }
  ::fchmod(out.get(), perms);
  return true;
}

// Copies the entry `name` of the folder `from` to `toName` in the folder `to`.
bool copyAt(int from, const std::string& name, const std::string& fromPath, int to, const std::string& toName,
            const std::string& toPath, ByteBudget* budget, std::string& error) {
  struct stat st;
  if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    error = errno == ENOENT ? "`" + fromPath + "` is missing" : "cannot read " + describe(fromPath, errno);
    return false;
  }
  // Refused before it is opened: opening a FIFO blocks, a device may act.
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    error = foundInstead(fromPath, st.st_mode, "a regular file or a folder");
    return false;
  }
  bool folder = S_ISDIR(st.st_mode);
  // The entry may have been swapped since: open it without following a
  // link or blocking, and check what was opened.
  Fd in(::openat(from, name.c_str(), O_RDONLY | O_NONBLOCK | kNoFollow | (folder ? O_DIRECTORY : 0)));
  if (!in) {
    error = openFailure(from, name, fromPath, folder ? "a folder" : "a regular file", nullptr);
    return false;
  }
  if (::fstat(in.get(), &st) != 0 || (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
    error = "`" + fromPath + "` changed while it was copied";
    return false;
  }
  if (!folder && budget && static_cast<uint64_t>(st.st_size) > budget->limit - budget->used) {
    error = overBudget(fromPath, *budget);
    return false;
  }
  if (!removeAt(to, toName, toPath, error)) return false;
  if (!folder) return copyBytes(in.get(), fromPath, st.st_mode, to, toName, toPath, budget, error);
  if (::mkdirat(to, toName.c_str(), 0755) != 0) {
    error = "cannot create " + describe(toPath, errno);
    return false;
  }
  Fd out(::openat(to, toName.c_str(), O_RDONLY | O_DIRECTORY | kNoFollow));
  if (!out) {
    error = "cannot create " + describe(toPath, errno);
    return false;
  }
  std::optional<std::vector<std::string>> names = entriesOf(in.get(), fromPath, error);
  if (!names) return false;
  for (const std::string& e : *names)
    if (!copyAt(in.get(), e, fromPath + "/" + e, out.get(), e, toPath + "/" + e, budget, error)) return false;
  return true;
}

}  // namespace

bool safeRelative(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  for (auto it = llvm::sys::path::begin(path); it != llvm::sys::path::end(path); ++it)
    if (*it == "..") return false;
  return true;
}

bool prepareOutput(const std::string& root, const std::string& path, std::string& error) {
  std::string base = root.empty() ? "." : root;
  std::string full = path.empty() || path[0] == '/' ? path : base + "/" + path;
  llvm::SmallString<256> parent(full);
  llvm::sys::path::remove_filename(parent);
  // The deepest folder of the path that exists must resolve inside the
  // project: a link `build -> /etc` would otherwise carry writes out of it.
  std::optional<std::string> project = realPath(base);
  if (!project) {
    error = "cannot resolve the project folder " + describe(base, errno);
    return false;
  }
  std::string existing = parent.empty() ? base : parent.str().str();
  while (!llvm::sys::fs::exists(existing)) {
    llvm::SmallString<256> up(existing);
    llvm::sys::path::remove_filename(up);
    if (up.empty() || up == existing) {
      existing = base;
      break;
    }
    existing = up.str().str();
  }
  std::optional<std::string> resolved = realPath(existing);
  if (!resolved || !within(*resolved, *project)) {
    error = "output `" + path + "` would be written outside the project: `" + existing + "` resolves to `" +
            (resolved ? *resolved : std::string("?")) + "`";
    return false;
  }
  if (!removeTree(full, error)) return false;
  if (!parent.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(parent)) {
      error = "cannot create `" + parent.str().str() + "`: " + ec.message();
      return false;
    }
  return true;
}

bool copyArtifact(const std::string& fromRoot, const std::string& from, const std::string& toRoot,
                  const std::string& to, ByteBudget* budget, std::string& error) {
  if (!safeRelative(from) || !safeRelative(to)) {
    error = "`" + (safeRelative(from) ? to : from) + "` is not a relative path without `..`";
    return false;
  }
  std::vector<std::string> source = components(from), target = components(to);
  if (source.empty() || target.empty()) {
    error = "an artifact path names no file";
    return false;
  }
  Fd fromDir = openFolder(fromRoot, source, source.size() - 1, /*create=*/false, error);
  if (!fromDir) return false;
  Fd toDir = openFolder(toRoot, target, target.size() - 1, /*create=*/true, error);
  if (!toDir) return false;
  return copyAt(fromDir.get(), source.back(), shown(fromRoot, from), toDir.get(), target.back(), shown(toRoot, to),
                budget, error);
}

std::optional<std::string> readArtifactFile(const std::string& root, const std::string& relative, uint64_t maxBytes,
                                            std::string& error, bool* missing) {
  std::vector<std::string> parts = components(relative);
  if (!safeRelative(relative) || parts.empty()) {
    error = "`" + relative + "` is not a relative path without `..`";
    return std::nullopt;
  }
  std::string path = shown(root, relative);
  Fd dir = openFolder(root, parts, parts.size() - 1, /*create=*/false, error, missing);
  if (!dir) return std::nullopt;
  struct stat st;
  if (::fstatat(dir.get(), parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT && missing) *missing = true;
    error = errno == ENOENT ? "`" + path + "` is missing" : "cannot read " + describe(path, errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = foundInstead(path, st.st_mode, "a regular file");
    return std::nullopt;
  }
  Fd in(::openat(dir.get(), parts.back().c_str(), O_RDONLY | O_NONBLOCK | kNoFollow));
  if (!in) {
    error = openFailure(dir.get(), parts.back(), path, "a regular file", missing);
    return std::nullopt;
  }
  std::string tooLarge = "`" + path + "` is larger than " + std::to_string(maxBytes) + " bytes";
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "`" + path + "` changed while it was read";
    return std::nullopt;
  }
  if (static_cast<uint64_t>(st.st_size) > maxBytes) {
    error = tooLarge;
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(in.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read " + describe(path, errno);
      return std::nullopt;
    }
    if (n == 0) break;
    if (text.size() + static_cast<size_t>(n) > maxBytes) {  // it grew after the stat
      error = tooLarge;
      return std::nullopt;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

bool writeArtifactFile(const std::string& root, const std::string& relative, const std::string& text,
                       std::string& error) {
  std::vector<std::string> parts = components(relative);
  if (!safeRelative(relative) || parts.empty()) {
    error = "`" + relative + "` is not a relative path without `..`";
    return false;
  }
  std::string path = shown(root, relative);
  Fd dir = openFolder(root, parts, parts.size() - 1, /*create=*/true, error);
  if (!dir || !removeAt(dir.get(), parts.back(), path, error)) return false;
  Fd out(::openat(dir.get(), parts.back().c_str(), O_WRONLY | O_CREAT | O_EXCL | kNoFollow, 0644));
  if (!out) {
    error = "cannot write " + describe(path, errno);
    return false;
  }
  return writeAll(out.get(), text.data(), text.size(), path, error);
}

std::optional<uint64_t> parseByteSize(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 19) return std::nullopt;
  uint64_t value = std::stoull(text.substr(0, digits));
  std::string unit = text.substr(digits);
  unsigned shift = 0;
  if (unit.size() == 1) {
    const char* units = "KMGT";
    const char* at = std::strchr(units, std::toupper(static_cast<unsigned char>(unit[0])));
    if (!at || unit[0] == '\0') return std::nullopt;
    shift = 10 * static_cast<unsigned>(at - units + 1);
  } else if (!unit.empty()) {
    return std::nullopt;
  }
  if (shift && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

}  // namespace mlops::runtime

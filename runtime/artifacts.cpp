#include "runtime/artifacts.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

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

bool copyRegular(const std::string& from, const std::string& to, mode_t mode, std::string& error) {
  int in = ::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) {
    error = "cannot read " + describe(from, errno);
    return false;
  }
  mode_t perms = (mode & S_IXUSR) ? 0755 : 0644;
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, perms);
  if (out < 0) {
    error = "cannot write " + describe(to, errno);
    ::close(in);
    return false;
  }
  static thread_local std::unique_ptr<char[]> buffer(new char[1 << 20]);
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(in, buffer.get(), 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read " + describe(from, errno);
      ok = false;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buffer.get() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        error = "cannot write " + describe(to, errno);
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  ::fchmod(out, perms);
  if (::close(out) != 0 && ok) {
    error = "cannot write " + describe(to, errno);
    ok = false;
  }
  ::close(in);
  return ok;
}

bool copyEntry(const std::string& from, const std::string& to, std::string& error) {
  struct stat st;
  if (::lstat(from.c_str(), &st) != 0) {
    error = "cannot read " + describe(from, errno);
    return false;
  }
  if (S_ISREG(st.st_mode)) return copyRegular(from, to, st.st_mode, error);
  if (!S_ISDIR(st.st_mode)) {
    error = "`" + from + "` is " + (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file or folder") +
            ": artifacts hold regular files and folders only";
    return false;
  }
  if (::mkdir(to.c_str(), 0755) != 0 && errno != EEXIST) {
    error = "cannot create " + describe(to, errno);
    return false;
  }
  struct stat made;
  if (::lstat(to.c_str(), &made) != 0 || !S_ISDIR(made.st_mode)) {
    error = "`" + to + "` is not a folder";
    return false;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(from.c_str()), &::closedir);
  if (!dir) {
    error = "cannot read " + describe(from, errno);
    return false;
  }
  while (const struct dirent* e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (!copyEntry(from + "/" + name, to + "/" + name, error)) return false;
  }
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

bool copyArtifact(const std::string& from, const std::string& to, std::string& error) {
  llvm::SmallString<256> dir(to);
  llvm::sys::path::remove_filename(dir);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      error = "cannot create `" + dir.str().str() + "`: " + ec.message();
      return false;
    }
  if (!removeTree(to, error)) return false;
  return copyEntry(from, to, error);
}

}  // namespace mlops::runtime

#include "driver/compile_cache.h"

#include "driver/compilation.h"
#include "driver/version.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::driver {
namespace {

constexpr std::string_view kMagic = "mlops-compile-cache 1";
// The running binary, whatever path started it (a copy, a symlink).
constexpr const char* kSelf = "/proc/self/exe";

std::optional<InputStamp> stampOf(const std::string& path, CacheInput::Kind kind) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (kind == CacheInput::Kind::File ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)) return std::nullopt;
  return InputStamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                    static_cast<uint64_t>(st.st_size),
                    static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                    static_cast<int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
}

// A folder's content as the compilation sees it: the names of its entries.
std::optional<runtime::Digest> listingDigest(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return std::nullopt;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir)) {
    std::string_view name(e->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const std::string& n : names) joined += n + '\n';
  return runtime::hashBytes(joined);
}

std::optional<runtime::Digest> contentDigest(const CacheInput& input) {
  if (input.kind == CacheInput::Kind::Folder) return listingDigest(input.path);
  std::string error;
  return runtime::hashFile(input.path, error);
}

// An input changed in the timestamp tick of `started` may have changed again
// without its stamp moving.
bool racy(const InputStamp& s, int64_t started) {
  return std::max(s.mtimeNs, s.ctimeNs) >= started - kRacyMarginNs;
}

bool addInput(CompileRecord& record, CacheInput::Kind kind, const std::string& path,
              std::optional<runtime::Digest> digest) {
  if (path.find('\n') != std::string::npos) return false;
  std::optional<InputStamp> stamp = stampOf(path, kind);
  if (!stamp) return false;
  if (!digest) digest = contentDigest({kind, path, *stamp, {}});
  if (!digest) return false;
  record.inputs.push_back({kind, path, *stamp, *digest});
  return true;
}

int collectObject(dl_phdr_info* info, size_t, void* data) {
  auto* paths = static_cast<std::vector<std::string>*>(data);
  if (info->dlpi_name && info->dlpi_name[0] == '/') paths->emplace_back(info->dlpi_name);
  return 0;
}

// The binary's identity: the executable and every shared object loaded.
std::vector<std::string> binaryFiles() {
  std::vector<std::string> paths{kSelf};
  dl_iterate_phdr(collectObject, &paths);
  return paths;
}

template <typename T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Takes the next space-separated field off `line`.
std::string_view field(std::string_view& line) {
  size_t space = line.find(' ');
  std::string_view f = line.substr(0, space);
  line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
  return f;
}

std::string describe(const CacheInput& input) {
  if (input.path == kSelf) return "the mlopsc binary";
  if (input.kind == CacheInput::Kind::Folder) return "the folder `" + input.path + "`";
  return "`" + input.path + "`";
}

}  // namespace

int64_t currentTimeNs() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string compileCachePath(const std::string& spec) {
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  llvm::StringRef folder = llvm::sys::path::parent_path(spec);
  llvm::SmallString<256> path(folder.empty() ? "." : folder);
  llvm::sys::path::append(path, ".mlops", "compile-cache");
  runtime::Digest slot = runtime::hashBytes(cwd.str().str() + '\n' + spec);
  llvm::sys::path::append(path, slot.hex().substr(0, 16));
  return path.str().str();
}

std::string compileCacheKey(const std::string& spec, const std::string& stdlibDir, const std::string& options) {
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  std::string key = std::string("mlopsc ") + kVersion + "\nspec " + spec + "\ncwd " + cwd.str().str() + "\nstdlib " +
                    stdlibDir + "\n" + options;
  return runtime::hashBytes(key).hex();
}

CompileRecord beginRecord(const std::string& stdlibDir) {
  CompileRecord record;
  record.startedNs = currentTimeNs();
  llvm::SmallString<256> std(stdlibDir);
  llvm::sys::path::append(std, "std");
  record.complete = addInput(record, CacheInput::Kind::Folder, std.str().str(), std::nullopt);
  return record;
}

void finishRecord(CompileRecord& record, Compilation& compilation) {
  if (!record.complete) return;
  record.complete = false;
  llvm::SourceMgr& sources = compilation.sources();
  std::vector<bool> covered(sources.getNumBuffers() + 1, false);
  for (const auto& program : compilation.programs())
    for (const auto& module : program->modules) {
      if (!module->file) continue;
      unsigned id = module->file->bufferId;
      if (id == 0 || id >= covered.size() || module->opened.empty()) return;
      if (covered[id]) continue;  // the same file reached twice
      covered[id] = true;
      if (!addInput(record, CacheInput::Kind::File, module->opened,
                    runtime::hashBytes(std::string_view(sources.getMemoryBuffer(id)->getBuffer()))))
        return;
    }
  // The files the spec names whose bytes are in the IR: the signers file,
  // the params file (`signers`/`params = file(...)`).
  auto readFile = [&](unsigned id, const std::string& opened) {
    if (id == 0 || id >= covered.size() || covered[id]) return true;
    covered[id] = true;
    return !opened.empty() &&
           addInput(record, CacheInput::Kind::File, opened,
                    runtime::hashBytes(std::string_view(sources.getMemoryBuffer(id)->getBuffer())));
  };
  for (const auto& program : compilation.programs()) {
    if (program->signers && !readFile(program->signers->bufferId, program->signers->opened)) return;
    if (program->params && !readFile(program->params->bufferId, program->params->opened)) return;
  }
  if (std::find(covered.begin() + 1, covered.end(), false) != covered.end()) return;
  for (const std::string& path : binaryFiles())
    if (!addInput(record, CacheInput::Kind::File, path, std::nullopt)) return;
  record.complete = true;
}

std::string writeCacheEntry(const std::string& key, const CompileCacheEntry& entry) {
  std::string body = "started " + std::to_string(entry.startedNs) + "\n";
  for (const CacheInput& in : entry.inputs) {
    const InputStamp& s = in.stamp;
    body += std::string("I ") + static_cast<char>(in.kind) + ' ' + std::to_string(s.device) + ' ' +
            std::to_string(s.inode) + ' ' + std::to_string(s.size) + ' ' + std::to_string(s.mtimeNs) + ' ' +
            std::to_string(s.ctimeNs) + ' ' + in.digest.hex() + ' ' + in.path + '\n';
  }
  body += "blobs " + std::to_string(entry.diagnostics.out.size()) + ' ' +
          std::to_string(entry.diagnostics.err.size()) + ' ' + std::to_string(entry.ir.size()) + '\n';
  body += entry.diagnostics.out;
  body += entry.diagnostics.err;
  body += entry.ir;
  return std::string(kMagic) + "\nkey " + key + "\nsum " + runtime::hashBytes(body).hex() + "\n" + body;
}

std::optional<CompileCacheEntry> readCacheEntry(std::string_view text, const std::string& key, std::string& why) {
  auto line = [&text](std::string_view& out) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    out = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  std::string_view l;
  if (!line(l) || l != kMagic) {
    why = "the cache entry is of another version or not an entry";
    return std::nullopt;
  }
  if (!line(l) || l != "key " + key) {
    why = "the compiler, the stdlib folder or the options changed";
    return std::nullopt;
  }
  why = "the cache entry is damaged";
  if (!line(l) || !l.starts_with("sum ") || runtime::hashBytes(text).hex() != l.substr(4)) return std::nullopt;
  CompileCacheEntry entry;
  if (!line(l) || !l.starts_with("started ") || !number(l.substr(8), entry.startedNs)) return std::nullopt;
  while (line(l) && l.starts_with("I ")) {
    l.remove_prefix(2);
    CacheInput in;
    std::string_view kind = field(l);
    if (kind == "F") in.kind = CacheInput::Kind::File;
    else if (kind == "D") in.kind = CacheInput::Kind::Folder;
    else return std::nullopt;
    InputStamp& s = in.stamp;
    if (!number(field(l), s.device) || !number(field(l), s.inode) || !number(field(l), s.size) ||
        !number(field(l), s.mtimeNs) || !number(field(l), s.ctimeNs))
      return std::nullopt;
    std::optional<runtime::Digest> digest = runtime::Digest::fromHex(field(l));
    if (!digest || l.empty()) return std::nullopt;
    in.digest = *digest;
    in.path = std::string(l);
    entry.inputs.push_back(std::move(in));
  }
  size_t sizes[3];
  if (!l.starts_with("blobs ")) return std::nullopt;
  l.remove_prefix(6);
  for (size_t& n : sizes)
    if (!number(field(l), n)) return std::nullopt;
  if (!l.empty() || sizes[0] > text.size() || sizes[1] > text.size() || sizes[2] > text.size() ||
      sizes[0] + sizes[1] + sizes[2] != text.size())
    return std::nullopt;
  entry.diagnostics.out = std::string(text.substr(0, sizes[0]));
  entry.diagnostics.err = std::string(text.substr(sizes[0], sizes[1]));
  entry.ir = std::string(text.substr(sizes[0] + sizes[1]));
  why.clear();
  return entry;
}

bool validateEntry(CompileCacheEntry& entry, int64_t now, bool& refresh, std::string& why) {
  refresh = false;
  for (CacheInput& in : entry.inputs) {
    std::optional<InputStamp> stamp = stampOf(in.path, in.kind);
    if (!stamp) {
      why = describe(in) + " is gone";
      return false;
    }
    if (*stamp == in.stamp && !racy(*stamp, entry.startedNs)) continue;
    // The stamp moved, or it may have moved without showing: the content decides.
    std::optional<runtime::Digest> digest = contentDigest(in);
    if (!digest || !(*digest == in.digest)) {
      why = describe(in) + " changed";
      return false;
    }
    if (!(*stamp == in.stamp) || !racy(*stamp, now)) refresh = true;
    in.stamp = *stamp;
  }
  if (refresh) entry.startedNs = now;
  return true;
}

bool storeCacheFile(const std::string& path, const std::string& text, bool createFolder) {
  llvm::StringRef folder = llvm::sys::path::parent_path(path);        // .mlops/compile-cache
  llvm::StringRef project = llvm::sys::path::parent_path(folder);     // .mlops
  if (!createFolder && !llvm::sys::fs::is_directory(project)) return false;
  if (llvm::sys::fs::create_directories(folder)) return false;
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = true;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  ::unlink(tmp.c_str());
  return false;
}

}  // namespace mlops::driver

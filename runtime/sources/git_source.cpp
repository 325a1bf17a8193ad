#include "runtime/sources/git_source.h"

#include "ir/source_kinds.h"
#include "runtime/interpolation.h"
#include "runtime/sources/cache_file.h"
#include "runtime/tool_process.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA1.h>
#include <llvm/ADT/StringExtras.h>

#include <cstdlib>

namespace mlops::runtime {
namespace {

class Git {
 public:
  Git(std::string program, std::string repo) : program_(std::move(program)), repo_(std::move(repo)) {}

  // `git -c … --git-dir=REPO args…`.
  ToolResult run(const std::vector<std::string>& args, int stdoutFd = -1) const {
    ToolJob job;
    job.program = program_;
    job.args = {"-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "transfer.fsckObjects=true",
                "-c", "credential.helper=", "-c", "submodule.recurse=false",
                "--git-dir=" + repo_};
    job.args.insert(job.args.end(), args.begin(), args.end());
    job.stdoutFd = stdoutFd;
    return runTool(job, ToolMode::Detached, environment(), kGitSeconds);
  }

  static std::string describe(const ToolResult& r) {
    if (r.spawnErrno) return "git did not start";
    if (r.timedOut) return "git took longer than " + std::to_string(static_cast<int>(kGitSeconds / 60)) + " minutes";
    std::string err = r.err.substr(0, 400);
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    for (char& c : err)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = ' ';
    return err.empty() ? "git exited " + std::to_string(r.exitCode) : err;
  }

 private:
  static std::vector<std::string> environment() {
    std::vector<std::string> env = passEnvironment({"PATH", "HOME", "SSH_AUTH_SOCK", "TMPDIR"});
    for (const char* fixed : {"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
                              "GIT_NO_REPLACE_OBJECTS=1", "GIT_ALLOW_PROTOCOL=https:http:ssh:git:file",
                              "LC_ALL=C"})
      env.emplace_back(fixed);
    return env;
  }

  std::string program_, repo_;
};

// The blob `path` names at `rev` ("mode type oid\tpath\0" from ls-tree).
std::optional<std::string> blobOf(const Git& git, const std::string& rev, const std::string& path, std::string& error) {
  ToolResult r = git.run({"ls-tree", "-z", "--full-tree", rev, "--", path});
  if (!r.succeeded()) {
    error = Git::describe(r);
    return std::nullopt;
  }
  std::string line = r.out.substr(0, r.out.find('\0'));
  size_t tab = line.find('\t');
  if (line.empty() || tab == std::string::npos || line.substr(tab + 1) != path) {
    error = "commit " + rev + " has no file `" + path + "`";
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef, 3> fields;
  llvm::StringRef(line).substr(0, tab).split(fields, ' ');
  if (fields.size() != 3 || fields[1] != "blob" || (fields[0] != "100644" && fields[0] != "100755")) {
    error = "`" + path + "` at commit " + rev + " is not a regular file (" +
            (fields.size() == 3 && fields[0] == "120000" ? std::string("a symbolic link")
             : fields.size() == 3 && fields[1] == "tree" ? std::string("a folder")
                                                         : std::string("not a file")) + ")";
    return std::nullopt;
  }
  return fields[2].str();
}

// git's id of a blob holding the file's bytes: SHA-1 of "blob SIZE\0BYTES".
std::optional<std::string> blobIdOfFile(const std::string& file) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return std::nullopt;
  llvm::StringRef bytes = (*buffer)->getBuffer();
  llvm::SHA1 sha;
  std::string header = "blob " + std::to_string(bytes.size());
  sha.update(llvm::StringRef(header.c_str(), header.size() + 1));
  sha.update(bytes);
  return llvm::toHex(sha.final(), /*LowerCase=*/true);
}

}  // namespace

std::optional<std::string> ensureGitSource(const std::string& root, const std::string& cachePath,
                                           const std::string& url, const std::string& rev, const std::string& path,
                                           bool dryRun, std::string& error) {
  std::string file = projectPath(root, cachePath);
  std::string repo = projectPath(root, ir::gitCacheFolder(url)) + "/repo";
  bool haveRepo = llvm::sys::fs::is_directory(repo);
  if (dryRun) return llvm::sys::fs::is_regular_file(file) ? "imported before" : "would fetch " + url + " at " + rev;
  std::optional<std::string> program = findExecutable("git", std::getenv("PATH"));
  if (!program) {
    error = "cannot import from git: no `git` program on PATH";
    return std::nullopt;
  }
  Git git(*program, repo);
  auto failed = [&](const std::string& what, const ToolResult& r) -> std::optional<std::string> {
    error = what + ": " + Git::describe(r);
    return std::nullopt;
  };
  if (!haveRepo) {
    if (std::error_code ec = llvm::sys::fs::create_directories(repo)) {
      error = "cannot create `" + repo + "`: " + ec.message();
      return std::nullopt;
    }
    if (ToolResult r = git.run({"init", "--bare", "--quiet"}); !r.succeeded())
      return failed("cannot create the git cache `" + repo + "`", r);
  }
  std::string commit = rev + "^{commit}";
  std::string fetched;
  if (!git.run({"cat-file", "-e", commit}).succeeded()) {
    // The commit alone when the server serves it by id; else everything.
    ToolResult shallow = git.run({"fetch", "--quiet", "--no-tags", "--depth", "1", "--end-of-options", url, rev});
    if (!shallow.succeeded() || !git.run({"cat-file", "-e", commit}).succeeded()) {
      ToolResult full = git.run({"fetch", "--quiet", "--no-tags", "--end-of-options", url,
                                 "+refs/heads/*:refs/remotes/source/*", "+refs/tags/*:refs/remotes/source-tags/*"});
      if (!full.succeeded()) return failed("cannot fetch `" + url + "`", full);
      if (!git.run({"cat-file", "-e", commit}).succeeded()) {
        error = "`" + url + "` has no commit " + rev;
        return std::nullopt;
      }
    }
    fetched = "fetched " + url + " at " + rev.substr(0, 12) + ", ";
  }
  std::optional<std::string> blob = blobOf(git, rev, path, error);
  if (!blob) return std::nullopt;
  if (llvm::sys::fs::is_regular_file(file) && blobIdOfFile(file) == *blob) return "blob " + blob->substr(0, 12) + " verified";
  ToolResult size = git.run({"cat-file", "-s", *blob});
  if (!size.succeeded()) return failed("cannot read `" + path + "`", size);
  if (std::strtoull(size.out.c_str(), nullptr, 10) > kMaxGitFileBytes) {
    error = "`" + path + "` at " + rev + " is larger than the limit of " + std::to_string(kMaxGitFileBytes >> 30) + " GiB";
    return std::nullopt;
  }
  CacheFile out;
  if (!out.open(file, error)) return std::nullopt;
  if (ToolResult r = git.run({"cat-file", "blob", *blob}, out.fd()); !r.succeeded())
    return failed("cannot read `" + path + "`", r);
  if (!out.commit(error)) return std::nullopt;
  if (blobIdOfFile(file) != *blob) {
    error = "`" + file + "` does not hold blob " + *blob + " after writing it";
    return std::nullopt;
  }
  return fetched + "wrote `" + path + "` (blob " + blob->substr(0, 12) + ")";
}

}  // namespace mlops::runtime

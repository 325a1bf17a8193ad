#include "runtime/trust/project_signers.h"

#include "runtime/content_hash.h"
#include "support/display_text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::runtime {

std::optional<std::string> readSignersBytes(const std::string& path, std::string& error) {
  std::string shown = "`" + support::escapeControls(path) + "`";
  // O_NONBLOCK: opening a FIFO put in its place must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = "cannot read the signers file " + shown + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "the signers file " + shown + " is not a regular file";
    return std::nullopt;
  }
  std::string out;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read the signers file " + shown + ": " + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > kMaxSignersFileBytes) {
      error = "the signers file " + shown + " is larger than " + std::to_string(kMaxSignersFileBytes) + " bytes";
      return std::nullopt;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

std::optional<ProjectSigners> loadProjectSigners(const ir::PipelineGraph& graph, const std::string& root,
                                                 std::string& error) {
  if (!graph.signers) {
    error = "the project names no signers file";
    return std::nullopt;
  }
  ProjectSigners out;
  out.path = root.empty() || root == "." ? graph.signers->path : root + "/" + graph.signers->path;
  std::optional<std::string> bytes = readSignersBytes(out.path, error);
  if (!bytes) return std::nullopt;
  out.bytes = std::move(*bytes);
  std::string shown = "`" + support::escapeControls(out.path) + "`";
  if (sha256Hex(out.bytes) != graph.signers->sha256) {
    error = "the signers file " + shown + " changed since the pipeline was compiled: compile again (`mlopsc build` " +
            "or `mlopsc run SPEC`) so that the changed list of who may sign is the one checked";
    return std::nullopt;
  }
  std::vector<support::SignersProblem> problems;
  out.file = support::parseAllowedSigners(out.bytes, problems);
  if (!problems.empty()) {
    const support::SignersProblem& p = problems.front();
    error = shown + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message;
    return std::nullopt;
  }
  return out;
}

}  // namespace mlops::runtime

#include "runtime/secret_environment.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace mlops::runtime {
namespace {

// The address range of the environment block the kernel shows as
// /proc/self/environ: fields 50 and 51 (env_start, env_end) of
// /proc/self/stat. {0, 0} when it cannot be read.
std::pair<uintptr_t, uintptr_t> environmentBlock() {
  int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {0, 0};
  char text[4096];
  ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return {0, 0};
  text[n] = '\0';
  // The command name (field 2) may hold spaces: count from its last ')'.
  char* at = std::strrchr(text, ')');
  if (!at) return {0, 0};
  uintptr_t start = 0, end = 0;
  for (int field = 2; field < 51 && at; ++field) {
    at = std::strchr(at + 1, ' ');
    if (!at) break;
    if (field + 1 == 50) start = std::strtoull(at + 1, nullptr, 10);
    if (field + 1 == 51) end = std::strtoull(at + 1, nullptr, 10);
  }
  if (start == 0 || end <= start) return {0, 0};
  return {start, end};
}

}  // namespace

bool eraseEnvironmentVariable(const std::string& name) {
  std::vector<char*> entries;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, name.c_str(), name.size()) == 0 && (*e)[name.size()] == '=') entries.push_back(*e);
  if (entries.empty()) return false;
  ::unsetenv(name.c_str());
  // Only bytes inside the original block are overwritten: they are what
  // /proc shows, and they are certainly writable (an entry put there with
  // putenv() may be a string literal).
  auto [start, end] = environmentBlock();
  for (char* entry : entries) {
    auto address = reinterpret_cast<uintptr_t>(entry);
    size_t length = std::strlen(entry);
    if (address >= start && address + length <= end) std::memset(entry, 0, length);
  }
  return true;
}

std::map<std::string, std::string> takeSecrets(const ir::PipelineGraph& graph,
                                               std::map<std::string, std::string> fromFile) {
  std::set<std::string> names;
  for (const ir::Node& n : graph.nodes) names.insert(n.secrets.begin(), n.secrets.end());
  for (const std::string& name : names)
    if (const char* value = std::getenv(name.c_str())) {
      fromFile[name] = value;  // the environment wins over the file
      eraseEnvironmentVariable(name);
    }
  if (!fromFile.empty()) ::prctl(PR_SET_DUMPABLE, 0);
  return fromFile;
}

}  // namespace mlops::runtime

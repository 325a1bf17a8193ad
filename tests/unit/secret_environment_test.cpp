// Secrets taken out of mlopsc's own environment (runtime/secret_environment.h):
// gone for getenv() and from the bytes the kernel shows as /proc/self/environ,
// which unsetenv() alone leaves in place.
#include "runtime/secret_environment.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using namespace mlops::runtime;

namespace {

// Whether /proc/self/environ has an entry `NAME=...`.
bool procEnvironHas(const std::string& name) {
  // Read to the end: /proc files report a size of 0.
  int fd = ::open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\0', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, name.size() + 1, name + "=") == 0) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

TEST_CASE("security item 9: a variable taken out of the environment is gone from /proc/self/environ",
          "[runtime][secrets][security]") {
  // PATH was in the environment block this process started with: the case
  // of a secret exported before `mlopsc run`.
  const char* path = std::getenv("PATH");
  REQUIRE(path);
  std::string saved = path;
  REQUIRE(procEnvironHas("PATH"));
  CHECK(eraseEnvironmentVariable("PATH"));
  bool stillShown = procEnvironHas("PATH");
  bool stillSet = std::getenv("PATH") != nullptr;
  ::setenv("PATH", saved.c_str(), 1);  // for the tests that follow
  CHECK(!stillSet);
  CHECK(!stillShown);
  CHECK(!eraseEnvironmentVariable("MLOPS_TEST_NEVER_SET_ANYWHERE"));
}

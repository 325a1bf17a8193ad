// The SSH public keys and signatures recorded from ssh-keygen for the
// support tests (tests/unit/data/ssh/README.md).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace mlops::test {

// The bytes of tests/unit/data/ssh/NAME.
inline std::string sshFixture(const std::string& name) {
  std::ifstream in(std::string(MLOPS_SOURCE_DIR) + "/tests/unit/data/ssh/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace mlops::test

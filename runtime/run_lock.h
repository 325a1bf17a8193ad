#pragma once

#include <cstdio>
#include <string>

namespace mlops::runtime {

// Holds the project's run lock (flock on .mlops/lock) for the run's life.
class RunLock {
 public:
  bool acquire(const std::string& path, std::FILE* err);
  ~RunLock();

 private:
  int fd_ = -1;
};

}  // namespace mlops::runtime

// A file of `.mlops/sources/` being written: created new beside its final
// name (O_EXCL, never through a link), filled, fsynced and renamed into
// place, so the cache never holds a partial file; dropped (unlinked) when
// not committed.
#pragma once

#include <string>

namespace mlops::runtime {

class CacheFile {
 public:
  CacheFile() = default;
  CacheFile(const CacheFile&) = delete;
  CacheFile& operator=(const CacheFile&) = delete;
  ~CacheFile();

  // Creates the folder of `destination` and a temporary file in it.
  bool open(const std::string& destination, std::string& error);
  int fd() const { return fd_; }
  bool write(const char* data, size_t size, std::string& error);
  // fsync, rename to the destination, fsync the folder.
  bool commit(std::string& error);

 private:
  std::string destination_, temp_;
  int fd_ = -1;
};

}  // namespace mlops::runtime

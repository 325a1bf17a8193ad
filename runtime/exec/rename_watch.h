// Wakes a waiting run when a file is renamed into a folder it watches
// (inotify, IN_MOVED_TO). The SLURM executor watches the folders of
// exec-node's result files, which exec-node renames into place as its
// last act: a job that ended on this machine is seen at once, without
// a wake-up every few milliseconds to look.
//
// A write from another machine to a shared file system (NFS, Lustre)
// raises no event here: the executor's periodic look and its queue
// reads find those (runtime/exec/slurm_executor.h). Without inotify
// (a kernel without it, no watch left) wait() is a plain sleep.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace mlops::runtime {

class RenameWatch {
 public:
  RenameWatch();
  ~RenameWatch();
  RenameWatch(const RenameWatch&) = delete;
  RenameWatch& operator=(const RenameWatch&) = delete;

  // Watches `folder` (once; a folder that cannot be watched is left to
  // the periodic look).
  void watch(const std::string& folder);
  // Whether any folder is watched.
  bool active() const { return !folders_.empty(); }
  // Sleeps up to `seconds`: less when a file was renamed into a watched
  // folder (true) or a signal arrived (the run's handlers have no
  // SA_RESTART). On true, `renamed` holds the files' paths (FOLDER/NAME as
  // given to watch()), or nothing when the kernel's queue overflowed and
  // any watched file may have been renamed.
  bool wait(double seconds, std::vector<std::string>& renamed);

 private:
  int fd_ = -1;
  std::set<std::string> folders_;
  std::map<int, std::string> byDescriptor_;  // inotify's watch descriptor → folder
};

}  // namespace mlops::runtime

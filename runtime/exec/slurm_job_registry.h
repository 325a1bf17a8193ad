// The SLURM jobs this project's runs submitted and have not seen end, so a
// run killed with `kill -9` (which cannot cancel its jobs) leaves none
// behind: the next `mlopsc run --executor slurm` adopts those still doing
// the very work it wants done, and cancels the others (docs/slurm.md,
// "Interrupted runs").
//
// Where: `.mlops/slurm-jobs`, beside `.mlops/process-groups` and for the
// same reasons (runtime/exec/process_registry.h): a fact of the cluster,
// not the team's record, written at every submit and end with one
// O_APPEND write. Runs hold the project's run lock, so when one opens the
// file every entry in it that has not ended is an orphan.
//
// Format (version 1): a first line `# mlopsc slurm jobs v1`, then one JSON
// object per line: {"submit": ID, "run": N, "node": ID, "key": HEX,
// "log": PATH, "result": PATH} or {"end": ID}. A torn last line (a writer
// killed mid-write) is ignored; a file with another first line is from
// another version and none of its jobs is touched.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlops::runtime {

struct SlurmJobEntry {
  std::string jobId;
  int64_t run = 0;
  std::string node;      // node id
  std::string cacheKey;  // of the work it does (runtime/cache.h)
  std::string logPath;
  std::string resultPath;  // what `mlopsc exec-node` writes when the command ends
};

class SlurmJobRegistry {
 public:
  ~SlurmJobRegistry();
  SlurmJobRegistry(const SlurmJobRegistry&) = delete;
  SlurmJobRegistry& operator=(const SlurmJobRegistry&) = delete;

  // Reads the jobs earlier runs left (orphans()) and starts the file afresh
  // with them in it, so they stay known until ended. Nullptr with `error`
  // when the file cannot be written.
  static std::unique_ptr<SlurmJobRegistry> open(const std::string& path, std::string& error);

  const std::vector<SlurmJobEntry>& orphans() const { return orphans_; }
  void submitted(const SlurmJobEntry& entry);
  void ended(const std::string& jobId);

 private:
  explicit SlurmJobRegistry(int fd) : fd_(fd) {}
  void append(const std::string& line);
  int fd_;
  std::vector<SlurmJobEntry> orphans_;
};

}  // namespace mlops::runtime

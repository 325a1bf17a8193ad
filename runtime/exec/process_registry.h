// The process groups that runs on this machine started and have not reaped
// yet, so that a run killed with `kill -9` (which cannot clean up) leaves no
// orphans: the next `mlopsc run` or `mlopsc status` finds the groups whose
// owner is dead and kills them.
//
// Where: `.mlops/process-groups`, a file of its own rather than a table of
// `.mlops/state.db`. Process ids are a fact of this machine only, while the
// state store holds the team's record (runs, approvals), which is meant to
// move to a shared database; and it is written at every process start and
// reap, where an O_APPEND write of one line costs microseconds, no
// transaction. `status` writes nothing to the state store, only here.
//
// Format (version 1), text, append-only between compactions:
//   # mlopsc process groups v1
//   start PGID LEADER_START OWNER_PID OWNER_START RUN NODE
//   end PGID LEADER_START
// START values are /proc/PID/stat field 22 (clock ticks since boot), which
// tell a process from a later one that got the same pid. A group is live
// from its `start` line until an `end` line with the same PGID and
// LEADER_START. Each line is one write(2) of a few dozen bytes; a partial
// last line (a writer killed mid-write) is ignored, and cut back when the
// next run starts the file afresh. A file with another first line is from
// another version: its entries are not trusted (nothing is killed).
//
// A group is killed only when its owner (the mlopsc that started it) is
// gone (no such pid, a zombie, or another process with a later start time)
// and its processes are still the ones the run started: none started
// before the recorded leader, and either the leader itself is still there
// or a member's environment still names the run and node (MLOPS_RUN,
// MLOPS_NODE, which every node's command gets).
#pragma once

#include "runtime/exec/process.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace mlops::runtime {

class ProcessRegistry {
 public:
  ~ProcessRegistry();
  ProcessRegistry(const ProcessRegistry&) = delete;
  ProcessRegistry& operator=(const ProcessRegistry&) = delete;

  // For a run, which holds the project's run lock: kills the groups runs
  // that died left running (killOrphanGroups), then starts the file afresh.
  // Nullptr with `error` when the file cannot be written.
  static std::unique_ptr<ProcessRegistry> openForRun(const std::string& path, std::FILE* err, std::string& error);

  // A group started: its leader `pid` (= the pgid), for the run and node
  // that `spec`'s environment names.
  void started(pid_t pid, const ProcessSpec& spec);
  // Its leader was reaped: whatever the command left behind was killed
  // with it or belongs to no run any more.
  void reaped(pid_t pid);

 private:
  explicit ProcessRegistry(int fd);
  void append(const std::string& line);
  int fd_;
  pid_t self_;                          // the owner: this mlopsc
  uint64_t selfStart_;
  std::map<pid_t, uint64_t> live_;      // leader → its start time; empty at the end: the file is emptied
};

// For each group of the registry at `path` whose owner is dead and whose
// processes are still its own: SIGKILL to the group, a line on `err`
// (``mlopsc: killed the processes of step s left running by run 12
// (killed with SIGKILL): pids 123, 124``), and its entry ended. Returns how
// many groups it killed. A missing file has no groups.
size_t killOrphanGroups(const std::string& path, std::FILE* err);

// /proc/PID/stat field 22, the process's start time in clock ticks since
// boot; nullopt when there is no such process (or no /proc).
std::optional<uint64_t> processStartTime(pid_t pid);

}  // namespace mlops::runtime

// Secrets leave mlopsc's own environment before any command runs. A node's
// shell is a child of mlopsc, so every command, declaring secrets or not,
// could read `/proc/$PPID/environ`; what the kernel shows there is the
// environment block mlopsc was started with, which unsetenv() leaves in
// place (it only drops the pointer). So each secret's bytes are overwritten
// in that block as well, and the values live on only in the run's memory,
// handed to the nodes that declare them (runtime/runner.h).
//
// With a secret in memory, mlopsc also makes itself non-dumpable
// (PR_SET_DUMPABLE 0): another process of the same user can then no longer
// read its /proc/PID/environ, mem, maps or fds, attach a debugger to it
// (ptrace), and it leaves no core dump. Its children are not affected (an
// execve makes a process dumpable again). The cost: no `gdb -p`, `strace -p`
// or core file of a run that has secrets, unless run as root.
#pragma once

#include "ir/pipeline_graph.h"

#include <map>
#include <string>

namespace mlops::runtime {

// The value of every secret the graph's nodes declare: from the
// environment when set there (then removed from it, bytes overwritten),
// otherwise from `fromFile` (--secrets-file). The file's other entries are
// kept, so that their values are masked in logs too.
std::map<std::string, std::string> takeSecrets(const ir::PipelineGraph& graph,
                                               std::map<std::string, std::string> fromFile);

// Removes `name` from this process's environment and overwrites its entry
// in the environment block the process was started with. Returns whether
// it was set.
bool eraseEnvironmentVariable(const std::string& name);

}  // namespace mlops::runtime

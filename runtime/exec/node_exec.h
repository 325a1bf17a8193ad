// `mlopsc exec-node`: what a SLURM job of `mlopsc run --executor slurm`
// runs (runtime/exec/slurm_executor.h). It runs the node's command as the
// local executor would, on whichever cluster node SLURM chose: `/bin/sh -c`
// in a process group of its own, output appended to the node's log with
// the node's secrets masked on the way (runtime/exec/process.h), the
// node's timeout enforced to the second (SLURM's `--time` counts whole
// minutes) — and writes the result (exit code, signal, timeout, time, CPU,
// peak memory) to a small JSON file the run reads back.
//
// It takes everything from its environment, which sbatch's `--export`
// carries by name (no value is ever in argv or in the batch script):
//   MLOPS_EXEC_COMMAND   the command
//   MLOPS_EXEC_LOG       the node's log
//   MLOPS_EXEC_RESULT    where the result goes
//   MLOPS_EXEC_MASK      names of the variables whose values are masked
//                        (the node's secrets), comma-separated
//   MLOPS_EXEC_TIMEOUT   seconds; absent: none
// and hands the command the rest of its environment, without these.
#pragma once

#include "runtime/exec/process.h"

#include <cstdio>
#include <optional>
#include <string>

namespace mlops::runtime {

// Runs it; the exit status is the command's (128 + N when signal N ended
// it, 124 when it timed out), or 2 with a message on `err` when the job's
// environment is not what `run --executor slurm` sets.
int execNode(std::FILE* err);

// The result file's text for `r`, and back (nullopt for text that is not
// one: the file is read from a shared folder and trusted no further).
std::string nodeResultJson(const ProcessResult& r);
std::optional<ProcessResult> parseNodeResult(const std::string& text);

}  // namespace mlops::runtime

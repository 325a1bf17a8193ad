// What SLURM says about a job, read from its commands' output, and what a
// finished job's state means for the node (docs/slurm.md, "States").
// Everything here parses text a controller (or whatever answers in its
// place) printed: unknown states and malformed lines are kept as they are
// and treated as "not finished" or "failed", never trusted further.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::runtime {

struct SlurmJobState {
  std::string state;   // COMPLETED, RUNNING, ... (a suffix such as "CANCELLED by 0" cut)
  std::string reason;  // squeue %r / scontrol Reason; "None" left out
  std::string exitCode;  // scontrol ExitCode "CODE:SIGNAL", when read
};

// Whether a pending job's `reason` says it can never start as asked: the
// partition, account or QOS cannot give it what it requests (SLURM keeps
// such a job pending for ever unless EnforcePartLimits rejects it).
bool slurmReasonHopeless(std::string_view reason);

// Whether a job in `state` is over: it will never run again under this id.
bool slurmStateFinal(std::string_view state);

// Lines `ID|STATE|REASON` (squeue -h -o '%i|%T|%r'), by job id. Lines that
// do not have that shape are ignored.
std::map<std::string, SlurmJobState> parseSqueue(std::string_view text);

// One job of `scontrol show job -o ID` (KEY=VALUE pairs on one line):
// JobState, Reason and ExitCode; nullopt when there is no JobState.
std::optional<SlurmJobState> parseScontrolJob(std::string_view text);

// The job id of `sbatch --parsable` ("ID" or "ID;CLUSTER"): digits only,
// at most 20; nullopt for anything else.
std::optional<std::string> parseSbatchJobId(std::string_view text);

// Why a job that ended in `state` without its result file failed, for the
// node's result: "SLURM stopped it at its time limit (TIMEOUT)", ...
std::string slurmEndDescription(const SlurmJobState& state);

}  // namespace mlops::runtime

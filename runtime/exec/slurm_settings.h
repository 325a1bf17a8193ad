// What `mlopsc run --executor slurm` was told about the cluster
// (docs/slurm.md): where jobs go, extra sbatch options, and how long the
// controller may take to answer before the run gives up on it.
#pragma once

#include <string>
#include <vector>

namespace mlops::runtime {

struct SlurmSettings {
  std::string partition;             // --partition; "" for the cluster's default
  std::string account;               // --account; "" for the user's default
  std::vector<std::string> options;  // --slurm-opt, each one sbatch argument (never a reserved one: ir/slurm_options.h)
  // A controller command (sbatch, squeue, scontrol, scancel) that has not
  // answered in this long is given up on, and so is a controller that has
  // failed every poll for this long: the run reports it rather than hangs.
  double controllerTimeoutSeconds = 30;
  // The mlopsc a job runs (`mlopsc exec-node`): this binary by default,
  // which the cluster's nodes must reach at the same path (a shared file
  // system, as the project folder is).
  std::string mlopscPath;
  // How often the queue is read while jobs run: `pollMin` after each
  // submission or change, doubling up to `pollMax` while nothing changes.
  // Most jobs end sooner than that: exec-node's result file (shared file
  // system) is looked for every `lookMin` while a job is young, and less
  // often as the youngest running job ages (a tenth of its age, up to
  // `lookMax`). A stat per job, no controller command.
  double pollMinSeconds = 2.0;
  double pollMaxSeconds = 10.0;
  double lookMinSeconds = 0.1;
  double lookMaxSeconds = 1.0;
};

}  // namespace mlops::runtime

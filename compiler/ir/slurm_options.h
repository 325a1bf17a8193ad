// How a node asks SLURM for what it needs (docs/slurm.md, "Mapping"): the
// sbatch options both `mlopsc run --executor slurm` and the submit script of
// `mlopsc build --emit slurm` give each node's job. One table, so the two
// never disagree.
//
//   resources.cpu      --cpus-per-task=N   (rounded up: SLURM counts whole CPUs)
//   resources.memory   --mem=NM            (MiB, rounded up)
//   resources.gpu      --gres=gpu:N        (rounded up)
//   resources.timeout  --time=M            (minutes, rounded up, at least 1)
//   the job's name     --job-name=mlops.PROJECT.NODE
//
// Values come from pipeline.json, which is input like any other: a value
// that is not a finite positive number is left out (SLURM's default), and
// every value is capped, so no option is ever malformed. Each option is one
// argv element; nothing here is ever given to a shell.
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::ir {

// The resource options of `node` (cpu, memory, gpu, time), in that order.
std::vector<std::string> slurmResourceOptions(const Node& node);

// `mlops.PROJECT.NODE` with every character outside [A-Za-z0-9._:-] made
// `_` and the whole cut to 200 bytes: a name squeue and scontrol print on
// one line, whatever the spec named things.
std::string slurmJobName(const PipelineGraph& graph, const Node& node);

// Minutes for `--time`: the timeout rounded up, at least 1 (SLURM's unit);
// nullopt for a value that is not a finite positive number.
std::optional<long long> slurmTimeMinutes(std::optional<double> seconds);

// sbatch options mlopsc sets itself, which `--slurm-opt` may not give
// (whether `option`, as the user wrote it, is one of them): the job's
// output, environment, name, dependencies, working folder and the like.
bool slurmOptionReserved(const std::string& option);

// The same options as a list: the long names (`--output`), then the short
// letters sbatch has for some of them (`-o`), without `=`. The submit script
// of `build --emit slurm` refuses its arguments with them.
std::vector<std::string> slurmReservedOptions();

}  // namespace mlops::ir

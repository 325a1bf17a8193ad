// mlopsc run SPEC|pipeline.json [TARGET...] [-j N] [--dry-run] [--explain]
// [--fail-fast] [--interval-scale X] [--secrets-file FILE] [--node ID
// [--artifacts DIR [--max-artifact-size SIZE]]] [-P KEY=VALUE...]: runs the selected nodes on
// this machine (runtime/runner.h); with `CI` set, `--node` runs a CI job
// (runtime/ci_evidence.h).
// A spec is checked first (its diagnostics printed; errors stop the run),
// or its IR reused from the compile cache when nothing it reads changed; a
// compiled pipeline.json runs without the sources.
#include "driver/commands.h"
#include "driver/version.h"
#include "driver/pipeline_input.h"
#include "driver/stdlib_locator.h"
#include "ir/slurm_options.h"
#include "runtime/artifacts.h"
#include "runtime/ci_evidence.h"
#include "runtime/noop_manifest.h"
#include "runtime/params.h"
#include "runtime/runner.h"

#include <llvm/Support/MemoryBuffer.h>

#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <thread>

namespace mlops::driver {
namespace {

llvm::cl::opt<std::string> runInput(llvm::cl::Positional, llvm::cl::desc("<spec.mlops|pipeline.json>"),
                                    llvm::cl::Required, llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> runTargets(llvm::cl::Positional, llvm::cl::desc("[TARGET...]"), llvm::cl::ZeroOrMore,
                                       llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<unsigned> runJobs("j", llvm::cl::desc("Run up to N nodes at once (default: the number of cores; 64 with --executor slurm)"),
                                llvm::cl::value_desc("N"), llvm::cl::Prefix, llvm::cl::init(0),
                                llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runDry("dry-run", llvm::cl::desc("Say what would run and why; run nothing, write nothing"),
                           llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runExplainFlag("explain", llvm::cl::desc("Say why each node runs or is up to date"),
                               llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runFailFast("fail-fast", llvm::cl::desc("Start nothing new after a node fails"),
                                llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> runKeepGoing("keep-going",
                                 llvm::cl::desc("After a failure, go on with what does not depend on it (default)"),
                                 llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<double> runIntervalScale(
    "interval-scale",
    llvm::cl::desc("Multiply canary intervals and shadow/ab durations by X (e.g. 0.001 for demos and tests)"),
    llvm::cl::value_desc("X"), llvm::cl::init(1.0), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runSecretsFile(
    "secrets-file",
    llvm::cl::desc("Read secrets not set in the environment from FILE (NAME=value lines; keep it out of git; every value is masked in every log)"),
    llvm::cl::value_desc("file"), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runNode(
    "node",
    llvm::cl::desc("Run this node: with CI set and --artifacts, as a CI job (upstream ran in earlier jobs, whose "
                   "results it checks; approvals, baselines and drift references come from the team's record, "
                   "MLOPS_STATE); elsewhere with the tests and gates upstream of it"),
    llvm::cl::value_desc("id"), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runArtifacts(
    "artifacts",
    llvm::cl::desc("With --node: restore upstream outputs from DIR/<producer>/ first, leave DIR/<node>/ after"),
    llvm::cl::value_desc("dir"), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runMaxArtifactSize(
    "max-artifact-size",
    llvm::cl::desc("With --artifacts: refuse to restore more than SIZE bytes (K, M, G, T suffixes; default 16G)"),
    llvm::cl::value_desc("size"), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> runParams(
    "P",
    llvm::cl::desc("Set project param KEY (a dotted key: train.n_est) for this run: checked against its type "
                   "and `where`; nodes reading it rerun (repeatable)"),
    llvm::cl::value_desc("KEY=VALUE"), llvm::cl::Prefix, llvm::cl::ZeroOrMore, llvm::cl::sub(runCommand),
    llvm::cl::cat(commandCategory));
llvm::cl::alias runParamsLong("param", llvm::cl::desc("Alias for -P"), llvm::cl::aliasopt(runParams),
                              llvm::cl::NotHidden);
llvm::cl::opt<std::string> runExecutor(
    "executor",
    llvm::cl::desc("Where commands run: `local` (this machine, the default) or `slurm` (batch jobs on a SLURM cluster; "
                   "docs/slurm.md)"),
    llvm::cl::value_desc("local|slurm"), llvm::cl::init("local"), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runPartition("partition", llvm::cl::desc("SLURM partition for every job (--executor slurm)"),
                                        llvm::cl::value_desc("name"), llvm::cl::sub(runCommand),
                                        llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runAccount("account", llvm::cl::desc("SLURM account charged for every job (--executor slurm)"),
                                      llvm::cl::value_desc("name"), llvm::cl::sub(runCommand),
                                      llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> runSlurmOpts(
    "slurm-opt",
    llvm::cl::desc("One more sbatch option for every job, e.g. --slurm-opt=--qos=high (repeatable; not the options "
                   "mlopsc sets itself)"),
    llvm::cl::value_desc("option"), llvm::cl::ZeroOrMore, llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<double> runSlurmTimeout(
    "slurm-timeout",
    llvm::cl::desc("Seconds the SLURM controller may take to answer before the run gives up on it (default 30)"),
    llvm::cl::value_desc("seconds"), llvm::cl::init(30.0), llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> runStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                     llvm::cl::sub(runCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runRun() {
  if (runFailFast && runKeepGoing) {
    llvm::errs() << "mlopsc: error: --fail-fast and --keep-going contradict each other: give one\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (!runNode.empty() && !runTargets.empty()) {
    llvm::errs() << "mlopsc: error: --node runs one node: give it or TARGETs, not both\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (!runArtifacts.empty() && runNode.empty()) {
    llvm::errs() << "mlopsc: error: --artifacts moves one node's files between CI jobs: it needs --node\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::optional<uint64_t> maxArtifactBytes = runtime::kDefaultMaxArtifactBytes;
  if (!runMaxArtifactSize.empty()) {
    maxArtifactBytes = runtime::parseByteSize(runMaxArtifactSize);
    if (!maxArtifactBytes) {
      llvm::errs() << "mlopsc: error: --max-artifact-size must be a byte count such as 500M or 16G, found `"
                   << runMaxArtifactSize << "`\n";
      return static_cast<int>(ExitCode::Usage);
    }
    if (runArtifacts.empty()) {
      llvm::errs() << "mlopsc: error: --max-artifact-size limits what --artifacts restores: it needs --artifacts\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  if (!(runIntervalScale >= 0)) {
    llvm::errs() << "mlopsc: error: --interval-scale must be a number >= 0, found " << runIntervalScale << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  runtime::RunOptions options;
  if (runExecutor == "slurm") {
    options.executor = runtime::RunOptions::Executor::Slurm;
  } else if (runExecutor != "local") {
    llvm::errs() << "mlopsc: error: --executor must be `local` or `slurm`, found `" << runExecutor << "`\n";
    return static_cast<int>(ExitCode::Usage);
  }
  bool slurmOptions = !runPartition.empty() || !runAccount.empty() || !runSlurmOpts.empty() ||
                      runSlurmTimeout.getNumOccurrences() > 0;
  if (slurmOptions && options.executor != runtime::RunOptions::Executor::Slurm) {
    llvm::errs() << "mlopsc: error: --partition, --account, --slurm-opt and --slurm-timeout configure SLURM jobs: "
                    "they need --executor slurm\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (!(runSlurmTimeout > 0) || runSlurmTimeout > 86400) {
    llvm::errs() << "mlopsc: error: --slurm-timeout must be a number of seconds above 0 and at most 86400, found "
                 << runSlurmTimeout << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  for (const std::string& o : runSlurmOpts) {
    if (o.empty() || o[0] != '-') {
      llvm::errs() << "mlopsc: error: --slurm-opt takes one sbatch option such as `--qos=high`, found `" << o << "`\n";
      return static_cast<int>(ExitCode::Usage);
    }
    if (ir::slurmOptionReserved(o)) {
      llvm::errs() << "mlopsc: error: --slurm-opt `" << o
                   << "`: mlopsc sets this sbatch option itself (from the spec's resources, the node's log and "
                      "environment; docs/slurm.md)\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  if (options.executor == runtime::RunOptions::Executor::Slurm && !runArtifacts.empty()) {
    llvm::errs() << "mlopsc: error: --artifacts is for CI jobs, which run their node where they are: "
                    "it cannot be used with --executor slurm\n";
    return static_cast<int>(ExitCode::Usage);
  }
  for (const std::string& name : {std::string(runPartition), std::string(runAccount)})
    if (name.find_first_of(" \t\n\r,=") != std::string::npos) {
      llvm::errs() << "mlopsc: error: a SLURM partition or account name has no spaces, commas or `=`, found `" << name
                   << "`\n";
      return static_cast<int>(ExitCode::Usage);
    }
  options.slurm.partition = runPartition;
  options.slurm.account = runAccount;
  options.slurm.options.assign(runSlurmOpts.begin(), runSlurmOpts.end());
  options.slurm.controllerTimeoutSeconds = runSlurmTimeout;
  options.slurm.mlopscPath = mainExecutable();
  if (!runSecretsFile.empty()) {
    std::string error;
    std::optional<std::map<std::string, std::string>> secrets = runtime::readSecretsFile(runSecretsFile, error);
    if (!secrets) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    options.secrets = std::move(*secrets);
    options.secretsFile = runSecretsFile;
  }
  options.targets.assign(runTargets.begin(), runTargets.end());
  // A cluster's queue takes far more than this machine has cores.
  options.jobs = runJobs                                                        ? runJobs
                 : options.executor == runtime::RunOptions::Executor::Slurm ? 64u
                                                                              : std::max(1u, std::thread::hardware_concurrency());
  options.failFast = runFailFast;
  options.dryRun = runDry;
  options.explain = runExplainFlag;
  options.runtimeVersion = kVersion;
  options.intervalScale = runIntervalScale;
  options.node = runNode;
  options.artifactsDir = runArtifacts;
  options.ci = runtime::runningInCi();
  options.maxArtifactBytes = *maxArtifactBytes;
  options.state = selectedState();
  if (std::string error; !runtime::checkStateSelection(options.state, error)) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  if (const char* runId = std::getenv("MLOPS_RUN_ID")) options.externalRunId = runId;
  std::string irJson;
  int exitCode = 0;
  std::unique_ptr<ir::PipelineGraph> graph;
  bool fromJson = llvm::StringRef(runInput).endswith(".json");
  std::string text;
  if (fromJson) {
    auto buffer = llvm::MemoryBuffer::getFile(runInput, false, false);
    if (!buffer) {
      llvm::errs() << "mlopsc: error: cannot read `" << runInput << "`: " << buffer.getError().message() << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    text = (*buffer)->getBuffer().str();
  } else {
    std::string note;
    if (!loadSpecIr(runInput, runStdlib, runDry ? CacheWrite::IfPresent : CacheWrite::Create, text, graph, exitCode,
                    &note))
      return exitCode;
    if (runExplainFlag) llvm::errs() << "mlopsc: note: " << note << '\n';
  }
  if (!graph) {
    // A pipeline.json, or a spec's IR from the compile cache: when the last
    // run left everything up to date, the no-op fast path answers before
    // the graph is parsed (with -P, after: the values change the graph).
    if (runParams.empty())
      if (std::optional<std::string> root = runtime::projectRootOf(text))
        if (std::optional<runtime::RunStatus> fast = runtime::runNoop(*root, text, options))
          return static_cast<int>(*fast);
    options.noopChecked = runParams.empty();
    graph = parsePipeline(runInput, std::move(text), irJson, exitCode);
    if (!graph) return exitCode;
  } else {
    irJson = std::move(text);
  }
  if (std::string error; !runtime::applyParamOverrides(*graph, {runParams.begin(), runParams.end()}, runNode, error)) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  // The run records the graph it ran: with the -P values, marked as such.
  if (!runParams.empty()) irJson = ir::writeJson(*graph);
  runtime::RunStatus status = runtime::runPipeline(*graph, options, irJson);
  return static_cast<int>(status);
}

}  // namespace mlops::driver

// The runner of one `mlopsc run`: the scheduler's Executor for the run's
// nodes (runtime/scheduler.h). Internal to runner.cpp's runPipeline, not
// part of runner.h's API. Its members are defined by concern:
//   node_runner.cpp          construction, start/wait/resume, data checks,
//                            commands, conditions, recording
//   node_runner_rollout.cpp  deploys (rollout steps, rollback), monitors,
//                            KPIs and A/B tests
//   node_runner_gates.cpp    gates (approvals, signatures, gate passes,
//                            reference profiles) and the model artifact
//   node_runner_tests.cpp    tests over metrics, baselines and data
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/cache.h"
#include "runtime/content_hash.h"
#include "runtime/exec/command_executor.h"
#include "runtime/expression.h"
#include "runtime/progress.h"
#include "runtime/rollout/ab_check.h"
#include "runtime/rollout/kpi_readings.h"
#include "runtime/runner.h"
#include "runtime/scheduler.h"
#include "runtime/state/local_cache.h"
#include "runtime/state/record.h"
#include "runtime/trust/gate_signatures.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mlops::runtime {

class ProcessRegistry;

class NodeRunner : public Executor {
 public:
  // `state` and `cache` are null when a dry run finds no state.
  NodeRunner(const ir::PipelineGraph& g, const RunOptions& o, std::vector<const ir::Node*> order, Record* state,
             LocalCache* cache, int64_t run, std::string logDir, Progress& progress, ProcessRegistry* registry);

  void start(size_t i) override;
  TaskEvent wait() override;
  void resume(size_t i) override;

  void skipped(size_t i, const std::string& status, const std::string& why);
  // Whether node i was skipped by its own false `when` (already recorded).
  bool skippedByCondition(size_t i) const;
  bool blockingTestFailed() const;
  // A gate of a project with signers could not be decided (the signers
  // file changed since compiling, ssh-keygen missing): exit 2, not a wait.
  bool trustFailed() const;
  const FileHasher& hasher() const;
  // Each step's, model's and deploy's code paths, as this run found them.
  const std::unordered_map<std::string, std::vector<std::string>>& codeFound() const;
  bool monitorFailed() const;
  const std::set<std::string>& waitingGates() const;

  void finish();

 private:
  struct Prepared {
    Job job;
    CacheParts parts;
    std::string artifact;                   // a deploy: the digest of the model artifact it rolls out
  };

  // A deploy being rolled out: its steps (traffic percentages), where it is,
  // and whether it is rolling back.
  struct Rollout {
    std::vector<double> steps;     // fractions
    size_t next = 0;               // the step to run next
    double pauseSeconds = 0;       // between steps (scaled)
    double settleSeconds = 0;      // after the last step before the final monitor check (shadow, ab)
    bool settles = false;          // shadow, ab: the final check comes even when the (scaled) duration is 0
    bool settled = false;
    bool rollingBack = false;
    std::optional<double> resumeAt;
    std::string failure;
    Job base;                      // the step's job without MLOPS_TRAFFIC_PERCENT
    double startedAt = 0;          // monotonic: the rollout's time includes its pauses
    std::string artifact;          // the model artifact's digest each step must find (its gate's, when it passed here)
    bool promoting = false;        // ab: the test concluded promote; the last step sends all traffic to the new model
    std::vector<std::string> jobs; // SLURM job ids (digits) of its steps and rollback that ran on SLURM, in order
  };

  // ---- node_runner.cpp: data, commands ------------------------------------
  bool stopping();
  void checkData(size_t i, const ir::Node& n);
  bool fetchedInCiJob(const std::string& id, std::string& error);
  void startCommand(size_t i, const ir::Node& n);
  std::optional<std::string> secret(const std::string& name) const;
  bool commandDone(size_t i, bool ok);

  // ---- node_runner_rollout.cpp: deploys -----------------------------------
  void startRollout(size_t i, const ir::Node& n, Prepared p);
  void runRolloutStep(size_t i);
  void startRollback(size_t i);
  std::optional<bool> rolloutStepDone(size_t i, bool ok);
  static std::string slurmJobsText(const Rollout& r);
  static std::string rolloutJobIds(const Rollout& r);
  bool rolloutSucceeded(size_t i);
  void resumeRollout(size_t i);
  void concludeAbRollout(size_t i);

  // ---- node_runner_rollout.cpp: monitors ----------------------------------
  bool evaluateMonitor(const ir::Node& m, std::string& why, const std::string& artifact);

  // ---- node_runner_rollout.cpp: KPIs and A/B tests ------------------------
  void recordKpi(const KpiReading& reading);
  void readOfflineKpi(const ir::Node& model, const std::string& metrics, const std::string& artifact);
  std::string deployedArtifact(const ir::Node& deploy) const;
  bool isFirstMonitorOf(const ir::Node& monitor, const ir::Node& deploy) const;
  void recordAb(AbCheck& check, const std::string& action);

  // ---- node_runner_gates.cpp: gates ---------------------------------------
  std::optional<NodeSuccess> modelArtifact(const ir::Node& model, std::string& error);
  std::string differsFromGate(const ir::Node& deploy, const ir::Node& model, const std::string& artifact) const;
  std::string artifactChanged(const ir::Node& deploy, const std::string& expected);
  std::string signedSubjects(const ir::Node& model) const;
  GateSignatures* signatures(size_t i);
  const GatePass* latestPass(const std::string& gate, const std::string& artifact) const;
  void checkGate(size_t i, const ir::Node& gate);
  std::string noApprovalsNeeded() const;
  std::string metricsText(const ir::Node& model) const;
  std::vector<ReferenceProfile> referenceProfiles(const ir::Node& gate);
  std::optional<std::string> referenceProfile(const std::string& data, const std::string& column) const;
  bool ancestorOf(const std::string& candidate, const std::string& node) const;
  static std::string dataPath(const ir::Node& data);
  std::function<std::optional<Value>(const std::vector<std::string>&, std::string&)> checkParameters(const ir::Node& t);

  // ---- node_runner_tests.cpp: tests ---------------------------------------
  void runTest(size_t i, const ir::Node& n);
  static std::string describeValues(const ir::Node& n, const EvaluationContext& context);

  // ---- node_runner.cpp: conditions, recording -----------------------------
  bool conditionHolds(size_t i, const ir::Node& n);
  void immediate(size_t i, bool ok, const std::string& why, const char* status = "failed");
  // `jobId`: where its command ran when not here (NodeRecord::jobId).
  void record(size_t i, const std::string& status, const std::string& why, double seconds, const NodeSuccess* success,
              int exitCode = 0, const ProcessResult* used = nullptr, const std::string& jobId = "");
  void flushResults();

  const ir::PipelineGraph& g_;
  const RunOptions& o_;
  std::vector<const ir::Node*> order_;
  Record* state_;
  LocalCache* cache_;
  int64_t run_;
  std::string logDir_;
  Progress& progress_;
  FileHasher hasher_;
  std::unique_ptr<CommandExecutor> commands_;
  std::map<size_t, Prepared> prepared_;
  std::map<size_t, Rollout> rollouts_;
  std::map<size_t, std::string> whys_;
  std::deque<std::pair<size_t, bool>> done_;
  std::set<std::string> wouldRun_;  // dry run: node ids that would run
  std::set<std::string> waiting_;   // gates waiting for approvals
  std::vector<ApprovalRecord> approvals_;  // the rows that verify
  std::unique_ptr<GateSignatures> signatures_;  // a project with signers, from its first gate on
  bool trustFailed_ = false;
  std::vector<GatePass> passes_;          // the gate passes that verify, oldest first
  std::map<std::string, std::string> gatePassed_;  // gate id → the artifact digest it passed in this run
  std::unordered_map<std::string, NodeSuccess> successes_;  // last success by node id
  std::unordered_map<std::string, std::vector<std::string>> codePaths_;  // by node id
  std::vector<NodeRecord> pending_;                         // results not written yet
  std::set<std::string> leased_;                            // deploys rolling out under their lease
  std::set<std::string> abConcluded_;                       // ab deploys whose test this run concluded
  bool blockingFailed_ = false;
  bool monitorFailed_ = false;
  std::set<size_t> conditionFalse_;  // nodes skipped by their own false `when`
};

}  // namespace mlops::runtime

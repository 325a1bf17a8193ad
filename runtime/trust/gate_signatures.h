// A gate's approvals in a project with signers, as the runner counts them
// at every evaluation, locally and in a CI job (`--node`): only rows whose
// SSH signature verifies against the signers file the pipeline was
// compiled with, whose statement holds for this gate, this policy and the
// model files there now (runtime/trust/approval_signatures.h), count; the
// others are named with the reason. ssh-keygen's verdicts are cached per
// user (runtime/trust/verify_cache.h), so evaluating the gate again runs
// no ssh-keygen.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/approvals.h"
#include "runtime/trust/approval_signatures.h"
#include "runtime/trust/gate_evidence.h"
#include "runtime/trust/project_signers.h"
#include "runtime/trust/ssh_keygen.h"
#include "runtime/trust/verify_cache.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

class GateSignatures {
 public:
  // The signers file of `graph` under `root`, ssh-keygen (absent is no
  // error yet: only a row that needs it makes the gate undecidable) and the
  // cache. Nullopt with `error` when the signers file cannot be used.
  static std::unique_ptr<GateSignatures> open(const ir::PipelineGraph& graph, const std::string& root,
                                              std::string& error);

  // The rows of `log` (the verified chain prefix) that count for `gate`
  // and `artifact` whose outputs are `subjects`.
  SignedApprovals count(const ir::PipelineGraph& graph, const ir::Node& gate, const std::string& artifact,
                        const std::vector<Subject>& subjects, const std::vector<ApprovalRecord>& log) const;

  // The evidence of a pass that `tally` (over `counted`) met: the counted
  // row of each approver, in log order.
  std::optional<std::string> evidence(const ir::PipelineGraph& graph, const ir::Node& gate, const GateTally& tally,
                                      const std::vector<ApprovalRecord>& counted,
                                      const std::vector<Subject>& subjects, const std::string& version,
                                      std::string& error) const;

  const ProjectSigners& signers() const { return signers_; }
  GateSignatures(const GateSignatures&) = delete;
  GateSignatures& operator=(const GateSignatures&) = delete;

 private:
  GateSignatures(ProjectSigners signers, std::optional<SshKeygen> keygen, std::string keygenProblem,
                 std::unique_ptr<VerifyCache> cache);
  ProjectSigners signers_;
  std::optional<SshKeygen> keygen_;
  std::string keygenProblem_;  // why there is no ssh-keygen (SshKeygen::locate's sentence)
  std::unique_ptr<VerifyCache> cache_;
  ApprovalVerifier verifier_;
};

}  // namespace mlops::runtime

// The whole approvals log checked as gates check each row, for the
// commands that look back over it (`history --verify`, `report`): every
// signed row's signature against the project's signers file (or another
// one, e.g. an older commit's), every unsigned row written after signing
// began, and the approvals each gate pass's evidence names.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/state/records.h"
#include "runtime/trust/approval_signatures.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct LogVerification {
  // Whether signatures were checked at all: false without a signers file
  // (a project without signers, or the file not readable here), when
  // `summary` says why.
  bool checked = false;
  std::vector<SignatureVerdict> verdicts;  // one per row of the log (checked only)
  // One sentence per bad row ("approval 5 (carol@x for gate:release,
  // 2026-…): reason") and per pass whose evidence names a row not in the
  // log; empty when everything verifies.
  std::vector<std::string> problems;
  std::string summary;  // "11 signatures verified (4 people) against `allowed_signers`, …"
};

// `graph` may be null (no run recorded). `signersFile` non-empty: that
// file instead of the graph's. Nullopt with `error` when the check cannot
// be made though it is needed (the --signers file unreadable or invalid,
// ssh-keygen missing while signed rows exist): exit 2 for the caller.
std::optional<LogVerification> verifyApprovalLog(const ir::PipelineGraph* graph, const std::string& root,
                                                 const std::string& signersFile,
                                                 const std::vector<ApprovalRecord>& log,
                                                 const std::vector<GatePass>& passes, std::string& error);

}  // namespace mlops::runtime

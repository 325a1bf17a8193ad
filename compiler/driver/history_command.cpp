// mlopsc history [NODE] [--verify] [--project DIR]: the runs of the project
// (or one node's results across runs), the gate passes and the approvals
// log; --verify checks every table the gates trust (the approvals log and
// the gate passes with their baselines and reference profiles, each a hash
// chain) and exits 6 naming the first bad row of each when a row was
// changed, inserted or deleted outside mlopsc. In a project with signers it
// also verifies every signed approval with ssh-keygen (as gates do) and
// names each row whose signature does not verify, and why, and each
// unsigned row written after signing began.
#include "driver/commands.h"
#include "driver/project_state.h"
#include "runtime/approvals.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/trust/log_verification.h"
#include "support/display_text.h"

#include <llvm/Support/Format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace mlops::driver {

namespace {

// Every field below comes from the state store, and a comment or an e-mail
// from whoever ran `approve`: shown with control characters escaped.
std::string shown(const std::string& text) { return support::escapeControls(text); }

llvm::cl::opt<std::string> historyNode(llvm::cl::Positional, llvm::cl::desc("[node]"), llvm::cl::sub(historyCommand),
                                       llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> historyVerify("verify",
                                  llvm::cl::desc("Verify the hash chains of the approvals log and the gate passes "
                                                 "(exit 6 when tampered)"),
                                  llvm::cl::sub(historyCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> historySigners(
    "signers",
    llvm::cl::desc("With --verify: check the approvals' signatures against this allowed_signers file instead of the "
                   "project's (e.g. the one of an older commit: `git show v2.3.0:allowed_signers > old`)"),
    llvm::cl::value_desc("file"), llvm::cl::sub(historyCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runHistory() {
  std::optional<ProjectState> project = openProjectState(projectOption, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  runtime::Record& store = *project->store;
  llvm::raw_ostream& out = llvm::outs();
  if (historyVerify) {
    std::vector<runtime::ApprovalRecord> log = store.approvals();
    std::vector<runtime::GatePass> passes = store.gatePasses();
    std::vector<std::string> problems = runtime::verifyApprovalChain(log, passes);
    std::vector<std::string> passProblems = runtime::verifyGatePassChain(passes);
    problems.insert(problems.end(), passProblems.begin(), passProblems.end());
    std::string error;
    std::optional<runtime::LogVerification> signed_ = runtime::verifyApprovalLog(
        project->graph ? &*project->graph : nullptr, project->root, historySigners, log, passes, error);
    if (!signed_) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    const std::string& signatures = signed_->summary;
    const std::vector<std::string>* signatureProblems = &signed_->problems;
    problems.insert(problems.end(), signatureProblems->begin(), signatureProblems->end());
    if (problems.empty()) {
      out << "approvals log verified: " << log.size() << (log.size() == 1 ? " row" : " rows") << ", hash chain intact";
      if (!log.empty()) out << " (head " << log.back().hash.substr(0, 12) << ")";
      out << "\ngate passes verified: " << passes.size() << (passes.size() == 1 ? " row" : " rows")
          << " with their baselines and reference profiles, hash chain intact";
      if (!passes.empty()) out << " (head " << passes.back().hash.substr(0, 12) << ")";
      out << '\n';
      if (!signatures.empty()) out << signatures << '\n';
      return 0;
    }
    for (const std::string& p : problems) llvm::errs() << "mlopsc: error: " << p << '\n';
    if (problems.size() > signatureProblems->size())
      llvm::errs() << "mlopsc: the record at " << store.describe()
                   << " was tampered with: gates count only the rows before the first bad one; do not trust the rest\n";
    else
      llvm::errs() << "mlopsc: " << signatureProblems->size()
                   << (signatureProblems->size() == 1 ? " approval does" : " approvals do")
                   << " not verify: no gate counts them\n";
    return static_cast<int>(ExitCode::Refused);
  }
  if (!historyNode.empty()) {
    std::string id = historyNode;
    if (project->graph) {
      const ir::Node* n = findNodeOrReport(*project->graph, historyNode, nullptr);
      if (!n) return static_cast<int>(ExitCode::Usage);
      id = n->id;
    }
    auto rows = store.nodeHistory(id);
    if (rows.empty()) {
      out << id << " has not run yet\n";
      return 0;
    }
    // What the command used beside its wall time (blank when it ran none:
    // a test, a gate, a cached node), and where it ran when not on this
    // machine: a `job` column as wide as its longest id ("slurm:1234"), only
    // when some row has one (the record read it through recordedJobId, so
    // it holds no control character).
    size_t jobWidth = 0;
    for (const auto& [run, r] : rows) jobWidth = std::max(jobWidth, r.jobId.size());
    if (jobWidth) jobWidth = std::max<size_t>(jobWidth, 3);
    std::string jobHeader = jobWidth ? "job" + std::string(jobWidth - 3, ' ') + "  " : "";
    out << "run  result       time      cpu  peak mem  " << jobHeader << "why\n";
    for (const auto& [run, r] : rows) {
      std::string cpu = r.cpuSeconds > 0 ? llvm::formatv("{0:f1}s", r.cpuSeconds).str() : "";
      std::string mem = r.maxRssBytes > 0 ? llvm::formatv("{0:f1} MiB", r.maxRssBytes / 1048576.0).str() : "";
      out << llvm::format("%-4lld %-12s %7.1fs %7s %9s  ", static_cast<long long>(run), shown(r.status).c_str(),
                          r.seconds, cpu.c_str(), mem.c_str());
      if (jobWidth) out << r.jobId << std::string(jobWidth - r.jobId.size(), ' ') << "  ";
      out << shown(r.why) << '\n';
    }
    return 0;
  }
  std::vector<runtime::RunRecord> runs = store.runs();
  out << "runs:\n";
  if (runs.empty()) out << "  (none)\n";
  for (const runtime::RunRecord& r : runs) {
    size_t ran = 0, failed = 0;
    for (const runtime::NodeRecord& n : store.runResults(r.id)) {
      ran += n.status == "succeeded";
      failed += n.status == "failed";
    }
    out << llvm::format("  %-4lld ", static_cast<long long>(r.id)) << shown(r.startedAt) << "  "
        << llvm::format("%-9s", shown(r.status).c_str()) << "  " << ran << " ran, " << failed << " failed";
    if (r.noopOf) out << " (no-op: no file changed since run " << r.noopOf << ")";
    out << '\n';
  }
  out << "gate passes:\n";
  std::vector<runtime::GatePass> passes = store.gatePasses();
  if (passes.empty()) out << "  (none)\n";
  for (const runtime::GatePass& p : passes)
    out << "  " << shown(p.at) << "  " << shown(p.gate) << " for " << shown(p.model) << " (artifact "
        << shown(p.artifact.substr(0, 12)) << ") in run " << p.run << " (pass " << p.id
        << (p.evidence.empty() ? "" : ", with release evidence: `mlopsc attest`") << ")\n";
  out << "approvals:\n";
  std::vector<runtime::ApprovalRecord> log = store.approvals();
  if (log.empty()) out << "  (none)\n";
  for (const runtime::ApprovalRecord& a : log) {
    out << llvm::format("  %-4lld ", static_cast<long long>(a.id)) << shown(a.at) << "  " << shown(a.email) << " ("
        << shown(a.role) << ") approved " << shown(a.gate) << " for artifact " << shown(a.artifact.substr(0, 12));
    if (!a.comment.empty()) out << ": \"" << shown(a.comment) << "\"";
    // The key is a hint from the row; `history --verify` checks the signature.
    if (a.isSigned()) out << " [signed" << (a.signingKey.empty() ? "" : ", key " + shown(a.signingKey)) << "]";
    out << '\n';
  }
  return 0;
}

}  // namespace mlops::driver

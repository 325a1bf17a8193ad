#include "runtime/trust/log_verification.h"

#include "runtime/trust/release_evidence.h"
#include "runtime/trust/project_signers.h"
#include "runtime/trust/verify_cache.h"
#include "support/display_text.h"

#include <algorithm>
#include <set>

namespace mlops::runtime {
namespace {

std::string shown(const std::string& text) { return support::escapeControls(text); }

}  // namespace

std::optional<LogVerification> verifyApprovalLog(const ir::PipelineGraph* graph, const std::string& root,
                                                 const std::string& signersFile,
                                                 const std::vector<ApprovalRecord>& log,
                                                 const std::vector<GatePass>& passes, std::string& error) {
  LogVerification out;
  bool anySigned = std::any_of(log.begin(), log.end(), [](const ApprovalRecord& r) { return r.isSigned(); });
  std::optional<ProjectSigners> signers;
  if (!signersFile.empty()) {
    std::optional<std::string> bytes = readSignersBytes(signersFile, error);
    if (!bytes) return std::nullopt;
    std::vector<support::SignersProblem> bad;
    support::SignersFile parsed = support::parseAllowedSigners(*bytes, bad);
    if (!bad.empty()) {
      error = "`" + shown(signersFile) + "`:" + std::to_string(bad.front().line) + ":" +
              std::to_string(bad.front().column) + ": " + bad.front().message;
      return std::nullopt;
    }
    signers = ProjectSigners{signersFile, std::move(*bytes), std::move(parsed)};
  } else if (!graph || !graph->signers) {
    if (anySigned)
      out.summary = "signed approvals not checked: the project's latest run names no signers file (give --signers FILE)";
    return out;
  } else {
    std::string why;
    signers = loadProjectSigners(*graph, root, why);
    // Away from the checkout (a server's record read from anywhere) the
    // chains are still checked; the signatures need the file.
    if (!signers) {
      out.summary = "signatures not checked: " + why + " (run in the project's checkout, or give --signers FILE)";
      return out;
    }
  }
  std::string missing;
  std::optional<SshKeygen> keygen = SshKeygen::locate(missing);
  if (!keygen && anySigned) {
    error = missing;
    return std::nullopt;
  }
  out.checked = true;
  std::unique_ptr<VerifyCache> cache = VerifyCache::open();
  ApprovalVerifier verifier(signers->file, signers->bytes, keygen ? &*keygen : nullptr, cache.get());
  std::vector<size_t> all(log.size());
  for (size_t i = 0; i < log.size(); ++i) all[i] = i;
  out.verdicts = verifier.verify(log, all, utcTimestamp(), verifyParallelism());
  size_t verified = 0, unsignedBefore = 0;
  std::set<std::string> people;
  bool signingBegan = false;
  using Status = SignatureVerdict::Status;
  for (size_t i = 0; i < log.size(); ++i) {
    const ApprovalRecord& r = log[i];
    SignatureVerdict& v = out.verdicts[i];
    std::string row =
        "approval " + std::to_string(r.id) + " (" + shown(r.email) + " for " + shown(r.gate) + ", " + shown(r.at) + "): ";
    if (v.status == Status::Unsigned) {
      if (signingBegan) {
        v.status = Status::Invalid;
        v.reason = "not signed, after signed approvals: mlopsc writes only signed approvals in a project with "
                   "signers, so this row was written some other way";
        out.problems.push_back(row + v.reason);
      } else {
        ++unsignedBefore;
      }
      continue;
    }
    signingBegan = true;
    // A statement for another project is no approval here, whatever gate
    // it names (a gate's own policy and model files change over time; the
    // project a log belongs to does not).
    std::string why;
    std::optional<ApprovalStatement> statement =
        v.status == Status::Verified ? parseStatement(r.payload, why) : std::nullopt;
    if (statement && graph && statement->project != graph->projectName) {
      v.status = Status::Invalid;
      v.reason = "signed for project `" + shown(statement->project) + "`, not `" + shown(graph->projectName) + "`";
    }
    if (v.status == Status::Verified) {
      ++verified;
      people.insert(r.email);
    } else {
      out.problems.push_back(row + (v.status == Status::Unchecked ? "not checked: " : "") + v.reason);
    }
  }
  // A pass counted exactly the statements its evidence names (as attest
  // reads them back).
  for (const GatePass& p : passes) {
    if (p.evidence.empty()) continue;
    std::string why;
    if (!passEvidence(p, log, why)) out.problems.push_back(why + " (" + shown(p.gate) + ", " + shown(p.at) + ")");
  }
  out.summary = std::to_string(verified) + (verified == 1 ? " signature" : " signatures") + " verified (" +
                std::to_string(people.size()) + (people.size() == 1 ? " person" : " people") + ") against `" +
                shown(signers->path) + "`";
  if (unsignedBefore) out.summary += ", " + std::to_string(unsignedBefore) + " unsigned from before signing began";
  return out;
}

}  // namespace mlops::runtime

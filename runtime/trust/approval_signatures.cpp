#include "runtime/trust/approval_signatures.h"

#include "runtime/content_hash.h"
#include "runtime/gate_policy.h"
#include "runtime/trust/approval_sshsig.h"
#include "runtime/private_temp_dir.h"
#include "runtime/trust/verify_cache.h"
#include "support/display_text.h"
#include "support/sshsig.h"
#include "support/ssh_key.h"

#include <algorithm>

namespace mlops::runtime {
namespace {

using Status = SignatureVerdict::Status;

SignatureVerdict invalid(std::string reason, const SignatureVerdict& known = {}) {
  SignatureVerdict v = known;
  v.status = Status::Invalid;
  v.reason = std::move(reason);
  return v;
}

std::string shown(std::string_view text) { return support::escapeControls(std::string(text)); }

// A statement time as Unix seconds, read as ssh-keygen reads its verify
// time against allowed_signers (0 for what is no statement time).
int64_t secondsOf(std::string_view time) {
  std::optional<std::string> verifyTime = sshVerifyTime(time);
  return verifyTime ? support::parseSignersTime(*verifyTime).value_or(0) : 0;
}

// The first field where the statement and its row disagree.
std::optional<std::string> rowDisagrees(const ApprovalStatement& s, const ApprovalRecord& row) {
  auto differs = [](const char* what, const std::string& signedValue, const std::string& rowValue) {
    return "the signed statement says " + std::string(what) + " `" + shown(signedValue) + "`, the row `" +
           shown(rowValue) + "`";
  };
  if ("gate:" + s.gate != row.gate) return differs("gate", "gate:" + s.gate, row.gate);
  if (s.role != row.role) return differs("role", s.role, row.role);
  if (s.approver != row.email) return differs("approver", s.approver, row.email);
  if (s.artifact != row.artifact) return differs("artifact", s.artifact, row.artifact);
  if (s.time != row.at) return differs("time", s.time, row.at);
  if (s.previous != row.prevHash) return differs("previous approval", s.previous, row.prevHash);
  if (s.comment != row.comment) return "the signed statement's comment differs from the row's";
  return std::nullopt;
}

}  // namespace

GateContext gateContextFor(const ir::PipelineGraph& graph, const ir::Node& gate, std::vector<Subject> subjects) {
  return GateContext{graph.projectName, gate.name, gatePolicyDigest(graph, gate), std::move(subjects)};
}

std::string specDigest(const ir::PipelineGraph& graph) {
  nlohmann::json list = nlohmann::json::array();
  for (const ir::SourceFile& s : graph.sources) list.push_back({{"path", s.path}, {"sha256", s.sha256}});
  std::string why;
  // Paths are the compiler's (valid UTF-8, or it refused the spec); a
  // hostile IR's invalid bytes digest as their replacement, never throw.
  std::optional<std::string> bytes = canonicalJson(list, why);
  return sha256Hex(bytes ? *bytes : list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

ApprovalVerifier::ApprovalVerifier(const support::SignersFile& signers, std::string signersBytes,
                                   const SshKeygen* keygen, VerifyCache* cache)
    : signers_(signers), signersBytes_(std::move(signersBytes)), keygen_(keygen), cache_(cache) {}

std::optional<SignatureVerdict> ApprovalVerifier::precheck(const ApprovalRecord& row, const ApprovalRecord* previous,
                                                           std::string_view now, SignatureVerdict& known) const {
  if (!row.isSigned()) return SignatureVerdict{Status::Unsigned, "", "", "not signed"};
  if (row.payload.empty() || row.signature.empty())
    return invalid(row.payload.empty() ? "a signature without the statement it signs" : "a statement without a signature");
  std::string why;
  std::optional<ApprovalStatement> s = parseStatement(row.payload, why);
  if (!s) return invalid(why);
  if (std::optional<std::string> d = rowDisagrees(*s, row)) return invalid(*d);
  if (previous && !previous->at.empty() && isStatementTime(previous->at) && s->time < previous->at)
    return invalid("dated " + s->time + ", before the approval it follows (" + previous->at + ")");
  if (isStatementTime(now) && secondsOf(s->time) > secondsOf(now) + 300)
    return invalid("dated " + s->time + ", in the future");

  std::optional<support::SshSig> sig = support::parseArmoredSshSig(row.signature, why);
  if (!sig) return invalid("not a valid SSH signature: " + why);
  if (sig->ns != kApprovalNamespace)
    return invalid("signed for namespace `" + shown(sig->ns) + "`" +
                   (sig->ns == "git" ? ": a git commit or tag signature, not an approval" : ", not `mlops-approval`"));
  std::optional<support::SshPublicKey> key = support::parsePublicKeyBlob(sig->publicKey, why);
  if (!key) return invalid("its signing key does not decode: " + why);
  known.key = key->fingerprint;
  const support::SignerLine* line = signers_.byFingerprint(key->fingerprint);
  if (!line)
    return invalid("signed with " + key->fingerprint + ", which is not in allowed_signers (removed, or never listed)",
                   known);
  known.principal = line->principal;
  if (line->principal != s->approver)
    return invalid("in " + shown(s->approver) + "'s name, but signed with the key of " + line->principal + " (" +
                       key->fingerprint + ")",
                   known);
  if (!line->allows(kApprovalNamespace))
    return invalid("signed with a key whose allowed_signers line (line " + std::to_string(line->line) +
                       ") does not allow namespace `mlops-approval`",
                   known);
  int64_t at = secondsOf(s->time);
  if (line->validAfter && at < *line->validAfter)
    return invalid("signed " + s->time + ", before the key became valid for " + line->principal + " (valid-after " +
                       support::formatSignersTime(*line->validAfter) + ")",
                   known);
  if (line->validBefore && at >= *line->validBefore)
    return invalid("signed " + s->time + ", after the key expired (valid-before " +
                       support::formatSignersTime(*line->validBefore) + ")",
                   known);
  return std::nullopt;
}

std::vector<SignatureVerdict> ApprovalVerifier::verify(const std::vector<ApprovalRecord>& log,
                                                       const std::vector<size_t>& which, std::string_view now,
                                                       unsigned parallel) const {
  std::vector<SignatureVerdict> verdicts(which.size());
  std::vector<size_t> toAsk;  // indexes into `which` that need ssh-keygen
  for (size_t k = 0; k < which.size(); ++k) {
    size_t i = which[k];
    SignatureVerdict known;
    if (std::optional<SignatureVerdict> v = precheck(log[i], i ? &log[i - 1] : nullptr, now, known)) {
      verdicts[k] = std::move(*v);
      continue;
    }
    verdicts[k] = known;
    toAsk.push_back(k);
  }
  if (toAsk.empty()) return verdicts;

  // What ssh-keygen said before about these exact bytes and this signers file.
  std::vector<std::string> keys;
  for (size_t k : toAsk) keys.push_back(VerifyCache::key(log[which[k]].payload, log[which[k]].signature, signers_.sha256));
  std::vector<std::optional<CachedVerdict>> cached(keys.size());
  if (cache_) cached = cache_->lookup(keys);

  std::vector<SignatureCheck> checks;
  std::vector<size_t> checkOf;  // position in toAsk
  for (size_t j = 0; j < toAsk.size(); ++j) {
    SignatureVerdict& v = verdicts[toAsk[j]];
    if (cached[j]) {
      v.status = cached[j]->ok ? Status::Verified : Status::Invalid;
      v.reason = cached[j]->ok ? "" : "ssh-keygen: " + cached[j]->reason;
      continue;
    }
    const ApprovalRecord& row = log[which[toAsk[j]]];
    checks.push_back({row.payload, row.signature, row.email, row.at});
    checkOf.push_back(j);
  }
  if (checks.empty()) return verdicts;
  std::string error;
  std::optional<PrivateTempDir> tmp = keygen_ ? PrivateTempDir::create(error) : std::nullopt;
  std::optional<std::string> signersPath = tmp ? tmp->write("allowed_signers", signersBytes_, error) : std::nullopt;
  if (!keygen_ || !signersPath) {
    for (size_t j : checkOf) {
      SignatureVerdict& v = verdicts[toAsk[j]];
      v.status = Status::Unchecked;
      v.reason = keygen_ ? "not checked: " + error : kMissingKeygen;
    }
    return verdicts;
  }
  std::vector<KeygenVerdict> answers = verifySignatures(*keygen_, *tmp, *signersPath, checks, std::max(1u, parallel));
  std::vector<std::pair<std::string, CachedVerdict>> learned;
  for (size_t c = 0; c < answers.size(); ++c) {
    size_t j = checkOf[c];
    SignatureVerdict& v = verdicts[toAsk[j]];
    const KeygenVerdict& a = answers[c];
    if (a.unchecked) {
      v.status = Status::Unchecked;
      v.reason = a.reason;
      continue;
    }
    v.status = a.verified ? Status::Verified : Status::Invalid;
    v.reason = a.verified ? "" : "ssh-keygen: " + a.reason;
    learned.push_back({keys[j], {a.verified, a.reason}});
  }
  if (cache_ && !learned.empty()) cache_->insert(learned);
  return verdicts;
}

std::optional<std::string> ApprovalVerifier::mismatch(const ApprovalRecord& row, const GateContext& gate) {
  std::string why;
  std::optional<ApprovalStatement> s = parseStatement(row.payload, why);
  if (!s) return why;
  if (s->project != gate.project)
    return "signed for project `" + shown(s->project) + "`, not `" + shown(gate.project) + "`";
  if (s->gate != gate.gateName) return "signed for gate `" + shown(s->gate) + "`";
  if (s->policySha256 != gate.policy)
    return "signed under another policy of gate `" + gate.gateName + "` (its roles, quorums or required tests changed since)";
  if (s->subjects != gate.subjects) return "signed for other model files than the ones there now";
  return std::nullopt;
}

SignedApprovals signedApprovalsFor(const ApprovalVerifier& verifier, const std::vector<ApprovalRecord>& log,
                                   const std::string& gateId, const std::string& artifact, const GateContext& gate,
                                   std::string_view now, unsigned parallel) {
  std::vector<size_t> mine;
  for (size_t i = 0; i < log.size(); ++i)
    if (log[i].gate == gateId && log[i].artifact == artifact) mine.push_back(i);
  SignedApprovals out;
  std::vector<SignatureVerdict> verdicts = verifier.verify(log, mine, now, parallel);
  for (size_t k = 0; k < mine.size(); ++k) {
    const ApprovalRecord& row = log[mine[k]];
    std::string who = "approval " + std::to_string(row.id) + " (" + shown(row.email) + "): ";
    const SignatureVerdict& v = verdicts[k];
    if (v.status == Status::Unchecked) {
      if (out.unchecked.empty()) out.unchecked = v.reason;
      continue;
    }
    if (!v.verified()) {
      out.notCounted.push_back(who + (v.status == Status::Unsigned ? "not signed" : v.reason));
      continue;
    }
    if (std::optional<std::string> why = ApprovalVerifier::mismatch(row, gate)) {
      out.notCounted.push_back(who + *why);
      continue;
    }
    out.rows.push_back(row);
  }
  return out;
}

}  // namespace mlops::runtime

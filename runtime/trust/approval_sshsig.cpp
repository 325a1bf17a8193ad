#include "runtime/trust/approval_sshsig.h"

#include "runtime/trust/approval_statement.h"
#include "support/display_text.h"

#include <cerrno>

namespace mlops::runtime {
namespace {

// ssh-keygen's first non-empty stderr line, escaped.
std::string firstLine(const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) return support::escapeControls(line);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

}  // namespace

std::optional<std::string> sshVerifyTime(std::string_view t) {
  if (!isStatementTime(t)) return std::nullopt;
  std::string out;
  for (char c : t)
    if (c >= '0' && c <= '9') out += c;
  return out + "Z";
}

KeygenVerdict verdictOf(const KeygenResult& r, std::string_view principal) {
  KeygenVerdict v;
  if (r.spawnErrno != 0 || r.timedOut || r.signal != 0) {
    v.unchecked = true;
    v.reason = r.spawnErrno == ENOENT ? kMissingKeygen
               : r.spawnErrno == EINTR ? "not checked: the run was interrupted"
                                       : describeKeygenFailure(r, "");
    return v;
  }
  std::string good = std::string("Good \"") + kApprovalNamespace + "\" signature for " + std::string(principal) + " with ";
  if (r.exitCode == 0 && r.out.rfind(good, 0) == 0) {
    v.verified = true;
    return v;
  }
  v.reason = firstLine(r.err);
  if (v.reason.empty()) v.reason = firstLine(r.out);
  if (v.reason.empty()) v.reason = "ssh-keygen refused the signature (exit code " + std::to_string(r.exitCode) + ")";
  return v;
}

std::vector<KeygenVerdict> verifySignatures(const SshKeygen& keygen, const PrivateTempDir& tmp,
                                            const std::string& signersPath, const std::vector<SignatureCheck>& checks,
                                            unsigned parallel) {
  std::vector<KeygenVerdict> verdicts(checks.size());
  std::vector<SshKeygen::Job> jobs;
  std::vector<size_t> jobOf;  // the check each job verifies
  for (size_t i = 0; i < checks.size(); ++i) {
    const SignatureCheck& c = checks[i];
    std::optional<std::string> time = sshVerifyTime(c.time);
    std::string error;
    if (!time) {
      verdicts[i].reason = "the statement's time `" + support::escapeControls(c.time) + "` is not a UTC time";
      continue;
    }
    if (c.payload.size() > kMaxStatementBytes) {
      verdicts[i].reason = "the statement is larger than " + std::to_string(kMaxStatementBytes) + " bytes";
      continue;
    }
    if (c.signature.size() > kMaxSignatureBytes) {
      verdicts[i].reason = "the signature is larger than " + std::to_string(kMaxSignatureBytes) + " bytes";
      continue;
    }
    // ssh-keygen reads -I as a principal pattern list: one plain address only.
    if (c.principal.empty() || c.principal.find_first_of(",*?!\n\r") != std::string::npos) {
      verdicts[i].reason = "the approver `" + support::escapeControls(c.principal) + "` is not a single address";
      continue;
    }
    std::optional<std::string> sig = tmp.write(tmp.newName(".sig"), c.signature, error);
    if (!sig) {
      verdicts[i].unchecked = true;
      verdicts[i].reason = error;
      continue;
    }
    jobs.push_back({{"-Y", "verify", "-n", kApprovalNamespace, "-f", signersPath, "-I", c.principal, "-s", *sig,
                     "-Overify-time=" + *time},
                    c.payload});
    jobOf.push_back(i);
  }
  std::vector<KeygenResult> results = keygen.runMany(jobs, parallel);
  for (size_t j = 0; j < results.size(); ++j) verdicts[jobOf[j]] = verdictOf(results[j], checks[jobOf[j]].principal);
  return verdicts;
}

std::optional<std::string> signPayload(const SshKeygen& keygen, const PrivateTempDir& tmp, const SigningKey& key,
                                       std::string_view payload, std::string& error) {
  if (payload.size() > kMaxStatementBytes) {
    error = "the statement is larger than " + std::to_string(kMaxStatementBytes) + " bytes";
    return std::nullopt;
  }
  std::string name = tmp.newName(".json");
  std::optional<std::string> file = tmp.write(name, payload, error);
  if (!file) return std::nullopt;
  std::vector<std::string> args{"-Y", "sign", "-n", kApprovalNamespace, "-f", key.file};
  if (key.literal) args.push_back("-U");
  args.push_back(*file);
  KeygenResult r = keygen.run(args, "", SshKeygen::Mode::Sign, signTimeout());
  if (!r.succeeded()) {
    error = describeKeygenFailure(r, key.literal ? key.given : key.file);
    return std::nullopt;
  }
  return tmp.read(name + ".sig", kMaxSignatureBytes, error);
}

}  // namespace mlops::runtime

#include "runtime/trust/release_evidence.h"

#include "runtime/content_hash.h"
#include "runtime/trust/approval_sshsig.h"
#include "support/display_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace mlops::runtime {
namespace {

using json = nlohmann::json;

// What a README command line may hold unquoted: the characters of a
// member address (the signers file has nothing else as a principal).
bool isPlainAddress(std::string_view s) {
  return !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@_+-") ==
                           std::string_view::npos;
}

std::string sha256sumLine(std::string_view hex, std::string_view name) {
  return std::string(hex) + "  " + std::string(name) + "\n";
}

std::string readme(const std::string& project, const GatePass& pass, std::string_view model,
                   const std::vector<ApprovalStatement>& statements, const std::vector<int64_t>& ids,
                   bool hasFolders) {
  std::string gate = pass.gate.substr(pass.gate.find(':') + 1);
  std::string out;
  // The statements checked the project, gate and artifact; the model name
  // comes from the pass row alone.
  out += "Release evidence: gate `" + gate + "` of project `" + project + "` passed for model `" +
         support::escapeControls(model) + "`\n(artifact " + pass.artifact + ", gate pass " + std::to_string(pass.id) + " at " +
         pass.at + "), written by `mlopsc attest`.\n\n";
  out +=
      "vsa.json                 the verification summary (SLSA VSA v1, an in-toto Statement v1): which\n"
      "                         model files passed the gate, under which policy, on which approvals.\n"
      "                         It is not signed: its trust comes from the approvals' signatures\n"
      "policy.json              the gate's policy (approval roles, quorums, members, the model's\n"
      "                         owners, required tests); its SHA-256 is the policy each approval signed\n"
      "allowed_signers          the OpenSSH allowed_signers file the approvals were verified against:\n"
      "                         compare it with your repository's, or check against that one\n"
      "approvals/NNNN.json      each approval: an in-toto Statement v1 with predicate\n"
      "                         https://mlopsc.example/approval/v1, exactly the bytes signed\n"
      "approvals/NNNN.json.sig  its SSH signature (ssh-keygen -Y sign -n mlops-approval)\n"
      "subjects.sha256          the model's files and their SHA-256, relative to the project folder\n"
      "SHA256SUMS               the SHA-256 of every file above\n\n";
  out +=
      "Check it with ssh-keygen and sha256sum alone (docs/attest.md), in this folder, with\n"
      "SIGNERS = your repository's allowed_signers (or the copy here, after comparing it):\n\n"
      "  sha256sum -c SHA256SUMS\n";
  for (size_t i = 0; i < statements.size(); ++i) {
    const ApprovalStatement& s = statements[i];
    std::string path = statementPath(ids[i]);
    std::string verifyTime = sshVerifyTime(s.time).value_or("");
    out += "  ssh-keygen -Y find-principals -f SIGNERS -s " + path + ".sig -Overify-time=" + verifyTime +
           "    # prints " + s.approver + "\n";
    out += "  ssh-keygen -Y verify -n mlops-approval -f SIGNERS -I " + s.approver + " -s " + path +
           ".sig -Overify-time=" + verifyTime + " < " + path + "\n";
  }
  out +=
      "\nEach statement must hold the subjects of vsa.json and the policy digest `sha256sum policy.json`\n"
      "prints, and the approvers must make every role's quorum in policy.json (members of the role,\n"
      "not of an owner role). In the project folder, `sha256sum -c subjects.sha256` checks the model\n"
      "files. scripts/verify-release of the mlopsc sources does all of this:\n\n"
      "  verify-release THIS_FOLDER --signers SIGNERS --model PROJECT_FOLDER\n";
  if (hasFolders)
    out +=
        "\nA subject whose name ends in `/` is a folder; its SHA-256 is recomputed in the project folder with\n"
        "  (cd FOLDER && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum\n";
  return out;
}

}  // namespace

std::string statementPath(int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "approvals/%04lld.json", static_cast<long long>(id));
  return buf;
}

std::optional<PassEvidence> passEvidence(const GatePass& pass, const std::vector<ApprovalRecord>& log,
                                         std::string& why) {
  std::string which = "gate pass " + std::to_string(pass.id);
  if (pass.evidence.empty()) {
    why = which + " has no evidence: it was recorded without signers (a project without `signers`, or before it "
                  "had them)";
    return std::nullopt;
  }
  std::string problem;
  std::optional<GateEvidence> evidence = parseEvidence(pass.evidence, problem);
  if (!evidence) {
    why = which + ": " + problem;
    return std::nullopt;
  }
  if (evidence->approvals.empty()) {
    why = which + ": the pass's evidence names no approvals";
    return std::nullopt;
  }
  PassEvidence out;
  out.evidence = std::move(*evidence);
  for (const CountedApproval& a : out.evidence.approvals) {
    auto row = std::find_if(log.begin(), log.end(), [&](const ApprovalRecord& r) { return r.id == a.id; });
    std::string named = which + " counted approval " + std::to_string(a.id);
    if (row == log.end()) {
      why = named + ", which is not in the approvals log";
      return std::nullopt;
    }
    if (row->payload.empty() || sha256Hex(row->payload) != a.sha256) {
      why = named + " with a statement of SHA-256 " + a.sha256 + ", but the row holds " +
            (row->payload.empty() ? std::string("no statement") : "one of SHA-256 " + sha256Hex(row->payload));
      return std::nullopt;
    }
    out.rows.push_back(static_cast<size_t>(row - log.begin()));
  }
  return out;
}

std::optional<std::vector<ReleaseFile>> releaseFiles(const std::string& project, const GatePass& pass,
                                                     const PassEvidence& pe, const std::vector<ApprovalRecord>& log,
                                                     std::string_view signersBytes, std::string_view policyText,
                                                     std::string& why) {
  const GateEvidence& e = pe.evidence;
  std::string which = "gate pass " + std::to_string(pass.id);
  if (sha256Hex(policyText) != e.policy) {
    why = "the policy of the gate now (SHA-256 " + sha256Hex(policyText) + ") is not the one " + which +
          " passed under (" + e.policy + ")";
    return std::nullopt;
  }
  if (sha256Hex(signersBytes) != e.signers) {
    why = "the signers file given (SHA-256 " + sha256Hex(signersBytes) + ") is not the one " + which +
          " verified its approvals against (" + e.signers + ")";
    return std::nullopt;
  }
  if (!isStatementTime(pass.at)) {
    why = which + " has no time of the form YYYY-MM-DDTHH:MM:SSZ";
    return std::nullopt;
  }
  const std::string modelPrefix = "model:", gatePrefix = "gate:";
  if (pass.model.compare(0, modelPrefix.size(), modelPrefix) != 0 || pass.model.size() == modelPrefix.size() ||
      pass.gate.compare(0, gatePrefix.size(), gatePrefix) != 0) {
    why = which + " does not name a model and a gate";
    return std::nullopt;
  }
  std::string model = pass.model.substr(modelPrefix.size());
  if (pe.rows.size() != e.approvals.size()) {
    why = which + ": the rows given are not the evidence's";
    return std::nullopt;
  }

  std::vector<ReleaseFile> files;
  std::vector<ApprovalStatement> statements;
  std::vector<int64_t> ids;
  json inputs = json::array();
  for (size_t k = 0; k < pe.rows.size(); ++k) {
    const ApprovalRecord& row = log.at(pe.rows[k]);
    std::string named = "approval " + std::to_string(row.id) + " of " + which;
    if (row.id != e.approvals[k].id || sha256Hex(row.payload) != e.approvals[k].sha256) {
      why = named + " is not the row the evidence names";
      return std::nullopt;
    }
    std::string problem;
    std::optional<ApprovalStatement> s = parseStatement(row.payload, problem);
    if (!s) {
      why = named + ": " + problem;
      return std::nullopt;
    }
    std::string differs;
    if (s->project != project) differs = "another project";
    else if (gatePrefix + s->gate != pass.gate) differs = "another gate";
    else if (s->artifact != pass.artifact) differs = "another artifact";
    else if (s->policySha256 != e.policy) differs = "another policy";
    else if (s->subjects != e.subjects) differs = "other model files";
    if (!differs.empty()) {
      why = named + " was signed for " + differs + " than the pass";
      return std::nullopt;
    }
    if (!isPlainAddress(s->approver)) {
      why = named + " names an approver that is no plain address";
      return std::nullopt;
    }
    if (row.signature.empty()) {
      why = named + " has no signature";
      return std::nullopt;
    }
    std::string path = statementPath(row.id);
    files.push_back({path, row.payload});
    files.push_back({path + ".sig", row.signature});
    inputs.push_back({{"digest", {{"sha256", e.approvals[k].sha256}}}, {"uri", path}});
    statements.push_back(std::move(*s));
    ids.push_back(row.id);
  }

  std::string subjectLines;
  bool hasFolders = false;
  // Subject names hold no control character or backslash (parseEvidence
  // checked them as a statement's): sha256sum lists them as they are.
  for (const Subject& s : e.subjects) {
    if (s.name.back() == '/') hasFolders = true;
    else subjectLines += sha256sumLine(s.sha256, s.name);
  }
  std::optional<std::string> subjects = serializeSubjects(e.subjects, why);
  if (!subjects) return std::nullopt;

  json predicate{
      {"inputAttestations", std::move(inputs)},
      {"policy",
       {{"annotations", {{"signers", {{"sha256", e.signers}}}, {"spec", {{"sha256", e.spec}}}}},
        {"digest", {{"sha256", e.policy}}},
        {"uri", "policy.json#" + pass.gate}}},
      {"resourceUri", "urn:mlopsc:" + project + ":model:" + model + ":" + pass.artifact},
      {"slsaVersion", "1.0"},
      {"timeVerified", pass.at},
      {"verificationResult", "PASSED"},
      {"verifiedLevels", json::array({kGatePassedLevel})},
      {"verifier", {{"id", kGateVerifierId}, {"version", {{"mlopsc", e.mlopsc}}}}}};
  json vsa{{"_type", kStatementType},
           {"predicate", std::move(predicate)},
           {"predicateType", kVsaPredicateType},
           {"subject", json::parse(*subjects)}};
  std::optional<std::string> vsaBytes = canonicalJson(vsa, why);
  if (!vsaBytes) return std::nullopt;

  files.push_back({"README.txt", readme(project, pass, model, statements, ids, hasFolders)});
  files.push_back({"allowed_signers", std::string(signersBytes)});
  files.push_back({"policy.json", std::string(policyText)});
  files.push_back({"subjects.sha256", subjectLines});
  files.push_back({"vsa.json", std::move(*vsaBytes)});
  std::sort(files.begin(), files.end(), [](const ReleaseFile& a, const ReleaseFile& b) { return a.path < b.path; });
  std::string sums;
  for (const ReleaseFile& f : files) sums += sha256sumLine(sha256Hex(f.bytes), f.path);
  files.push_back({"SHA256SUMS", std::move(sums)});
  return files;
}

}  // namespace mlops::runtime

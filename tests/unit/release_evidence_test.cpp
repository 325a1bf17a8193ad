// Release evidence (runtime/trust/release_evidence.h): the files `mlopsc
// attest` writes from a gate pass, byte for byte (the VSA an outsider's
// script greps must be exactly the canonical bytes), and the passes,
// rows, policies and signers files it refuses to export.
#include "runtime/content_hash.h"
#include "runtime/trust/release_evidence.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using namespace mlops::runtime;
using mlops::testing::ScratchTree;
using mlops::testing::shellOutput;

namespace {

const std::string kPolicy =
    R"({"policy":1,"gate":"gate:production","model":"model:scorer","approvals":[{"role":"risk_owner","quorum":1,)"
    R"("members":["alice@bank.example"]},{"role":"validators","quorum":2,"members":["carol@bank.example",)"
    R"("grace@bank.example"]}],"owners":[{"role":"modelers","members":["bob@bank.example"]}],"require":[]})";
const std::string kSigners = "carol@bank.example namespaces=\"mlops-approval\",valid-after=\"20260101Z\" ssh-ed25519 AAAA\n";
const std::string kArtifact = "2e673d531a11c0ffee0123456789abcd";
const std::string kModelDigest = std::string(64, 'a');
const std::string kMetricsDigest = std::string(64, 'b');
const std::string kSpec = std::string(64, '5');

std::vector<Subject> subjects() {
  return {{"build/scorer.json", kModelDigest}, {"build/metrics.json", kMetricsDigest}};
}

ApprovalRecord signedRow(int64_t id, const std::string& who, const std::string& role, const std::string& time) {
  ApprovalStatement s;
  s.subjects = subjects();
  s.approver = who;
  s.artifact = kArtifact;
  s.gate = "production";
  s.mlopsc = "1.4.0";
  s.policySha256 = sha256Hex(kPolicy);
  s.previous = std::string(64, '0');
  s.project = "credit_risk";
  s.role = role;
  s.signersSha256 = sha256Hex(kSigners);
  s.specSha256 = kSpec;
  s.time = time;
  std::string why;
  std::optional<std::string> payload = serializeStatement(s, why);
  REQUIRE(payload);
  ApprovalRecord r;
  r.id = id;
  r.gate = "gate:production";
  r.role = role;
  r.email = who;
  r.artifact = kArtifact;
  r.at = time;
  r.payload = *payload;
  r.signature = "-----BEGIN SSH SIGNATURE-----\nsignature of row " + std::to_string(id) + "\n-----END SSH SIGNATURE-----\n";
  return r;
}

struct Fixture {
  std::vector<ApprovalRecord> log;
  GatePass pass;

  Fixture() {
    log.push_back(signedRow(1, "dave@bank.example", "validators", "2026-12-07T08:00:00Z"));  // not counted
    log.push_back(signedRow(2, "carol@bank.example", "validators", "2026-12-07T08:01:02Z"));
    log.push_back(signedRow(3, "grace@bank.example", "validators", "2026-12-07T08:01:30Z"));
    log.push_back(signedRow(12, "alice@bank.example", "risk_owner", "2026-12-07T08:02:00Z"));
    pass.id = 7;
    pass.gate = "gate:production";
    pass.model = "model:scorer";
    pass.artifact = kArtifact;
    pass.at = "2026-12-07T08:03:04Z";
    pass.evidence = evidenceFor({1, 2, 3});
  }

  // Evidence counting the log rows at `indexes`.
  std::string evidenceFor(const std::vector<size_t>& indexes) const {
    GateEvidence e;
    for (size_t i : indexes) e.approvals.push_back({log[i].id, sha256Hex(log[i].payload)});
    e.mlopsc = "1.4.0";
    e.policy = sha256Hex(kPolicy);
    e.signers = sha256Hex(kSigners);
    e.spec = kSpec;
    e.subjects = subjects();
    std::string why;
    std::optional<std::string> text = serializeEvidence(e, why);
    REQUIRE(text);
    return *text;
  }

  std::optional<std::vector<ReleaseFile>> files(std::string& why, const std::string& policy = kPolicy,
                                                const std::string& signers = kSigners) const {
    std::optional<PassEvidence> pe = passEvidence(pass, log, why);
    REQUIRE(pe);
    return releaseFiles("credit_risk", pass, *pe, log, signers, policy, why);
  }
};

const ReleaseFile* find(const std::vector<ReleaseFile>& files, const std::string& path) {
  auto it = std::find_if(files.begin(), files.end(), [&](const ReleaseFile& f) { return f.path == path; });
  return it == files.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("a gate pass exports its VSA, statements, policy, signers and checksums", "[runtime][attest]") {
  Fixture f;
  std::string why;
  std::optional<std::vector<ReleaseFile>> files = f.files(why);
  REQUIRE(files);
  std::vector<std::string> paths;
  for (const ReleaseFile& file : *files) paths.push_back(file.path);
  CHECK(paths == std::vector<std::string>{"README.txt", "allowed_signers", "approvals/0002.json",
                                          "approvals/0002.json.sig", "approvals/0003.json", "approvals/0003.json.sig",
                                          "approvals/0012.json", "approvals/0012.json.sig", "policy.json",
                                          "subjects.sha256", "vsa.json", "SHA256SUMS"});

  std::string d2 = sha256Hex(f.log[1].payload), d3 = sha256Hex(f.log[2].payload), d12 = sha256Hex(f.log[3].payload);
  std::string expectedVsa =
      R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"inputAttestations":[)"
      R"({"digest":{"sha256":")" + d2 + R"("},"uri":"approvals/0002.json"},)"
      R"({"digest":{"sha256":")" + d3 + R"("},"uri":"approvals/0003.json"},)"
      R"({"digest":{"sha256":")" + d12 + R"("},"uri":"approvals/0012.json"}],)"
      R"("policy":{"annotations":{"signers":{"sha256":")" + sha256Hex(kSigners) + R"("},"spec":{"sha256":")" + kSpec +
      R"("}},"digest":{"sha256":")" + sha256Hex(kPolicy) + R"("},"uri":"policy.json#gate:production"},)"
      R"("resourceUri":"urn:mlopsc:credit_risk:model:scorer:2e673d531a11c0ffee0123456789abcd","slsaVersion":"1.0",)"
      R"("timeVerified":"2026-12-07T08:03:04Z","verificationResult":"PASSED","verifiedLevels":["MLOPSC_GATE_PASSED"],)"
      R"("verifier":{"id":"https://mlopsc.example/gate/v1","version":{"mlopsc":"1.4.0"}}},)"
      R"("predicateType":"https://slsa.dev/verification_summary/v1","subject":[)"
      R"({"digest":{"sha256":")" + kModelDigest + R"("},"name":"build/scorer.json"},)"
      R"({"digest":{"sha256":")" + kMetricsDigest + R"("},"name":"build/metrics.json"}]})";
  CHECK(find(*files, "vsa.json")->bytes == expectedVsa);
  // The statements hold the VSA's subject list as the same text (what
  // verify-release compares with grep).
  std::string subjectText = expectedVsa.substr(expectedVsa.find("\"subject\":"));
  subjectText.pop_back();
  CHECK(f.log[1].payload.find(subjectText) != std::string::npos);

  CHECK(find(*files, "approvals/0003.json")->bytes == f.log[2].payload);
  CHECK(find(*files, "approvals/0003.json.sig")->bytes == f.log[2].signature);
  CHECK(find(*files, "policy.json")->bytes == kPolicy);
  CHECK(find(*files, "allowed_signers")->bytes == kSigners);
  CHECK(find(*files, "subjects.sha256")->bytes ==
        kModelDigest + "  build/scorer.json\n" + kMetricsDigest + "  build/metrics.json\n");
  const std::string& readme = find(*files, "README.txt")->bytes;
  CHECK(readme.find("ssh-keygen -Y verify -n mlops-approval -f SIGNERS -I grace@bank.example -s "
                    "approvals/0003.json.sig -Overify-time=20261207080130Z < approvals/0003.json") != std::string::npos);
  CHECK(readme.find("find . -type f") == std::string::npos);  // no folder subject

  std::string sums;
  for (const ReleaseFile& file : *files)
    if (file.path != "SHA256SUMS") sums += sha256Hex(file.bytes) + "  " + file.path + "\n";
  CHECK(files->back().bytes == sums);

  // Same pass, same bytes.
  std::string again;
  CHECK(f.files(again) == files);

  // What sha256sum makes of the checksum files, written out.
  ScratchTree tree("release-evidence");
  REQUIRE(!llvm::sys::fs::create_directories(tree.path("approvals")));
  for (const ReleaseFile& file : *files) std::ofstream(tree.path(file.path), std::ios::binary) << file.bytes;
  CHECK(shellOutput("cd '" + tree.root() + "' && sha256sum --quiet --strict -c SHA256SUMS && echo ok") == "ok\n");
  CHECK(shellOutput("cd '" + tree.root() + "' && sha256sum policy.json") == sha256Hex(kPolicy) + "  policy.json\n");
}

TEST_CASE("a folder subject is described, not listed for sha256sum", "[runtime][attest]") {
  Fixture f;
  std::vector<Subject> withFolder = {{"build/scorer.json", kModelDigest}, {"build/model/", kMetricsDigest}};
  // Statements and evidence over the folder subject.
  for (ApprovalRecord& row : f.log) {
    std::string why;
    std::optional<ApprovalStatement> s = parseStatement(row.payload, why);
    REQUIRE(s);
    s->subjects = withFolder;
    row.payload = *serializeStatement(*s, why);
  }
  std::string why;
  std::optional<GateEvidence> e = parseEvidence(f.evidenceFor({1, 2, 3}), why);
  REQUIRE(e);
  e->subjects = withFolder;
  f.pass.evidence = *serializeEvidence(*e, why);
  std::optional<std::vector<ReleaseFile>> files = f.files(why);
  REQUIRE(files);
  CHECK(find(*files, "subjects.sha256")->bytes == kModelDigest + "  build/scorer.json\n");
  CHECK(find(*files, "README.txt")->bytes.find("(cd FOLDER && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 "
                                               "sha256sum) | sha256sum") != std::string::npos);
}

TEST_CASE("passes whose evidence does not match their rows are not exported", "[runtime][attest]") {
  Fixture f;
  std::string why;

  SECTION("a pass without evidence") {
    f.pass.evidence.clear();
    CHECK(!passEvidence(f.pass, f.log, why));
    CHECK(why.find("gate pass 7 has no evidence") == 0);
  }
  SECTION("evidence that is not in mlopsc's bytes") {
    f.pass.evidence += " ";
    CHECK(!passEvidence(f.pass, f.log, why));
    CHECK(why == "gate pass 7: the pass's evidence is not in the exact bytes mlopsc writes");
  }
  SECTION("a counted row that is not in the log") {
    f.log.erase(f.log.begin() + 2);
    CHECK(!passEvidence(f.pass, f.log, why));
    CHECK(why == "gate pass 7 counted approval 3, which is not in the approvals log");
  }
  SECTION("a counted row whose statement changed") {
    std::string counted = sha256Hex(f.log[1].payload);
    f.log[1].payload = signedRow(2, "carol@bank.example", "validators", "2026-12-07T08:01:03Z").payload;
    CHECK(!passEvidence(f.pass, f.log, why));
    CHECK(why == "gate pass 7 counted approval 2 with a statement of SHA-256 " + counted +
                     ", but the row holds one of SHA-256 " + sha256Hex(f.log[1].payload));
  }
  SECTION("a counted row without a statement") {
    f.log[1].payload.clear();
    CHECK(!passEvidence(f.pass, f.log, why));
    CHECK(why.find("but the row holds no statement") != std::string::npos);
  }
  SECTION("another policy text") {
    std::string raised = kPolicy;
    raised.replace(raised.find("\"quorum\":2"), 10, "\"quorum\":3");
    CHECK(!f.files(why, raised));
    CHECK(why == "the policy of the gate now (SHA-256 " + sha256Hex(raised) + ") is not the one gate pass 7 passed under (" +
                     sha256Hex(kPolicy) + ")");
  }
  SECTION("another signers file") {
    CHECK(!f.files(why, kPolicy, kSigners + "dave@bank.example ssh-ed25519 AAAA\n"));
    CHECK(why.find("the signers file given (SHA-256 ") == 0);
    CHECK(why.find(") is not the one gate pass 7 verified its approvals against (" + sha256Hex(kSigners) + ")") !=
          std::string::npos);
  }
  SECTION("a statement for another artifact, counted by a pass recorded by hand") {
    f.pass.artifact = "ffff" + kArtifact.substr(4);
    CHECK(!f.files(why));
    CHECK(why == "approval 2 of gate pass 7 was signed for another artifact than the pass");
  }
  SECTION("a statement for other model files") {
    GateEvidence e = *parseEvidence(f.pass.evidence, why);
    e.subjects[0].sha256 = std::string(64, 'c');
    f.pass.evidence = *serializeEvidence(e, why);
    CHECK(!f.files(why));
    CHECK(why == "approval 2 of gate pass 7 was signed for other model files than the pass");
  }
  SECTION("a statement for another project") {
    std::optional<PassEvidence> pe = passEvidence(f.pass, f.log, why);
    REQUIRE(pe);
    CHECK(!releaseFiles("churn", f.pass, *pe, f.log, kSigners, kPolicy, why));
    CHECK(why == "approval 2 of gate pass 7 was signed for another project than the pass");
  }
  SECTION("a row without its signature") {
    f.log[2].signature.clear();
    CHECK(!f.files(why));
    CHECK(why == "approval 3 of gate pass 7 has no signature");
  }
}

// Signing and verifying statements with the real ssh-keygen and real keys
// (runtime/trust/approval_sshsig.h): a signed canonical statement verifies for
// its approver; impersonation, a git signature, a key outside its
// valid-after/valid-before window at the statement's time and a tampered
// payload do not, each with ssh-keygen's reason.
#include "runtime/trust/approval_sshsig.h"
#include "runtime/trust/approval_statement.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;
using mlops::testing::KeyScratch;

namespace {

ApprovalStatement statementBy(const std::string& approver, const std::string& time) {
  ApprovalStatement s;
  s.subjects = {{"build/scorer.json", std::string(64, 'a')}};
  s.approver = approver;
  s.artifact = std::string(32, 'c');
  s.comment = "looks good";
  s.gate = "production";
  s.mlopsc = "1.4.0";
  s.policySha256 = s.signersSha256 = s.specSha256 = std::string(64, 'd');
  s.previous = std::string(64, '0');
  s.project = "credit_risk";
  s.role = "validators";
  s.time = time;
  return s;
}

struct Signers {
  KeyScratch s;
  std::string file;
  Signers() {
    s.key("carol");
    s.key("dave");
    s.key("erin");
    file = s.write("allowed_signers",
                   "carol@bank.example namespaces=\"mlops-approval\",valid-after=\"20260101Z\" " + s.publicKey("carol") +
                       "\n"
                       "dave@bank.example valid-after=\"20260601Z\" " + s.publicKey("dave") + "\n"
                       "erin@bank.example valid-after=\"20260101Z\",valid-before=\"20261201Z\" " + s.publicKey("erin") +
                       "\n");
  }
  std::string payload(const std::string& approver, const std::string& time) const {
    std::string why;
    std::optional<std::string> bytes = serializeStatement(statementBy(approver, time), why);
    REQUIRE(bytes);
    return *bytes;
  }
  std::string sign(const std::string& key, const std::string& payload) {
    std::string error;
    std::optional<SigningKey> k = signingKeyFrom(s.path(key), "--key", s.dir, error);
    REQUIRE(k);
    std::optional<std::string> sig = signPayload(s.keygen, s.dir, *k, payload, error);
    INFO(error);
    REQUIRE(sig);
    return *sig;
  }
};

}  // namespace

TEST_CASE("ssh-keygen's verify time is the statement's time", "[runtime][sshsig]") {
  CHECK(sshVerifyTime("2026-12-07T01:09:45Z") == "20261207010945Z");
  CHECK(!sshVerifyTime("2026-12-07T01:09:45"));
  CHECK(!sshVerifyTime("20261207"));
}

TEST_CASE("a signed statement verifies for its approver and only for them", "[runtime][sshsig]") {
  Signers t;
  const std::string when = "2026-12-05T10:00:00Z";
  std::string carolPayload = t.payload("carol@bank.example", when);
  std::string carolSig = t.sign("carol", carolPayload);
  CHECK(carolSig.rfind("-----BEGIN SSH SIGNATURE-----\n", 0) == 0);
  std::string error;
  std::optional<SigningKey> carol = signingKeyFrom(t.s.path("carol"), "--key", t.s.dir, error);
  REQUIRE(carol);
  CHECK(!signPayload(t.s.keygen, t.s.dir, *carol, std::string(kMaxStatementBytes + 1, ' '), error));
  CHECK(error == "the statement is larger than 16384 bytes");

  // dave signs a statement in carol's name.
  std::string daveSig = t.sign("dave", carolPayload);
  // carol signs the statement for git (a commit or tag signature).
  std::string statementFile = t.s.write("for-git.json", carolPayload);
  REQUIRE(t.s.keygen.run({"-Y", "sign", "-n", "git", "-f", t.s.path("carol"), statementFile}, "",
                         SshKeygen::Mode::Verify, 10).succeeded());
  std::string gitSig = mlops::testing::shellOutput("cat '" + statementFile + ".sig'");
  // erin's key expired on 2026-12-01; dave's became valid on 2026-06-01.
  std::string erinLate = t.payload("erin@bank.example", when);
  std::string erinEarly = t.payload("erin@bank.example", "2026-11-05T10:00:00Z");
  std::string daveEarly = t.payload("dave@bank.example", "2026-05-05T10:00:00Z");
  std::string tampered = carolPayload;
  tampered.replace(tampered.find("looks good"), 10, "looks GOOD");

  std::vector<SignatureCheck> checks{
      {carolPayload, carolSig, "carol@bank.example", when},
      {carolPayload, daveSig, "carol@bank.example", when},
      {carolPayload, gitSig, "carol@bank.example", when},
      {erinLate, t.sign("erin", erinLate), "erin@bank.example", when},
      {erinEarly, t.sign("erin", erinEarly), "erin@bank.example", "2026-11-05T10:00:00Z"},
      {daveEarly, t.sign("dave", daveEarly), "dave@bank.example", "2026-05-05T10:00:00Z"},
      {tampered, carolSig, "carol@bank.example", when},
      {carolPayload, carolSig, "Carol@bank.example", when},  // principals compare case-sensitively
      {carolPayload, carolSig, "*@bank.example", when},
      {carolPayload, "not a signature", "carol@bank.example", when},
      {carolPayload, carolSig, "carol@bank.example", "yesterday"},
  };
  std::vector<KeygenVerdict> v = verifySignatures(t.s.keygen, t.s.dir, t.file, checks, 2);
  REQUIRE(v.size() == checks.size());
  CHECK(v[0].verified);
  CHECK(v[0].reason.empty());
  CHECK(!v[1].verified);  // impersonation: ssh-keygen says nothing on stderr
  CHECK(!v[1].unchecked);
  CHECK(v[2].reason.find("namespace does not match") != std::string::npos);
  CHECK(!v[3].verified);
  CHECK(v[3].reason.find("key has expired") != std::string::npos);
  CHECK(v[4].verified);  // signed before the expiry: still counts
  CHECK(!v[5].verified);
  CHECK(v[5].reason.find("not yet valid") != std::string::npos);
  CHECK(!v[6].verified);
  CHECK(v[6].reason.find("incorrect signature") != std::string::npos);
  CHECK(!v[7].verified);
  CHECK(!v[8].verified);
  CHECK(v[8].reason == "the approver `*@bank.example` is not a single address");
  CHECK(!v[9].verified);
  CHECK(v[10].reason == "the statement's time `yesterday` is not a UTC time");
  for (const KeygenVerdict& verdict : v) CHECK(!verdict.unchecked);
}

TEST_CASE("a verdict needs exit 0 and the Good line for the principal", "[runtime][sshsig]") {
  KeygenResult good;
  good.exitCode = 0;
  good.out = "Good \"mlops-approval\" signature for carol@bank.example with ED25519 key SHA256:abc\n";
  CHECK(verdictOf(good, "carol@bank.example").verified);
  CHECK(!verdictOf(good, "carol@bank.exampl").verified);
  KeygenResult otherNamespace = good;
  otherNamespace.out = "Good \"git\" signature for carol@bank.example with ED25519 key SHA256:abc\n";
  CHECK(!verdictOf(otherNamespace, "carol@bank.example").verified);
  KeygenResult failed = good;
  failed.exitCode = 255;
  CHECK(!verdictOf(failed, "carol@bank.example").verified);
  KeygenResult missing;
  missing.spawnErrno = ENOENT;
  KeygenVerdict m = verdictOf(missing, "carol@bank.example");
  CHECK(m.unchecked);
  CHECK(m.reason == kMissingKeygen);
}

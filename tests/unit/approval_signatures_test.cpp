// Which approval rows count as signed by the person they name
// (runtime/trust/approval_signatures.h), with real ed25519 keys and the real
// ssh-keygen: a row signed by its approver verifies; impersonation, a git
// signature, a key outside its window, an edited row, a replay onto
// another place in the log, a key removed from the signers file and a
// statement for another gate or policy do not, each with its reason.
#include "runtime/trust/approval_signatures.h"
#include "runtime/trust/approval_sshsig.h"
#include "runtime/trust/approval_statement.h"
#include "runtime/trust/verify_cache.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;
using mlops::testing::KeyScratch;
using Status = SignatureVerdict::Status;

namespace {

struct Team {
  KeyScratch s;
  std::string signersText;
  mlops::support::SignersFile signers;

  Team() {
    for (const char* who : {"carol", "dave", "erin"}) s.key(who);
    signersText = "carol@bank.example namespaces=\"mlops-approval\",valid-after=\"20260101Z\" " + s.publicKey("carol") +
                  "\n"
                  "dave@bank.example valid-after=\"20260101Z\" " + s.publicKey("dave") + "\n"
                  "erin@bank.example valid-after=\"20260101Z\",valid-before=\"20261201Z\" " + s.publicKey("erin") + "\n";
    std::vector<mlops::support::SignersProblem> problems;
    signers = mlops::support::parseAllowedSigners(signersText, problems);
    REQUIRE(problems.empty());
    REQUIRE(signers.lines.size() == 3);
  }

  ApprovalStatement statement(const std::string& approver, const std::string& time, const std::string& previous) const {
    ApprovalStatement st;
    st.subjects = {{"build/scorer.json", std::string(64, 'a')}};
    st.approver = approver;
    st.artifact = std::string(32, 'c');
    st.comment = "AUC 0.91 \"ok\"\n";
    st.gate = "production";
    st.mlopsc = "0.1.0";
    st.policySha256 = std::string(64, 'b');
    st.signersSha256 = signers.sha256;
    st.specSha256 = std::string(64, 'd');
    st.previous = previous;
    st.project = "credit_risk";
    st.role = "validators";
    st.time = time;
    return st;
  }
  // The row the log holds for `st`, signed with `key` in namespace `ns`.
  ApprovalRecord row(int64_t id, const ApprovalStatement& st, const std::string& key, const std::string& ns = "") {
    std::string why, error;
    std::optional<std::string> payload = serializeStatement(st, why);
    REQUIRE(payload);
    ApprovalRecord r;
    r.id = id;
    r.gate = "gate:" + st.gate;
    r.role = st.role;
    r.email = st.approver;
    r.comment = st.comment;
    r.artifact = st.artifact;
    r.at = st.time;
    r.prevHash = st.previous;
    r.payload = *payload;
    if (ns.empty()) {
      std::optional<SigningKey> k = signingKeyFrom(s.path(key), "--key", s.dir, error);
      REQUIRE(k);
      std::optional<std::string> sig = signPayload(s.keygen, s.dir, *k, *payload, error);
      INFO(error);
      REQUIRE(sig);
      r.signature = *sig;
    } else {  // ssh-keygen itself, for a namespace mlopsc never signs in
      std::string file = s.write(std::to_string(id) + ".payload", *payload);
      KeygenResult out = s.keygen.run({"-Y", "sign", "-n", ns, "-f", s.path(key), file}, "", SshKeygen::Mode::Sign, 30);
      REQUIRE(out.succeeded());
      std::optional<std::string> sig = s.dir.read(std::to_string(id) + ".payload.sig", 8192, error);
      REQUIRE(sig);
      r.signature = *sig;
    }
    r.hash = std::string(63, '0') + std::to_string(id % 10);
    return r;
  }
  std::vector<SignatureVerdict> verify(const std::vector<ApprovalRecord>& log, VerifyCache* cache = nullptr,
                                       const SshKeygen* keygen = nullptr) const {
    ApprovalVerifier verifier(signers, signersText, keygen ? keygen : &s.keygen, cache);
    std::vector<size_t> all(log.size());
    for (size_t i = 0; i < log.size(); ++i) all[i] = i;
    return verifier.verify(log, all, "2026-12-07T12:00:00Z", 2);
  }
};

const std::string kZero(64, '0');

}  // namespace

TEST_CASE("a row signed by its approver's key verifies, naming the key", "[runtime][signing]") {
  Team t;
  std::vector<SignatureVerdict> v = t.verify({t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol")});
  REQUIRE(v.size() == 1);
  INFO(v[0].reason);
  CHECK(v[0].status == Status::Verified);
  CHECK(v[0].principal == "carol@bank.example");
  CHECK(v[0].key == t.signers.keysOf("carol@bank.example").front()->key.fingerprint);
}

TEST_CASE("a row without a signature is unsigned, half a signature is invalid", "[runtime][signing]") {
  Team t;
  ApprovalRecord plain;
  plain.id = 1;
  plain.gate = "gate:production";
  plain.email = "carol@bank.example";
  plain.at = "2026-12-05T10:00:00Z";
  ApprovalRecord half = t.row(2, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  half.signature.clear();
  std::vector<SignatureVerdict> v = t.verify({plain, half});
  CHECK(v[0].status == Status::Unsigned);
  CHECK(v[1].status == Status::Invalid);
  CHECK(v[1].reason == "a statement without a signature");
}

TEST_CASE("signing in someone else's name is refused with whose key it was", "[runtime][signing]") {
  Team t;
  std::vector<SignatureVerdict> v = t.verify({t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "dave")});
  CHECK(v[0].status == Status::Invalid);
  CHECK_THAT(v[0].reason, Catch::StartsWith("in carol@bank.example's name, but signed with the key of dave@bank.example"));
  CHECK(v[0].principal == "dave@bank.example");
}

TEST_CASE("a git signature over the same bytes is not an approval", "[runtime][signing]") {
  Team t;
  std::vector<SignatureVerdict> v =
      t.verify({t.row(1, t.statement("dave@bank.example", "2026-12-05T10:00:00Z", kZero), "dave", "git")});
  CHECK(v[0].status == Status::Invalid);
  CHECK(v[0].reason == "signed for namespace `git`: a git commit or tag signature, not an approval");
}

TEST_CASE("a key counts only inside its allowed_signers window at the statement's time", "[runtime][signing]") {
  Team t;
  // erin's key expired on 2026-12-01: what she signed before still counts.
  std::vector<SignatureVerdict> v =
      t.verify({t.row(1, t.statement("erin@bank.example", "2026-11-30T09:00:00Z", kZero), "erin"),
                t.row(2, t.statement("erin@bank.example", "2026-12-02T09:00:00Z", std::string(63, '0') + "1"), "erin")});
  CHECK(v[0].status == Status::Verified);
  CHECK(v[1].status == Status::Invalid);
  CHECK(v[1].reason == "signed 2026-12-02T09:00:00Z, after the key expired (valid-before 20261201Z)");
  // Dated before carol's key was listed.
  v = t.verify({t.row(1, t.statement("carol@bank.example", "2025-12-31T23:00:00Z", kZero), "carol")});
  CHECK(v[0].status == Status::Invalid);
  CHECK_THAT(v[0].reason, Catch::Contains("before the key became valid for carol@bank.example (valid-after 20260101Z)"));
}

TEST_CASE("a row edited after signing, or a statement copied elsewhere in the log, does not verify",
          "[runtime][signing]") {
  Team t;
  ApprovalRecord edited = t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  edited.role = "risk_owner";  // the row claims another role than the one signed
  std::vector<SignatureVerdict> v = t.verify({edited});
  CHECK(v[0].status == Status::Invalid);
  CHECK(v[0].reason == "the signed statement says role `validators`, the row `risk_owner`");

  // The statement's bytes edited (a comment changed) and re-canonicalized:
  // it still parses and matches the row, but the signature is not over it.
  ApprovalRecord forged = t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  ApprovalStatement other = t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero);
  other.comment = "approved";
  std::string why;
  forged.payload = *serializeStatement(other, why);
  forged.comment = "approved";
  v = t.verify({forged});
  CHECK(v[0].status == Status::Invalid);
  CHECK_THAT(v[0].reason, Catch::StartsWith("ssh-keygen: "));

  // A valid row copied to another place of the log: its `previous` is not
  // the hash of the row before it there.
  ApprovalRecord copy = t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  copy.id = 5;
  copy.prevHash = std::string(64, 'e');
  v = t.verify({copy});
  CHECK(v[0].status == Status::Invalid);
  CHECK_THAT(v[0].reason, Catch::StartsWith("the signed statement says previous approval"));
}

TEST_CASE("a key removed from the signers file stops counting", "[runtime][signing]") {
  Team t;
  ApprovalRecord r = t.row(1, t.statement("dave@bank.example", "2026-12-05T10:00:00Z", kZero), "dave");
  std::vector<mlops::support::SignersProblem> problems;
  std::string without = "carol@bank.example valid-after=\"20260101Z\" " + t.s.publicKey("carol") + "\n";
  mlops::support::SignersFile fewer = mlops::support::parseAllowedSigners(without, problems);
  ApprovalVerifier verifier(fewer, without, &t.s.keygen, nullptr);
  std::vector<SignatureVerdict> v = verifier.verify({r}, {0}, "2026-12-07T12:00:00Z", 1);
  CHECK(v[0].status == Status::Invalid);
  CHECK_THAT(v[0].reason, Catch::EndsWith("which is not in allowed_signers (removed, or never listed)"));
}

TEST_CASE("ssh-keygen's verdict is remembered per signers file, and without ssh-keygen nothing verifies anew",
          "[runtime][signing]") {
  Team t;
  std::unique_ptr<VerifyCache> cache = VerifyCache::openAt(t.s.path("cache/verified.db"));
  REQUIRE(cache);
  std::vector<ApprovalRecord> log{t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol")};
  CHECK(t.verify(log, cache.get())[0].status == Status::Verified);
  // A verifier that can no longer run ssh-keygen: the cached verdict holds.
  std::string why;
  std::optional<SshKeygen> missing = SshKeygen::locate(nullptr, "/nonexistent", why);
  REQUIRE(!missing);
  ApprovalVerifier offline(t.signers, t.signersText, nullptr, cache.get());
  CHECK(offline.verify(log, {0}, "2026-12-07T12:00:00Z", 1)[0].status == Status::Verified);
  // Nothing cached: unchecked, never verified.
  ApprovalVerifier uncached(t.signers, t.signersText, nullptr, nullptr);
  SignatureVerdict v = uncached.verify(log, {0}, "2026-12-07T12:00:00Z", 1)[0];
  CHECK(v.status == Status::Unchecked);
  CHECK(v.reason == kMissingKeygen);
}

TEST_CASE("a statement dated in the future, or before the row it follows, is refused", "[runtime][signing]") {
  Team t;
  std::vector<SignatureVerdict> v =
      t.verify({t.row(1, t.statement("carol@bank.example", "2026-12-07T12:10:00Z", kZero), "carol")});
  CHECK(v[0].reason == "dated 2026-12-07T12:10:00Z, in the future");
  ApprovalRecord first = t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  ApprovalRecord earlier = t.row(2, t.statement("dave@bank.example", "2026-12-05T09:00:00Z", first.hash), "dave");
  v = t.verify({first, earlier});
  CHECK(v[0].status == Status::Verified);
  CHECK(v[1].reason == "dated 2026-12-05T09:00:00Z, before the approval it follows (2026-12-05T10:00:00Z)");
}

TEST_CASE("a verified statement holds only for its gate, project, policy and model files", "[runtime][signing]") {
  Team t;
  ApprovalRecord r = t.row(1, t.statement("carol@bank.example", "2026-12-05T10:00:00Z", kZero), "carol");
  GateContext gate{"credit_risk", "production", std::string(64, 'b'), {{"build/scorer.json", std::string(64, 'a')}}};
  CHECK(!ApprovalVerifier::mismatch(r, gate));
  GateContext g = gate;
  g.project = "fraud";
  CHECK(ApprovalVerifier::mismatch(r, g) == "signed for project `credit_risk`, not `fraud`");
  g = gate;
  g.policy = std::string(64, 'f');
  CHECK_THAT(*ApprovalVerifier::mismatch(r, g), Catch::StartsWith("signed under another policy of gate `production`"));
  g = gate;
  g.subjects[0].sha256 = std::string(64, '9');
  CHECK(ApprovalVerifier::mismatch(r, g) == "signed for other model files than the ones there now");
}

// What a gate pass of a project with signers keeps (runtime/trust/
// gate_evidence.h) and what an artifact row keeps for approvers without the
// model files (serializeSubjects): canonical JSON, read back only from those
// exact bytes, since both are rows of a record a forger may write.
#include "runtime/trust/gate_evidence.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

namespace {

GateEvidence example() {
  GateEvidence e;
  e.approvals = {{3, std::string(64, 'a')}, {5, std::string(64, 'b')}};
  e.mlopsc = "0.1.0";
  e.policy = std::string(64, '1');
  e.signers = std::string(64, '2');
  e.spec = std::string(64, '3');
  e.subjects = {{"build/scorer.json", std::string(64, 'c')}, {"build/model/", std::string(64, 'd')}};
  return e;
}

}  // namespace

TEST_CASE("gate evidence is canonical JSON and reads back to the same value", "[signing][evidence]") {
  std::string why;
  std::optional<std::string> text = serializeEvidence(example(), why);
  INFO(why);
  REQUIRE(text);
  CHECK(*text ==
        "{\"approvals\":[{\"id\":3,\"sha256\":\"" + std::string(64, 'a') + "\"},{\"id\":5,\"sha256\":\"" +
            std::string(64, 'b') + "\"}],\"mlopsc\":\"0.1.0\",\"policy\":\"" + std::string(64, '1') +
            "\",\"signers\":\"" + std::string(64, '2') + "\",\"spec\":\"" + std::string(64, '3') +
            "\",\"subjects\":[{\"digest\":{\"sha256\":\"" + std::string(64, 'c') +
            "\"},\"name\":\"build/scorer.json\"},{\"digest\":{\"sha256\":\"" + std::string(64, 'd') +
            "\"},\"name\":\"build/model/\"}]}");
  std::optional<GateEvidence> back = parseEvidence(*text, why);
  INFO(why);
  REQUIRE(back);
  CHECK(*back == example());
}

TEST_CASE("evidence in any other bytes or shape is refused", "[signing][evidence]") {
  std::string why, text = *serializeEvidence(example(), why);
  auto refused = [&](const std::string& bytes) {
    why.clear();
    bool ok = parseEvidence(bytes, why).has_value();
    return !ok && !why.empty();
  };
  CHECK(refused(""));
  CHECK(refused("[]"));
  CHECK(refused(" " + text));                                        // not the exact bytes
  CHECK(refused(text.substr(0, text.size() - 1) + ",\"x\":1}"));    // an extra field
  std::string negative = text;
  negative.replace(negative.find("\"id\":3"), 6, "\"id\":-3");
  CHECK(refused(negative));
  std::string shortDigest = text;
  shortDigest.replace(shortDigest.find(std::string(64, '1')), 64, "11");
  CHECK(refused(shortDigest));
  std::string outside = text;
  outside.replace(outside.find("build/scorer.json"), 17, "../../etc/passwd");
  CHECK(refused(outside));
  CHECK(why.find("not a project-relative path") != std::string::npos);
}

TEST_CASE("an artifact row's subjects round-trip and refuse other bytes", "[signing][evidence]") {
  std::string why;
  std::vector<Subject> subjects = example().subjects;
  std::optional<std::string> text = serializeSubjects(subjects, why);
  REQUIRE(text);
  std::optional<std::vector<Subject>> back = parseSubjects(*text, why);
  REQUIRE(back);
  CHECK(*back == subjects);
  CHECK(!parseSubjects("{}", why));
  CHECK(!parseSubjects(*text + "\n", why));
  CHECK(why == "the subjects are not in the exact bytes mlopsc writes");
  CHECK(!serializeSubjects({}, why));  // nothing to sign
  CHECK(!serializeSubjects({{"/abs/model", std::string(64, 'a')}}, why));
  CHECK(!serializeSubjects({{"model", "not-hex"}}, why));
}

// The signed approval statement (runtime/trust/approval_statement.h): the exact
// bytes are RFC 8785 canonical JSON, the same bytes Python's json.dumps
// (sort_keys, compact separators, ensure_ascii=False) writes for the same
// value; a payload is read back only in exactly that form and with valid
// fields.
#include "runtime/trust/approval_statement.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;
using mlops::testing::KeyScratch;
using mlops::testing::shellOutput;

namespace {

ApprovalStatement example() {
  ApprovalStatement s;
  s.subjects = {{"build/scorer.json", std::string(64, 'a')}, {"build/model/", std::string(64, 'b')}};
  s.approver = "carol@bank.example";
  s.artifact = "2e673d531a11c0ffee0123456789abcd";
  s.comment = "AUC 0.91 \"ok\"\n\t\\ café ✓ \x01\x1f\x7f \u2028 end";
  s.gate = "production";
  s.mlopsc = "1.4.0";
  s.policySha256 = std::string(64, '9');
  s.previous = std::string(64, '0');
  s.project = "credit_risk";
  s.role = "validators";
  s.signersSha256 = std::string(64, '3');
  s.specSha256 = std::string(64, '5');
  s.time = "2026-12-07T01:09:45Z";
  return s;
}

// Python's canonical form of the JSON text `json` (read by python3 from a file).
std::string pythonCanonical(const KeyScratch& scratch, const std::string& json) {
  std::string in = scratch.write("in-" + std::to_string(json.size()) + ".json", json);
  return shellOutput("python3 -c 'import json,sys; v=json.load(open(sys.argv[1], encoding=\"utf-8\")); "
                     "sys.stdout.buffer.write(json.dumps(v, sort_keys=True, separators=(\",\",\":\"), "
                     "ensure_ascii=False).encode(\"utf-8\"))' '" + in + "'");
}

}  // namespace

TEST_CASE("a statement serializes to the canonical bytes Python writes", "[runtime][statement]") {
  std::string why;
  std::optional<std::string> bytes = serializeStatement(example(), why);
  REQUIRE(bytes);
  // The fixed layout (recorded once; the Python comparison below covers
  // the escaping of every kind of character).
  CHECK(bytes->rfind("{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"approver\":\"carol@bank.example\","
                     "\"artifact\":\"2e673d531a11c0ffee0123456789abcd\",\"comment\":\"AUC 0.91 \\\"ok\\\"\\n\\t\\\\ café ✓ "
                     "\\u0001\\u001f\x7f \u2028 end\",\"gate\":\"production\",\"mlopsc\":\"1.4.0\",\"policy\":{\"sha256\":\"",
                     0) == 0);
  CHECK(bytes->find("\"predicateType\":\"https://mlopsc.example/approval/v1\",\"subject\":[{\"digest\":{\"sha256\":\"" +
                    std::string(64, 'a') + "\"},\"name\":\"build/scorer.json\"},{\"digest\"") != std::string::npos);
  if (shellOutput("command -v python3").empty()) {
    WARN("python3 is not installed: the comparison with json.dumps is skipped");
    return;
  }
  KeyScratch scratch;
  CHECK(pythonCanonical(scratch, *bytes) == *bytes);
  // Python's bytes from a differently written JSON text of the same value
  // (spaces, other key order, \u escapes) are ours.
  std::string loose = "{ \"subject\": [{\"name\": \"build/scorer.json\", \"digest\": {\"sha256\": \"" +
                      std::string(64, 'a') + "\"}}, {\"name\": \"build/model/\", \"digest\": {\"sha256\": \"" +
                      std::string(64, 'b') + "\"}}],\n \"predicateType\": \"https://mlopsc.example/approval/v1\", "
                      "\"_type\": \"https://in-toto.io/Statement/v1\", \"predicate\": {\"time\": \"2026-12-07T01:09:45Z\", "
                      "\"spec\": {\"sha256\": \"" + std::string(64, '5') + "\"}, \"signers\": {\"sha256\": \"" +
                      std::string(64, '3') + "\"}, \"role\": \"validators\", \"project\": \"credit_risk\", \"previous\": \"" +
                      std::string(64, '0') + "\", \"policy\": {\"sha256\": \"" + std::string(64, '9') +
                      "\"}, \"mlopsc\": \"1.4.0\", \"gate\": \"production\", \"comment\": \"AUC 0.91 \\\"ok\\\"\\n\\t\\\\ "
                      "caf\\u00e9 \\u2713 \\u0001\\u001F\\u007f \\u2028 end\", \"artifact\": "
                      "\"2e673d531a11c0ffee0123456789abcd\", \"approver\": \"carol@bank.example\"}}";
  CHECK(pythonCanonical(scratch, loose) == *bytes);
}

TEST_CASE("canonicalJson refuses values RFC 8785 would write differently", "[runtime][statement]") {
  std::string why;
  CHECK(canonicalJson(nlohmann::json{{"b", 1}, {"a", {true, nullptr, -3}}}, why) == "{\"a\":[true,null,-3],\"b\":1}");
  CHECK(!canonicalJson(nlohmann::json{{"x", 0.5}}, why));
  CHECK(why == "a floating-point number has no single canonical form here");
  CHECK(!canonicalJson(nlohmann::json{{"x", uint64_t(1) << 53}}, why));
  CHECK(!canonicalJson(nlohmann::json{{"é", 1}}, why));
  CHECK(why == "the key `é` is not ASCII");
  CHECK(!canonicalJson(nlohmann::json{{"x", "\xff"}}, why));
  CHECK(why == "a string is not valid UTF-8");
}

TEST_CASE("a statement parses back from its own bytes only", "[runtime][statement]") {
  std::string why;
  std::string bytes = *serializeStatement(example(), why);
  std::optional<ApprovalStatement> back = parseStatement(bytes, why);
  REQUIRE(back);
  CHECK(*back == example());

  auto refused = [&](const std::string& payload) {
    std::optional<ApprovalStatement> s = parseStatement(payload, why);
    CHECK(!s);
    return why;
  };
  const std::string notOurs = "not written by mlopsc: the statement is not in canonical form (RFC 8785)";
  CHECK(refused(bytes + "\n") == notOurs);
  CHECK(refused(" " + bytes) == notOurs);
  std::string escaped = bytes;
  escaped.replace(escaped.find("café"), 5, "caf\\u00e9");
  CHECK(refused(escaped) == notOurs);
  // A duplicate key: JSON readers disagree on which one counts.
  std::string duplicate = bytes;
  duplicate.insert(duplicate.find("\"approver\""), "\"approver\":\"dave@bank.example\",");
  CHECK(refused(duplicate) == notOurs);

  CHECK(refused("{") == "the statement is not JSON");
  CHECK(refused("{\"_type\":\"https://in-toto.io/Statement/v1\"}") ==
        "the statement does not have exactly the fields _type, predicate, predicateType and subject");
  std::string otherType = bytes;
  otherType.replace(otherType.find("approval/v1"), 11, "approval/v2");
  CHECK(refused(otherType) == "the statement's predicateType is not https://mlopsc.example/approval/v1");
  std::string extra = bytes;
  extra.insert(extra.find("\"approver\""), "\"admin\":\"yes\",");
  CHECK(refused(extra) == "the predicate does not have exactly the fields of an approval v1");
  std::string number = bytes;
  number.replace(number.find("\"1.4.0\""), 7, "1.4");
  CHECK(refused(number) == "the predicate's `mlopsc` is not a string");
  std::string badTime = bytes;
  badTime.replace(badTime.find("2026-12-07T01"), 13, "2026-02-30T01");
  CHECK(refused(badTime) == "the time `2026-02-30T01:09:45Z` is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
  CHECK(refused(std::string(kMaxStatementBytes + 1, ' ')).find("more than 16384") != std::string::npos);
}

TEST_CASE("statement fields are validated before anything is signed", "[runtime][statement]") {
  auto problem = [](auto change) {
    ApprovalStatement s = example();
    change(s);
    std::string why;
    CHECK(!serializeStatement(s, why));
    return why;
  };
  CHECK(problem([](ApprovalStatement& s) { s.comment = std::string(2001, 'x'); }) ==
        "the comment is 2001 bytes long, more than 2000");
  CHECK(problem([](ApprovalStatement& s) { s.comment = "bad \xc3"; }) == "the comment is not valid UTF-8");
  CHECK(problem([](ApprovalStatement& s) { s.approver = "carol\n@bank.example"; }) ==
        "the approver `carol\\n@bank.example` holds a control character");
  CHECK(problem([](ApprovalStatement& s) { s.role.clear(); }) == "the role is empty");
  CHECK(problem([](ApprovalStatement& s) { s.artifact = "ABC"; }) ==
        "the artifact digest `ABC` is not 32 lower-case hex digits");
  CHECK(problem([](ApprovalStatement& s) { s.previous = std::string(64, 'A'); }) ==
        "the previous row's hash `" + std::string(64, 'A') + "` is not 64 lower-case hex digits");
  CHECK(problem([](ApprovalStatement& s) { s.subjects.clear(); }) == "the statement has no subject");
  CHECK(problem([](ApprovalStatement& s) { s.subjects[0].name = "../secret"; }) ==
        "the subject name `../secret` is not a project-relative path");
  CHECK(problem([](ApprovalStatement& s) { s.time = "2026-12-07 01:09:45"; }) ==
        "the time `2026-12-07 01:09:45` is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
  // The largest comment fits: 2000 bytes of controls, escaped 6 bytes each.
  ApprovalStatement big = example();
  big.comment = std::string(2000, '\x01');
  std::string why;
  CHECK(serializeStatement(big, why));
  CHECK(isStatementTime("2028-02-29T23:59:59Z"));
  CHECK(!isStatementTime("2027-02-29T00:00:00Z"));
}

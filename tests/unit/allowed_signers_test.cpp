// The signers file (support/allowed_signers.h): every row of the accepted
// subset, each refusal with its line, column and message (docs/language.md,
// "The signers file"), on keys recorded from ssh-keygen.
#include "support/allowed_signers.h"

#include "ssh_fixtures.h"

#include <catch2/catch.hpp>

using namespace mlops::support;
using mlops::test::sshFixture;

namespace {

// `TYPE BASE64` of a recorded public key, without its comment.
std::string keyOf(const std::string& pubFile) {
  std::string pub = sshFixture(pubFile);
  return pub.substr(0, pub.find(' ', pub.find(' ') + 1));
}

const std::string carol = keyOf("carol.pub");
const std::string dave = keyOf("dave.pub");
const std::string kVa = "valid-after=\"20260101Z\"";
// 2026-12-07 12:00:00 UTC: the day fix-its date an added `valid-after`.
constexpr int64_t kNow = 1796644800;

struct Parsed {
  SignersFile file;
  std::vector<SignersProblem> problems;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.file = parseAllowedSigners(text, p.problems, kNow);
  return p;
}

// The one problem of `text`, which must have exactly one.
SignersProblem only(const std::string& text) {
  Parsed p = parse(text);
  INFO(text);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.file.lines.empty());
  return p.problems.front();
}

}  // namespace

TEST_CASE("signers: accepted lines, as ssh-keygen reads them", "[support][signers]") {
  const std::string text = "# who may sign approvals\n"
                           "\n"
                           "   \t\n"
                           "  # indented comment\n"
                           "carol@bank.example " + kVa + " " + carol + " carol's laptop\r\n" +
                           "carol@bank.example VALID-AFTER=\"202601021230Z\",Valid-Before=\"20270101000000Z\","
                           "namespaces=\"mlops-approval,git\" " + dave + "\n" +
                           "grace@bank.example\t" + kVa + "\t" + keyOf("ecdsa256.pub") + "\n" +
                           "hank@bank.example " + kVa + " " + keyOf("rsa3072.pub") + "\n" +
                           "ivy@bank.example " + kVa + " " + keyOf("sk-ed25519.pub");
  Parsed p = parse(text);
  CHECK(p.problems.empty());
  REQUIRE(p.file.lines.size() == 5);
  const SignerLine& first = p.file.lines[0];
  CHECK(first.line == 5);
  CHECK(first.principal == "carol@bank.example");
  CHECK(first.principalCol == 1);
  CHECK(first.validAfter == 1767225600);  // 2026-01-01T00:00:00Z
  CHECK_FALSE(first.validBefore);
  CHECK(first.namespaces.empty());
  CHECK(first.allows("mlops-approval"));
  CHECK(first.keyCol == 44);
  CHECK(first.key.type == "ssh-ed25519");
  CHECK(first.key.fingerprint == "SHA256:3+p32/ngjG/OyBWPOtePYrXw301Tn57nphX71M1PVXQ");
  CHECK(first.comment == "carol's laptop");

  const SignerLine& second = p.file.lines[1];
  CHECK(second.validAfter == 1767357000);   // 2026-01-02T12:30:00Z
  CHECK(second.validBefore == 1798761600);  // 2027-01-01T00:00:00Z
  CHECK(second.namespaces == std::vector<std::string>{"mlops-approval", "git"});
  CHECK(second.allows("git"));
  CHECK_FALSE(second.allows("file"));
  CHECK(p.file.keysOf("carol@bank.example").size() == 2);  // a person may have several keys
  CHECK(p.file.keysOf("Carol@bank.example").empty());
  CHECK(p.file.byFingerprint(second.key.fingerprint) == &second);
  CHECK(p.file.byFingerprint("SHA256:none") == nullptr);
  CHECK(p.file.lines[2].key.type == "ecdsa-sha2-nistp256");
  CHECK(p.file.lines[2].keyCol == 44);
  CHECK(p.file.lines[3].key.bits == 3072);
  CHECK(p.file.lines[4].key.type == "sk-ssh-ed25519@openssh.com");
  CHECK(p.file.lines[4].comment.empty());
  CHECK(p.file.sha256.size() == 64);
  CHECK(p.file.sha256 != parse(text + "\n").file.sha256);
  CHECK(parse("").file.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("signers: refused principals", "[support][signers]") {
  struct Row {
    std::string principal;
    unsigned length;
    std::string message;
  };
  for (const Row& row : std::vector<Row>{
           {"*@bank.example", 14, "principal `*@bank.example` is a pattern: a pattern lets any matching name sign"},
           {"caro?@bank.example", 18,
            "principal `caro?@bank.example` is a pattern: a pattern lets any matching name sign"},
           {"!mallory@bank.example", 21,
            "principal `!mallory@bank.example` is a pattern: a pattern lets any matching name sign"},
           {"carol@bank.example,dave@bank.example", 36,
            "principal `carol@bank.example,dave@bank.example` names several people: write one person per line"},
           {"\"carol@bank.example\"", 20,
            "principal `\"carol@bank.example\"` is quoted: write one address alone, as in `carol@bank.example`"},
           {"Carol@Bank.example", 18,
            "principal `Carol@Bank.example` has capitals: ssh-keygen compares principals case-sensitively, write "
            "`carol@bank.example`"},
       }) {
    SignersProblem p = only("# header\n" + row.principal + " " + kVa + " " + carol + "\n");
    CHECK(p.line == 2);
    CHECK(p.column == 1);
    CHECK(p.offset == 9);
    CHECK(p.length == row.length);
    CHECK(p.message == row.message);
  }
  SignersProblem capitals = only("Carol@bank.example " + kVa + " " + carol);
  REQUIRE(capitals.fixIt);
  CHECK(capitals.fixIt->offset == 0);
  CHECK(capitals.fixIt->length == 18);
  CHECK(capitals.fixIt->text == "carol@bank.example");
}

TEST_CASE("signers: refused options, at the option", "[support][signers]") {
  struct Row {
    std::string options;
    unsigned column, length;
    std::string message;
  };
  // Options start at column 20, after `carol@bank.example `.
  for (const Row& row : std::vector<Row>{
           {"cert-authority," + kVa, 20, 14,
            "option `cert-authority` is not accepted: certificates are not accepted, list each person's key"},
           {kVa + ",principals=\"x\"", 44, 10,
            "option `principals` is not known: expected `valid-after`, `valid-before` or `namespaces`"},
           {kVa + ",Valid-After=\"20260102Z\"", 44, 11, "option `Valid-After` is given twice"},
           {"valid-after=20260101Z", 32, 9,
            "option `valid-after` has an unquoted value: ssh-keygen would skip the whole line"},
           {"valid-after", 20, 11, "option `valid-after` needs a value, as in `valid-after=\"20260101Z\"`"},
           {"valid-after=\"20260101\"", 33, 8,
            "option `valid-after` has no `Z`: without it ssh-keygen reads `20260101` in each machine's time zone"},
           {"valid-after=\"2026-01-01Z\"", 33, 11,
            "option `valid-after` has `2026-01-01Z`: expected a UTC time `YYYYMMDD[HHMM[SS]]Z`, as `20260101Z`"},
           {"valid-after=\"20260230Z\"", 33, 9, "option `valid-after` has `20260230Z`, which is not a date and time"},
           {"valid-after=\"202601012460Z\"", 33, 13,
            "option `valid-after` has `202601012460Z`, which is not a date and time"},
           {kVa + ",valid-before=\"20260101Z\"", 44, 12,
            "option `valid-before` is not after `valid-after`: the key would never be valid"},
           {kVa + ",namespaces=\"mlops-*\"", 56, 7,
            "option `namespaces` has the pattern `mlops-*`: list namespaces by name, as `mlops-approval`"},
           {kVa + ",namespaces=\"\"", 55, 2,
            "option `namespaces` is empty: name `mlops-approval`, or leave the option out"},
           {kVa + ",namespaces=\"git,,file\"", 60, 0, "option `namespaces` has an empty namespace name"},
           {kVa + ",", 44, 0, "expected an option such as `valid-after=\"20260101Z\"`, found nothing"},
           {kVa + ",valid-before=\"2027", 143, 0,
            "expected a closing `\"` in the options, found the end of the line"},
           {kVa + "x", 32, 12, "option `valid-after` has text around its quoted value"},
       }) {
    INFO(row.options);
    SignersProblem p = only("carol@bank.example " + row.options + " " + carol + "\n");
    CHECK(p.line == 1);
    CHECK(p.column == row.column);
    CHECK(p.length == row.length);
    CHECK(p.message == row.message);
  }
  SignersProblem unquoted = only("carol@bank.example valid-after=20260101Z " + carol);
  REQUIRE(unquoted.fixIt);
  CHECK(unquoted.fixIt->offset == 31);
  CHECK(unquoted.fixIt->length == 9);
  CHECK(unquoted.fixIt->text == "\"20260101Z\"");
  SignersProblem noZ = only("carol@bank.example valid-after=\"20260101\" " + carol);
  REQUIRE(noZ.fixIt);
  CHECK(noZ.fixIt->offset == 40);
  CHECK(noZ.fixIt->length == 0);
  CHECK(noZ.fixIt->text == "Z");
}

TEST_CASE("signers: valid-after is required, a fix-it adds today's", "[support][signers]") {
  SignersProblem none = only("# x\ncarol@bank.example " + carol + "\n");
  CHECK(none.line == 2);
  CHECK(none.column == 20);
  CHECK(none.offset == 23);
  CHECK(none.message ==
        "the key of `carol@bank.example` has no `valid-after`: a key added later would also validate approvals "
        "signed before");
  REQUIRE(none.fixIt);
  CHECK(none.fixIt->offset == 23);
  CHECK(none.fixIt->length == 0);
  CHECK(none.fixIt->text == "valid-after=\"20261207Z\" ");
  CHECK(none.note == "add `valid-after=\"20261207Z\"`: the key then counts only for approvals signed from that day on");

  SignersProblem otherOptions = only("carol@bank.example namespaces=\"mlops-approval\" " + carol);
  CHECK(otherOptions.column == 20);
  REQUIRE(otherOptions.fixIt);
  CHECK(otherOptions.fixIt->offset == 19);
  CHECK(otherOptions.fixIt->text == "valid-after=\"20261207Z\",");
}

TEST_CASE("signers: refused keys, at the key", "[support][signers]") {
  struct Row {
    std::string key;
    unsigned column, length;
    std::string message;
  };
  const std::string carolText = carol.substr(carol.find(' ') + 1);
  std::string badChar = carolText;
  badChar[20] = '%';
  // Keys start at column 44, after the principal and `valid-after="20260101Z" `.
  for (const Row& row : std::vector<Row>{
           {keyOf("dsa.pub"), 44, 7,
            "key type `ssh-dss` is not accepted: DSA keys are weak and OpenSSH no longer makes them"},
           {"ssh-ed25519-cert-v01@openssh.com AAAA", 44, 32,
            "key type `ssh-ed25519-cert-v01@openssh.com` is a certificate: certificates are not accepted, list each "
            "person's key"},
           {"ssh-ed448 AAAA", 44, 9,
            "key type `ssh-ed448` is not accepted: expected `ssh-ed25519`, `ecdsa-sha2-nistp256`/`384`/`521`, "
            "`ssh-rsa`, `sk-ssh-ed25519@openssh.com` or `sk-ecdsa-sha2-nistp256@openssh.com`"},
           {"ssh-ed25519 " + badChar, 76, 1, "key `ssh-ed25519` does not decode: `%` is not a base64 character"},
           {"ssh-ed25519 " + carolText.substr(0, 64), 56, 64,
            "key `ssh-ed25519` does not decode: the blob ends inside the public key"},
           {"ssh-ed25519 " + carolText.substr(0, 63), 119, 0,
            "key `ssh-ed25519` does not decode: the text is cut short: base64 comes in groups of 4 characters"},
           {"ssh-rsa " + carolText, 44, 7, "key type `ssh-rsa` does not match the key, which is `ssh-ed25519`"},
           {keyOf("rsa1024.pub"), 52, 0, "key `ssh-rsa` of 1024 bits is too weak: expected at least 2048"},
           {"ssh-ed25519", 55, 0, "expected the base64 key after the key type, found the end of the line"},
       }) {
    INFO(row.key);
    SignersProblem p = only("carol@bank.example " + kVa + " " + row.key + "\n");
    CHECK(p.line == 1);
    CHECK(p.column == row.column);
    if (row.length) CHECK(p.length == row.length);
    CHECK(p.message == row.message);
  }
  SignersProblem noKey = only("carol@bank.example " + kVa);
  CHECK(noKey.column == 43);
  CHECK(noKey.message == "expected a key type such as `ssh-ed25519` after the options, found the end of the line");
  SignersProblem alone = only("carol@bank.example   ");
  CHECK(alone.column == 22);
  CHECK(alone.message == "expected options and a key after the principal, found the end of the line");
}

TEST_CASE("signers: a key listed twice is refused at the second line", "[support][signers]") {
  Parsed p = parse("carol@bank.example " + kVa + " " + carol + "\n" + "dave@bank.example " + kVa + " " + carol +
                   "\n");
  REQUIRE(p.problems.size() == 1);
  const SignersProblem& twice = p.problems.front();
  CHECK(twice.line == 2);
  CHECK(twice.column == 43);
  CHECK(twice.message == "key SHA256:3+p32/ngjG/OyBWPOtePYrXw301Tn57nphX71M1PVXQ is listed again, for "
                         "`dave@bank.example`");
  CHECK(twice.note == "first listed on line 1, for `carol@bank.example`: ssh-keygen -Y find-principals would only "
                      "ever find that line");
  CHECK(twice.noteOffset == 43u);
  REQUIRE(p.file.lines.size() == 1);
  CHECK(p.file.lines[0].principal == "carol@bank.example");
}

TEST_CASE("signers: one problem per line, later lines still read", "[support][signers]") {
  Parsed p = parse("*@x " + kVa + " " + carol + "\n" + "carol@bank.example valid-after=\"1\" " + carol + "\n" +
                   "dave@bank.example " + kVa + " " + dave + "\n");
  REQUIRE(p.problems.size() == 2);
  CHECK(p.problems[0].line == 1);
  CHECK(p.problems[1].line == 2);
  REQUIRE(p.file.lines.size() == 1);
  CHECK(p.file.lines[0].principal == "dave@bank.example");
}

TEST_CASE("signers: hostile bytes are escaped in messages, long lines refused", "[support][signers]") {
  SignersProblem p = only("\x1b[2J*@x " + kVa + " " + carol);
  CHECK(p.message == "principal `\\x1b[2J*@x` is a pattern: a pattern lets any matching name sign");
  std::string longLine = "carol@bank.example " + kVa + " " + carol + " " + std::string(kMaxSignersLineBytes, 'c');
  SignersProblem tooLong = only(longLine);
  CHECK(tooLong.message == "line of " + std::to_string(longLine.size()) +
                               " bytes is too long: expected at most 16 KiB");
}

TEST_CASE("signers: times are UTC, to the second", "[support][signers]") {
  CHECK(parseSignersTime("19700101Z") == 0);
  CHECK(parseSignersTime("20240229Z") == 1709164800);
  CHECK_FALSE(parseSignersTime("20230229Z"));
  CHECK(parseSignersTime("20261207235959Z") == 1796687999);
  CHECK_FALSE(parseSignersTime("20261207"));
  CHECK(formatSignersTime(1767225600) == "20260101Z");
  CHECK(formatSignersTime(1796687999) == "20261207235959Z");
}

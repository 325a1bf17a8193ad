// Armored SSH signatures (support/sshsig.h) as `ssh-keygen -Y sign` writes
// them (tests/unit/data/ssh/README.md).
#include "support/base64.h"
#include "support/ssh_key.h"
#include "support/sshsig.h"

#include "ssh_fixtures.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace mlops::support;
using mlops::test::sshFixture;

namespace {

std::string fingerprintOf(const std::string& pubFile) {
  std::istringstream in(sshFixture(pubFile));
  std::string type, text;
  in >> type >> text;
  Base64Error error;
  return sshFingerprint(decodeBase64(text, error).value());
}

}  // namespace

TEST_CASE("sshsig: the key, namespace and hash of an ssh-keygen signature", "[support][sshsig]") {
  std::string why;
  auto sig = parseArmoredSshSig(sshFixture("approval.json.sig"), why);
  INFO(why);
  REQUIRE(sig);
  CHECK(sig->version == 1);
  CHECK(sig->ns == "mlops-approval");
  CHECK(sig->hashAlg == "sha512");
  CHECK(sig->reserved.empty());
  CHECK(sshFingerprint(sig->publicKey) == fingerprintOf("carol.pub"));
  CHECK(sig->signature.substr(4, 11) == "ssh-ed25519");

  auto git = parseArmoredSshSig(sshFixture("approval.json.git-sig"), why);
  REQUIRE(git);
  CHECK(git->ns == "git");

  auto rsa = parseArmoredSshSig(sshFixture("approval.json.rsa-sig"), why);
  REQUIRE(rsa);
  CHECK(rsa->hashAlg == "sha256");
  CHECK(sshFingerprint(rsa->publicKey) == fingerprintOf("rsa3072.pub"));
}

TEST_CASE("sshsig: CRLF line ends and blank lines around the armor are read", "[support][sshsig]") {
  std::string text = sshFixture("approval.json.sig");
  std::string crlf = "\n";
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  std::string why;
  CHECK(parseArmoredSshSig(crlf + "\n", why));
}

TEST_CASE("sshsig: damaged signatures are refused with the reason", "[support][sshsig]") {
  const std::string text = sshFixture("approval.json.sig");
  const std::string begin = "-----BEGIN SSH SIGNATURE-----\n", end = "-----END SSH SIGNATURE-----\n";
  auto why = [](const std::string& t) {
    std::string w;
    return parseArmoredSshSig(t, w) ? std::string("accepted") : w;
  };
  CHECK(why("") == "no `-----BEGIN SSH SIGNATURE-----` line");
  CHECK(why("garbage\n" + text) == "expected `-----BEGIN SSH SIGNATURE-----` at the start");
  CHECK(why(begin + "U1NIU0lH\n") == "no `-----END SSH SIGNATURE-----` line");
  CHECK(why(text + "trailing\n") == "text follows `-----END SSH SIGNATURE-----`");
  CHECK(why(begin + "U1NI*0lH\n" + end) == "the signature does not decode: `*` is not a base64 character");
  CHECK(why(begin + encodeBase64("SSHSIX\0\0\0\1") + "\n" + end) == "the blob does not start with `SSHSIG`");
  CHECK(why(begin + encodeBase64(std::string("SSHSIG\0\0\0\2", 10)) + "\n" + end) ==
        "signature version 2 is not known: expected 1");
  CHECK(why(begin + encodeBase64(std::string("SSHSIG\0\0\0\1\0\0\0\x05ssh", 17)) + "\n" + end) ==
        "the blob ends inside the public key");
  // The genuine blob cut short, extended, or naming a hash ssh-keygen does not use.
  Base64Error error;
  std::string body;
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("-----", 0) != 0) body += l;
  std::string blob = decodeBase64(body, error).value();
  std::string cut = blob.substr(0, blob.size() - 1);
  CHECK(why(begin + encodeBase64(cut) + "\n" + end) == "the blob ends inside the signature");
  std::string extra = blob + "x";
  CHECK(why(begin + encodeBase64(extra) + "\n" + end) == "the blob has bytes after the signature");
  std::string sha384 = blob;
  sha384.replace(sha384.find("sha512"), 6, "sha384");
  CHECK(why(begin + encodeBase64(sha384) + "\n" + end) ==
        "hash algorithm `sha384` is not known: expected `sha512` or `sha256`");
}

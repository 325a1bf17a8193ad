// SSH public key blobs, fingerprints and strict base64 (support/ssh_key.h,
// support/base64.h) against keys and `ssh-keygen -lf` output recorded from
// OpenSSH 9.2p1 (tests/unit/data/ssh/README.md).
#include "support/base64.h"
#include "support/ssh_key.h"

#include "ssh_fixtures.h"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

using namespace mlops::support;
using mlops::test::sshFixture;

namespace {

// The blob of a `TYPE BASE64 COMMENT` public key file.
std::string blobOf(const std::string& pub) {
  std::istringstream in(pub);
  std::string type, text;
  in >> type >> text;
  Base64Error error;
  auto blob = decodeBase64(text, error);
  REQUIRE(blob);
  return *blob;
}

std::string withU32(std::string_view s) {
  std::string out;
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((s.size() >> shift) & 0xff));
  return out + std::string(s);
}

}  // namespace

TEST_CASE("ssh keys: fingerprints equal ssh-keygen -lf for every accepted type", "[support][ssh]") {
  std::istringstream recorded(sshFixture("fingerprints.txt"));
  const std::map<std::string, std::pair<std::string, unsigned>> files{
      {"carol@bank.example", {"carol.pub", 256}}, {"dave", {"dave.pub", 256}},
      {"ecdsa256", {"ecdsa256.pub", 256}},        {"ecdsa384", {"ecdsa384.pub", 384}},
      {"ecdsa521", {"ecdsa521.pub", 521}},        {"rsa1024", {"rsa1024.pub", 1024}},
      {"rsa3072", {"rsa3072.pub", 3072}},         {"sk", {"sk-ed25519.pub", 256}},
      {"dsa", {"dsa.pub", 1024}}};
  std::string line;
  size_t checked = 0;
  while (std::getline(recorded, line)) {
    std::istringstream fields(line);  // "256 SHA256:… COMMENT (TYPE)"
    unsigned bits = 0;
    std::string fingerprint, comment;
    fields >> bits >> fingerprint >> comment;
    INFO(line);
    const auto& [file, expectedBits] = files.at(comment);
    const std::string blob = blobOf(sshFixture(file));
    CHECK(sshFingerprint(blob) == fingerprint);
    std::string why;
    auto key = parsePublicKeyBlob(blob, why);
    if (comment == "dsa") {
      CHECK_FALSE(key);
      CHECK(why == "type `ssh-dss` is not a signing key type mlopsc accepts");
    } else {
      REQUIRE(key);
      CHECK(key->fingerprint == fingerprint);
      CHECK(key->bits == expectedBits);
      CHECK(key->bits == bits);
      CHECK(key->blob == blob);
    }
    ++checked;
  }
  CHECK(checked == files.size());
}

TEST_CASE("ssh keys: a blob cut short or with extra bytes is refused with the reason", "[support][ssh]") {
  const std::string blob = blobOf(sshFixture("carol.pub"));
  std::string why;
  CHECK_FALSE(parsePublicKeyBlob(blob.substr(0, blob.size() - 1), why));
  CHECK(why == "the blob ends inside the public key");
  CHECK_FALSE(parsePublicKeyBlob(blob + "x", why));
  CHECK(why == "the blob has bytes after the key");
  CHECK_FALSE(parsePublicKeyBlob(blob.substr(0, 3), why));
  CHECK(why == "the blob ends before its key type");
  CHECK_FALSE(parsePublicKeyBlob(withU32("ssh-ed25519") + withU32(std::string(31, 'k')), why));
  CHECK(why == "an ed25519 public key has 32 bytes, this one 31");
  CHECK_FALSE(parsePublicKeyBlob(withU32("ssh-ed25519-cert-v01@openssh.com") + withU32("nonce"), why));
  CHECK(why == "type `ssh-ed25519-cert-v01@openssh.com` is not a signing key type mlopsc accepts");
  CHECK_FALSE(parsePublicKeyBlob(
      withU32("ecdsa-sha2-nistp256") + withU32("nistp384") + withU32(std::string(1, '\4') + std::string(96, 'p')),
      why));
  CHECK(why == "the curve does not match the key type `ecdsa-sha2-nistp256`");
  CHECK_FALSE(parsePublicKeyBlob(withU32("ssh-rsa") + withU32("\x01\x00\x01") + withU32("\x80\x01"), why));
  CHECK(why == "the RSA exponent or modulus is not a positive number");
  // A hostile type is quoted with its control characters escaped.
  CHECK_FALSE(parsePublicKeyBlob(withU32("ssh-\x1b[2J"), why));
  CHECK(why == "type `ssh-\\x1b[2J` is not a signing key type mlopsc accepts");
}

TEST_CASE("ssh keys: a security key ecdsa blob carries its application", "[support][ssh]") {
  const std::string point = std::string(1, '\4') + std::string(64, 'p');
  std::string why;
  auto key = parsePublicKeyBlob(
      withU32("sk-ecdsa-sha2-nistp256@openssh.com") + withU32("nistp256") + withU32(point) + withU32("ssh:"), why);
  REQUIRE(key);
  CHECK(key->bits == 256);
  CHECK_FALSE(parsePublicKeyBlob(
      withU32("sk-ecdsa-sha2-nistp256@openssh.com") + withU32("nistp256") + withU32(point), why));
  CHECK(why == "the blob ends inside the security key application");
}

TEST_CASE("base64: strict decoding round-trips and names the first bad character", "[support][base64]") {
  Base64Error error;
  for (const std::string& bytes : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                             std::string("\0\xff\x10", 3)}) {
    auto back = decodeBase64(encodeBase64(bytes), error);
    REQUIRE(back);
    CHECK(*back == bytes);
  }
  CHECK(encodeBase64("fo") == "Zm8=");
  CHECK(encodeBase64("fo", false) == "Zm8");
  CHECK(encodeBase64("f", false) == "Zg");

  CHECK_FALSE(decodeBase64("Zm9v%mFy", error));
  CHECK(error.offset == 4);
  CHECK(error.why == "`%` is not a base64 character");
  CHECK_FALSE(decodeBase64("Zm9v YmFy", error));
  CHECK(error.offset == 4);
  CHECK(error.why == "byte 0x20 is not a base64 character");
  CHECK_FALSE(decodeBase64("Zm9v-_==", error));  // the URL-safe alphabet is another encoding
  CHECK(error.offset == 4);
  CHECK_FALSE(decodeBase64("Zm8", error));  // unpadded
  CHECK(error.why == "the text is cut short: base64 comes in groups of 4 characters");
  CHECK_FALSE(decodeBase64("Zm9=", error));  // `9` has bits that encode nothing: `Zm8=` is the one spelling
  CHECK(error.offset == 2);
  CHECK_FALSE(decodeBase64("Zg=A", error));
  CHECK(error.offset == 2);
  CHECK_FALSE(decodeBase64("Z===", error));
  CHECK(error.offset == 1);
}

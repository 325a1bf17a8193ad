// Role member addresses (sema/member_address.h): what counts as one person.
#include "sema/member_address.h"

#include <catch2/catch.hpp>

using namespace mlops::sema;

namespace {

std::string why(llvm::StringRef address) {
  std::optional<AddressProblem> p = checkMemberAddress(address);
  return p ? p->why : "valid";
}

}  // namespace

TEST_CASE("security item 6: look-alike spellings of an address are not valid members", "[sema][members]") {
  CHECK(why("carol@bank.example") == "valid");
  CHECK(why("Carol.O'Neil+ops@sub.bank-1.example") == "valid");
  CHECK(why("a@x") == "valid");
  CHECK(why(" carol@bank.example") == "it has a leading space");
  CHECK(why("carol@bank.example ") == "it has a trailing space");
  CHECK(why("carol@bank.example\t") == "it holds the control character U+0009 (a tab)");
  CHECK(why("car\xE2\x80\x8Bol@bank.example").rfind("it holds U+200B, a non-ASCII character", 0) == 0);
  CHECK(why("c\xD0\xB0rol@bank.example").rfind("it holds U+0430, a non-ASCII character", 0) == 0);
  CHECK(why("carol@bank.example.") == "the domain ends with a dot");
  CHECK(why("not-an-email") == "it is not an e-mail address: expected NAME@DOMAIN");
  CHECK(why("") == "it is empty");
  CHECK(why("a@b@c.example") == "it holds a second `@`: expected NAME@DOMAIN");
  CHECK(why(".carol@bank.example").rfind("the name before `@` starts or ends with a dot", 0) == 0);
  CHECK(why("carol@-bank.example") == "a domain label starts or ends with `-`");
  CHECK(why("carol@bank..example") == "the domain holds two dots in a row or starts with one");
  CHECK(why("<carol@bank.example>") == "`<` is not allowed before `@`");
}

TEST_CASE("security item 6: a problem points at the offending bytes", "[sema][members]") {
  std::optional<AddressProblem> p = checkMemberAddress("c\xD0\xB0rol@bank.example");
  REQUIRE(p);
  CHECK(p->offset == 1);
  CHECK(p->length == 2);
  p = checkMemberAddress("carol@bank.example.");
  REQUIRE(p);
  CHECK(p->offset == 18);
}

TEST_CASE("security item 6: one person, one identity; look-alikes share a skeleton", "[sema][members]") {
  CHECK(normalizedAddress("Carol@Bank.Example") == "carol@bank.example");
  CHECK(addressSkeleton("bo@bank.example") == addressSkeleton("b0@bank.example"));
  CHECK(addressSkeleton("carol@bank.example") == addressSkeleton("caro1@bank.example"));
  CHECK(addressSkeleton("carol@bank.example") == addressSkeleton("caroI@bank.example"));
  CHECK(addressSkeleton("mia@bank.example") == addressSkeleton("rnia@bank.example"));
  CHECK(addressSkeleton("carol@bank.example") == addressSkeleton("carol+review@bank.example"));
  CHECK(addressSkeleton("carol@bank.example") != addressSkeleton("carl@bank.example"));
  CHECK(addressSkeleton("ana@bank.example") != addressSkeleton("ana@bank.example.org"));
}

TEST_CASE("security item 6: addresses in messages show invisible characters", "[sema][members]") {
  CHECK(printableAddress(" a\tb\xE2\x80\x8B`") == "\\u{20}a\\u{9}b\\u{200B}\\u{60}");
  CHECK(printableAddress("carol@bank.example") == "carol@bank.example");
}

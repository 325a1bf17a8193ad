// The secrets file (runtime/secrets_file.h): `NAME=value` lines with
// comments, blank lines, `export `, CRLF and quotes; a bad line is refused
// by file and line number without echoing any of it (it may hold a secret).
#include "runtime/secrets_file.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

TEST_CASE("secrets: names and values as a shell would read them", "[runtime][secrets]") {
  std::string error;
  auto s = parseSecrets("# secrets\n\nexport TOKEN=\"tok-123\"\r\n  DB_PASSWORD = 'p w'\nEMPTY=\nEQ=a=b\n_X1=\"unbalanced\n",
                        "s.env", error);
  INFO(error);
  REQUIRE(s);
  CHECK(s->size() == 5);
  CHECK(s->at("TOKEN") == "tok-123");
  CHECK(s->at("DB_PASSWORD") == " 'p w'");  // spaces after `=` belong to the value, so its quotes stay
  CHECK(s->at("EMPTY").empty());
  CHECK(s->at("EQ") == "a=b");
  CHECK(s->at("_X1") == "\"unbalanced");
}

TEST_CASE("secrets: a later line wins", "[runtime][secrets]") {
  std::string error;
  auto s = parseSecrets("A=1\nA=2\n", "s.env", error);
  REQUIRE(s);
  CHECK(s->at("A") == "2");
}

TEST_CASE("secrets: an empty file has none", "[runtime][secrets]") {
  std::string error;
  auto s = parseSecrets("", "s.env", error);
  REQUIRE(s);
  CHECK(s->empty());
}

TEST_CASE("secrets: a bad line is refused by number, never echoed", "[runtime][secrets]") {
  const std::string expected = ": expected `NAME=value` (NAME: letters, digits, `_`)";
  for (const char* line : {"hunter2-no-name", "1ABC=secret-value", "=secret-value", "MY-KEY=secret-value",
                           "MY KEY=secret-value"}) {
    std::string error;
    auto s = parseSecrets(std::string("# header\nOK=1\n") + line + "\n", "dir/s.env", error);
    INFO(line);
    CHECK_FALSE(s);
    CHECK(error == "dir/s.env:3" + expected);
  }
}

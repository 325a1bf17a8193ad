// PostgreSQL connection strings as mlopsc shows them
// (runtime/state/pg_conninfo.h): read by libpq without a server, shown with
// every password masked; a string libpq cannot parse is reported without
// echoing it (libpq's own message quotes it whole, password included).
#include "runtime/state/pg_conninfo.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

TEST_CASE("a connection string is shown with its passwords masked", "[runtime][state]") {
  std::string error;
  std::optional<PgConnInfo> uri = parsePgConnInfo("postgresql://ci:s3cret-pw@db.example:5433/mlops?sslmode=verify-full", error);
  REQUIRE(uri);
  CHECK(uri->masked == "user=ci password=*** dbname=mlops host=db.example port=5433 sslmode=verify-full");
  CHECK(uri->passwords == std::vector<std::string>{"s3cret-pw"});
  CHECK(uri->hasPassword);
  CHECK(uri->host == "db.example");

  std::optional<PgConnInfo> keywords =
      parsePgConnInfo("host=/tmp/sock user=postgres password='it''s s3cret' sslpassword=k3y-pass dbname=postgres", error);
  REQUIRE(!keywords);  // '' is not an escape in a keyword string: libpq refuses it
  keywords = parsePgConnInfo("host=/tmp/sock user=postgres password='it\\'s s3cret' sslpassword=k3y-pass dbname=postgres", error);
  REQUIRE(keywords);
  CHECK(keywords->masked.find("s3cret") == std::string::npos);
  CHECK(keywords->masked.find("k3y-pass") == std::string::npos);
  CHECK(keywords->masked.find("password=***") != std::string::npos);
  CHECK(keywords->masked.find("sslpassword=***") != std::string::npos);
  CHECK(keywords->masked.find("host=/tmp/sock") != std::string::npos);
  CHECK(keywords->passwords.size() == 2);

  std::optional<PgConnInfo> none = parsePgConnInfo("dbname=mlops", error);
  REQUIRE(none);
  CHECK(!none->hasPassword);
  CHECK(none->masked == "dbname=mlops");
}

TEST_CASE("a malformed connection string is reported without its password", "[runtime][state]") {
  std::string error;
  // libpq 15: `... in IPv6 host address in URI: "postgresql://u:sekrit@[::1/db"`.
  CHECK(!parsePgConnInfo("postgresql://u:sekrit@[::1/db", error));
  CHECK(error.find("malformed PostgreSQL connection string") == 0);
  CHECK(error.find("IPv6") != std::string::npos);  // libpq's reason stays
  CHECK(error.find("sekrit") == std::string::npos);
  CHECK(error.find("postgresql://u:") == std::string::npos);

  CHECK(!parsePgConnInfo("host=db password sekrit-2", error));  // no `=`: libpq quotes the word
  CHECK(error.find("sekrit-2") == std::string::npos);
  CHECK(!parsePgConnInfo("host=db passwrod=sekrit-3", error));  // an unknown option
  CHECK(error.find("sekrit-3") == std::string::npos);
  CHECK(!parsePgConnInfo("postgresql://u:p%41ss-word@db/x?bogus=1", error));
  CHECK(error.find("pAss-word") == std::string::npos);
  CHECK(error.find("p%41ss-word") == std::string::npos);
}

TEST_CASE("libpq's messages are masked with every password a string may hold", "[runtime][state]") {
  CHECK(pgPasswordCandidates("postgresql://u:p%40ss:w@rd@db/x") ==
        std::vector<std::string>{"p%40ss:w@rd", "p@ss:w@rd"});
  CHECK(pgPasswordCandidates("host=x password = 'a b\\'c' sslpassword=zz99") ==
        std::vector<std::string>{"a b'c", "zz99"});
  CHECK(pgPasswordCandidates("postgres://db/x?password=q%20q&sslmode=require") ==
        std::vector<std::string>{"q%20q", "q q"});
  std::string text = "connection to server failed: FATAL: password authentication failed for user \"u\" (s3cret-pw)";
  std::string masked = maskPgMessage(text, "postgresql://u:s3cret-pw@db/x", "host=db", {"other-secret"}, false);
  CHECK(masked.find("s3cret-pw") == std::string::npos);
  CHECK(masked.find("\"u\"") != std::string::npos);
}

// The rules of data sources and effects (ir/source_kinds.h), shared by the
// checker, the IR reader and the runtime: what pins a download or an
// import, and where the runtime reads each source's bytes.
#include "ir/source_kinds.h"

#include <catch2/catch.hpp>

using namespace mlops;

namespace {

ir::Source source(std::string kind, std::vector<std::pair<std::string, std::string>> args) {
  return {std::move(kind), std::move(args)};
}

const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kCommit = "1a58a0714f5b0e6c1d7d4c0c8e9f8b3a2d1c0b9a";

}  // namespace

TEST_CASE("a git rev pins only as a full commit id", "[ir][sources]") {
  CHECK(ir::gitRevProblem(kCommit).empty());
  CHECK(ir::gitRevProblem("main").find("a branch or tag moves") != std::string::npos);
  CHECK(ir::gitRevProblem("v1.2.0").find("a branch or tag moves") != std::string::npos);
  CHECK(ir::gitRevProblem("1a58a07").find("a short id may match another commit later") != std::string::npos);
  CHECK(ir::gitRevProblem("1A58A0714F5B0E6C1D7D4C0C8E9F8B3A2D1C0B9A").find("lowercase") != std::string::npos);
}

TEST_CASE("a repository path stays inside the repository", "[ir][sources]") {
  CHECK(ir::repositoryPathProblem("data/labels.csv").empty());
  CHECK(ir::repositoryPathProblem("my data/labels 2.csv").empty());
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", ".git/config", "a/.git/x", "a\nb"})
    CHECK_FALSE(ir::repositoryPathProblem(bad).empty());
}

TEST_CASE("URLs: http without credentials, git over known transports only", "[ir][sources]") {
  CHECK(ir::httpUrlProblem("https://example.org/a.csv").empty());
  CHECK(ir::httpUrlProblem("http://127.0.0.1:8000/a.csv").empty());
  CHECK_FALSE(ir::httpUrlProblem("ftp://example.org/a.csv").empty());
  CHECK_FALSE(ir::httpUrlProblem("https:///a.csv").empty());
  CHECK(ir::httpUrlProblem("https://u:p@example.org/a.csv").find("without credentials") != std::string::npos);
  CHECK(ir::gitUrlProblem("file:///tmp/repo").empty());
  CHECK(ir::gitUrlProblem("ssh://git@github.com/acme/r.git").empty());
  CHECK_FALSE(ir::gitUrlProblem("ext::sh -c touch% /tmp/x").empty());
  CHECK_FALSE(ir::gitUrlProblem("-uhelp").empty());
  CHECK_FALSE(ir::gitUrlProblem("fd::3").empty());
}

TEST_CASE("digests, BigQuery tables and effect URIs", "[ir][sources]") {
  CHECK(ir::sha256Problem(kSha).empty());
  CHECK(ir::sha256Problem("abc") == "a SHA-256 digest: expected 64 hex digits, found 3");
  CHECK_FALSE(ir::sha256Problem(std::string(64, 'G')).empty());
  CHECK(ir::bigqueryTableProblem("acme-prod.scoring.scores").empty());
  CHECK(ir::bigqueryTableProblem("scoring.scores").empty());
  CHECK_FALSE(ir::bigqueryTableProblem("scores").empty());
  CHECK_FALSE(ir::bigqueryTableProblem("a.b.c.d").empty());
  CHECK_FALSE(ir::bigqueryTableProblem("Acme.scoring.scores").empty());
  CHECK_FALSE(ir::bigqueryTableProblem("scoring.sco res").empty());
  CHECK(ir::effectUriProblem("bigquery://acme-prod.scoring.scores").empty());
  CHECK(ir::effectUriProblem("mlflow://models/churn").empty());
  CHECK_FALSE(ir::effectUriProblem("scoring.scores").empty());
  CHECK_FALSE(ir::effectUriProblem("bigquery://").empty());
}

TEST_CASE("where the runtime reads each source's bytes", "[ir][sources]") {
  CHECK(ir::localDataPath(source("file", {{"path", "data/a.csv"}})) == "data/a.csv");
  CHECK(ir::localDataPath(source("http", {{"url", "https://x.example/a.csv"}, {"sha256", kSha}})) ==
        ".mlops/sources/sha256/" + kSha);
  auto git = source("git", {{"url", "file:///tmp/repo"}, {"rev", kCommit}, {"path", "data/a.csv"}});
  std::optional<std::string> path = ir::localDataPath(git);
  REQUIRE(path);
  CHECK(*path == ir::gitCacheFolder("file:///tmp/repo") + "/" + kCommit + "/data/a.csv");
  CHECK(ir::gitCacheFolder("file:///tmp/repo").size() == std::string(".mlops/sources/git/").size() + 16);
  CHECK(ir::gitCacheFolder("file:///tmp/repo") != ir::gitCacheFolder("file:///tmp/other"));
  CHECK_FALSE(ir::localDataPath(source("bigquery", {{"table", "a.b"}})));
  CHECK_FALSE(ir::localDataPath(source("postgres", {{"dsn", "db"}})));
  // A hand-edited IR with a path escaping the repository has no local path.
  CHECK_FALSE(ir::localDataPath(source("git", {{"url", "file:///r"}, {"rev", kCommit}, {"path", "../../x"}})));
  CHECK(ir::sourceFileName(source("http", {{"url", "https://x.example/dir/a.csv?dl=1"}, {"sha256", kSha}})) == "a.csv");
  CHECK(ir::sourceFileName(git) == "data/a.csv");
}

TEST_CASE("a source's problems, as the IR reader reports them", "[ir][sources]") {
  CHECK(ir::sourceProblem(source("gcs", {{"uri", "gs://b/k"}}), false) ==
        "unknown source kind `gcs`: expected one of file, postgres, s3, bigquery, http, git");
  CHECK(ir::sourceProblem(source("http", {{"url", "https://x.example/a"}}), false) == "source `http` needs `sha256`");
  CHECK(ir::sourceProblem(source("http", {{"url", "https://x.example/a"}, {"sha256", kSha}}), false).empty());
  CHECK_FALSE(ir::sourceProblem(source("http", {{"url", "https://x.example/a"}, {"sha256", kSha}}), true).empty());
  CHECK(ir::sourceProblem(source("git", {{"url", "file:///r"}, {"rev", "main"}, {"path", "a"}}), false)
            .rfind("`rev` is not a commit id", 0) == 0);
}

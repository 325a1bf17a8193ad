// The private folder of the files ssh-keygen reads and writes
// (runtime/private_temp_dir.h): only its owner can enter it, files are
// created new and never through a link, and nothing is left behind.
#include "runtime/private_temp_dir.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops::runtime;

TEST_CASE("a private temporary folder is 0700, its files 0600, and it is removed whole", "[runtime][ssh]") {
  std::string error, path, written;
  {
    std::optional<PrivateTempDir> tmp = PrivateTempDir::create(error);
    REQUIRE(tmp);
    path = tmp->path();
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
    CHECK(path.find("/mlopsc-sign.") != std::string::npos);

    std::optional<std::string> file = tmp->write("statement.json", "{}", error);
    REQUIRE(file);
    written = *file;
    REQUIRE(::stat(file->c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(tmp->read("statement.json", 100, error) == "{}");
    CHECK(!tmp->read("statement.json", 1, error));
    CHECK(error.find("is larger than 1 bytes") != std::string::npos);

    // Created new: an existing name (or a link planted there) is refused.
    CHECK(!tmp->write("statement.json", "other", error));
    REQUIRE(::symlink("/etc/passwd", tmp->file("link").c_str()) == 0);
    CHECK(!tmp->write("link", "x", error));
    CHECK(!tmp->read("link", 100000, error));
    CHECK(!tmp->write("../escape", "x", error));
    CHECK(error == "`../escape` is not a plain file name");
    CHECK(tmp->newName(".sig") != tmp->newName(".sig"));

    // What ssh-keygen writes beside (FILE.sig) goes too.
    REQUIRE(std::system(("echo sig > '" + *file + ".sig'").c_str()) == 0);
  }
  CHECK(::access(written.c_str(), F_OK) != 0);
  CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("a private temporary folder goes in an absolute TMPDIR, else /tmp", "[runtime][ssh]") {
  std::string error;
  std::optional<std::string> old;
  if (const char* v = std::getenv("TMPDIR")) old = v;
  ::setenv("TMPDIR", "relative/dir", 1);
  std::optional<PrivateTempDir> tmp = PrivateTempDir::create(error);
  REQUIRE(tmp);
  CHECK(tmp->path().rfind("/tmp/mlopsc-sign.", 0) == 0);
  ::setenv("TMPDIR", "/nonexistent-mlopsc-dir", 1);
  CHECK(!PrivateTempDir::create(error));
  CHECK(error.rfind("cannot create a temporary folder in `/nonexistent-mlopsc-dir`: ", 0) == 0);
  if (old) ::setenv("TMPDIR", old->c_str(), 1);
  else ::unsetenv("TMPDIR");
}

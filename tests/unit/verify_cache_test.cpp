// The per-user cache of ssh-keygen's verdicts (runtime/trust/verify_cache.h):
// where it lives, that `off` turns it off, that a cache that cannot be made
// is no cache, its modes, its key recipe and that verdicts survive a reopen.
#include "runtime/trust/verify_cache.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/stat.h>

using namespace mlops::runtime;
using mlops::testing::shellOutput;

namespace {

// The variables of the cache's location, set for one test and put back.
struct CacheEnv : mlops::testing::ScopedEnv {
  CacheEnv(const char* cache, const char* xdg, const char* home) {
    set("MLOPS_VERIFY_CACHE", cache).set("XDG_CACHE_HOME", xdg).set("HOME", home);
  }
};

}  // namespace

TEST_CASE("the verification cache is found in MLOPS_VERIFY_CACHE, XDG_CACHE_HOME or HOME", "[runtime][verify-cache]") {
  {
    CacheEnv env("/x/v.db", "/xdg", "/home/u");
    CHECK(VerifyCache::location() == "/x/v.db");
  }
  {
    CacheEnv env("off", "/xdg", "/home/u");
    CHECK(!VerifyCache::location());
    CHECK(!VerifyCache::open());
  }
  {
    CacheEnv env(nullptr, "/xdg", "/home/u");
    CHECK(VerifyCache::location() == "/xdg/mlopsc/verified.db");
  }
  {
    CacheEnv env("", "relative", "/home/u");  // a relative XDG_CACHE_HOME is ignored (XDG spec)
    CHECK(VerifyCache::location() == "/home/u/.cache/mlopsc/verified.db");
  }
  {
    CacheEnv env(nullptr, nullptr, nullptr);
    CHECK(!VerifyCache::location());
  }
}

TEST_CASE("verdicts are kept per user, 0700 and 0600, across openings", "[runtime][verify-cache]") {
  mlops::testing::ScratchTree s("mlops-verify-cache");
  std::string path = s.path("cache/mlopsc/verified.db");
  std::string k1 = VerifyCache::key("payload 1", "sig 1", std::string(64, '3'));
  std::string k2 = VerifyCache::key("payload 2", "sig 2", std::string(64, '3'));
  {
    std::unique_ptr<VerifyCache> cache = VerifyCache::openAt(path);
    REQUIRE(cache);
    CHECK(cache->lookup({k1, k2}) == std::vector<std::optional<CachedVerdict>>{std::nullopt, std::nullopt});
    cache->insert({{k1, {true, ""}}, {k2, {false, "Signature verification failed: incorrect signature"}}});
  }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  REQUIRE(::stat(s.path("cache/mlopsc").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);

  std::unique_ptr<VerifyCache> again = VerifyCache::openAt(path);
  REQUIRE(again);
  std::vector<std::optional<CachedVerdict>> found =
      again->lookup({k2, VerifyCache::key("payload 1", "sig 1", std::string(64, '4')), k1});
  REQUIRE(found.size() == 3);
  CHECK(found[0] == CachedVerdict{false, "Signature verification failed: incorrect signature"});
  CHECK(!found[1]);  // another signers file: another key
  CHECK(found[2] == CachedVerdict{true, ""});
}

TEST_CASE("a verification cache that cannot be made is no cache", "[runtime][verify-cache]") {
  mlops::testing::ScratchTree s("mlops-verify-cache");
  std::string file = s.path("a-file");
  REQUIRE(std::system(("touch '" + file + "'").c_str()) == 0);
  CHECK(!VerifyCache::openAt(file + "/mlopsc/verified.db"));  // a file where a folder should be
  REQUIRE(::mkdir(s.path("folder").c_str(), 0700) == 0);
  CHECK(!VerifyCache::openAt(s.path("folder")));  // a folder where the file should be
  REQUIRE(::symlink(file.c_str(), s.path("link.db").c_str()) == 0);
  CHECK(!VerifyCache::openAt(s.path("link.db")));  // never through a link
  REQUIRE(std::system(("printf 'not sqlite at all, not at all' > '" + s.path("junk.db") + "'").c_str()) == 0);
  CHECK(!VerifyCache::openAt(s.path("junk.db")));
}

TEST_CASE("the cache key covers payload, signature and signers file", "[runtime][verify-cache]") {
  // The recipe of docs and design, recomputed with coreutils.
  std::string signers(64, 'a');
  std::string expected = shellOutput(
      "printf 'mlops-verify 1\\n%s\\n%s\\n%s' \"$(printf 'the payload' | sha256sum | cut -c1-64)\" "
      "\"$(printf 'the signature' | sha256sum | cut -c1-64)\" " + signers + " | sha256sum | cut -c1-64");
  CHECK(VerifyCache::key("the payload", "the signature", signers) + "\n" == expected);
  CHECK(VerifyCache::key("the payload!", "the signature", signers) != VerifyCache::key("the payload", "the signature", signers));
}

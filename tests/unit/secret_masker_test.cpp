// Masking secret values in a node's output on its way to the log
// (runtime/secret_masker.h) and through a real process (runtime/exec/process.h):
// every form of every value, however the output is cut into chunks.
#include "runtime/exec/process.h"
#include "runtime/secret_masker.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include <sys/stat.h>

using namespace mlops::runtime;

namespace {

std::string maskInChunks(const std::vector<std::string>& values, const std::string& text, size_t chunk) {
  SecretMasker masker(values);
  std::string out;
  for (size_t at = 0; at < text.size(); at += chunk) out += masker.feed(std::string_view(text).substr(at, chunk));
  return out + masker.finish();
}

}  // namespace

TEST_CASE("security item 9: a value is masked however the output is cut", "[runtime][secrets][security]") {
  std::vector<std::string> values = {"tok-secret-123", "hunter22"};
  std::string text = "a tok-secret-123 b hunter22 c tok-secret-12 d tok-secret-123tok-secret-123\n";
  std::string expected = "a *** b *** c tok-secret-12 d ******\n";
  for (size_t chunk = 1; chunk <= text.size(); ++chunk) {
    INFO("chunks of " << chunk << " bytes");
    CHECK(maskInChunks(values, text, chunk) == expected);
  }
}

TEST_CASE("security item 9: a value split between two writes is masked", "[runtime][secrets][security]") {
  SecretMasker masker({"tok-secret-123"});
  std::string written = masker.feed("token: tok-sec");
  CHECK(written == "token: ");  // the possible start of a value waits
  written += masker.feed("ret-123 done\n");
  written += masker.finish();
  CHECK(written == "token: *** done\n");
}

TEST_CASE("security item 9: what only looks like the start of a value comes out at the end", "[runtime][secrets][security]") {
  SecretMasker masker({"tok-secret-123"});
  std::string written = masker.feed("almost tok-sec");
  CHECK(written == "almost ");
  CHECK(written + masker.finish() == "almost tok-sec");
}

TEST_CASE("security item 9: base64 and URL-encoded forms are masked", "[runtime][secrets][security]") {
  // Its standard and URL-safe base64 are the same here: listed once.
  CHECK(SecretMasker::forms("tok/Secret+4242=xyz") ==
        std::vector<std::string>{"tok/Secret+4242=xyz", "dG9rL1NlY3JldCs0MjQyPXh5eg", "tok%2FSecret%2B4242%3Dxyz"});
  CHECK(maskInChunks({"tok/Secret+4242=xyz"}, "b64=dG9rL1NlY3JldCs0MjQyPXh5eg==\nurl=tok%2FSecret%2B4242%3Dxyz\n", 5) ==
        "b64=***==\nurl=***\n");
  // URL-safe and standard base64, padded or not, and the percent-encoding.
  CHECK(maskInChunks({"a?b/c~d"}, "YT9iL2N-ZA and YT9iL2N+ZA== and a%3Fb%2Fc~d\n", 3) == "*** and ***== and ***\n");
}

TEST_CASE("security item 9: values shorter than 4 bytes are not masked", "[runtime][secrets][security]") {
  SecretMasker masker({"abc", ""});
  CHECK(!masker.active());
  CHECK(masker.feed("abc") + masker.finish() == "abc");
}

TEST_CASE("security item 9: a command's output reaches its log masked, and the log stays 0600", "[runtime][secrets][security]") {
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-masker", dir));
  std::string log = (dir + "/node.log").str();
  // The value in two writes with a pause between them: two reads of the pipe.
  ProcessSpec spec{"printf 'v=%s' \"${V%???????}\"; sleep 0.2; printf '%s\\n' \"${V#????????}\"; echo \"err $V\" >&2",
                   dir.str().str(),
                   {{"PATH", "/usr/bin:/bin"}, {"V", "s3cr3t-value-42"}},
                   log,
                   {"s3cr3t-value-42"}};
  std::string error;
  ProcessResult r = runProcess(spec, std::nullopt, 1, error);
  CHECK(error.empty());
  CHECK(r.succeeded());
  auto text = llvm::MemoryBuffer::getFile(log);
  REQUIRE(text);
  CHECK((*text)->getBuffer().str() == "v=***\nerr ***\n");
  struct stat st {};
  REQUIRE(::stat(log.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  llvm::sys::fs::remove_directories(dir);
}

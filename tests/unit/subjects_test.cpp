// The SHA-256 subjects an approval signs (runtime/trust/subjects.h): a file's is
// what `sha256sum` prints, a folder's what the coreutils recipe of
// docs/attest.md gives, read in the same pass as the XXH3 artifact (equal
// to currentOutputs'); folders the recipe cannot describe are refused with
// the reason.
#include "runtime/approvals.h"
#include "runtime/trust/subjects.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace mlops;
using namespace mlops::runtime;
using mlops::testing::shellOutput;

namespace {

std::string sha256sumOf(const std::string& command) {
  std::string out = shellOutput(command);
  return out.substr(0, out.find(' '));
}

ir::Node modelWith(std::vector<std::pair<std::string, std::string>> outputs) {
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.name = "scorer";
  model.outputs = std::move(outputs);
  return model;
}

}  // namespace

TEST_CASE("subjects are sha256sum's digests, read with the artifact digest", "[runtime][subjects]") {
  mlops::testing::ScratchTree s("mlops-subjects");
  const std::string root = s.root();
  REQUIRE(std::system(("cd '" + root + "' && mkdir -p build/model/variables build/model/b-c build/empty-dir && "
                       "printf 'weights' > build/model/variables/data && printf 'x' > build/model/b-c/z && "
                       "printf 'saved' > build/model/saved_model.pb && printf 'y' > build/model/a && "
                       "mkdir build/model/emptyinside && printf '{}' > build/metrics.json")
                          .c_str()) == 0);
  ir::Node model = modelWith({{"model", "build/model"}, {"metrics", "build/metrics.json"}});
  std::string missing;
  std::optional<TrustedOutputs> trusted = trustedOutputs(model, root, missing);
  REQUIRE(trusted);
  CHECK(trusted->unsignable.empty());
  REQUIRE(trusted->subjects.size() == 2);
  CHECK(trusted->subjects[0].name == "build/model/");
  CHECK(trusted->subjects[0].sha256 ==
        sha256sumOf("cd '" + root + "/build/model' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum "
                    "| sha256sum"));
  CHECK(trusted->subjects[1] == Subject{"build/metrics.json", sha256sumOf("sha256sum '" + root + "/build/metrics.json'")});

  std::optional<NodeSuccess> current = currentOutputs(model, root, missing);
  REQUIRE(current);
  CHECK(artifactDigest(trusted->outputs) == artifactDigest(*current));
  CHECK(trusted->outputs.outputs == current->outputs);

  REQUIRE(::unlink((root + "/build/metrics.json").c_str()) == 0);
  CHECK(!trustedOutputs(model, root, missing));
  CHECK(missing == "build/metrics.json");
}

TEST_CASE("folders the sha256sum recipe cannot describe are not signed", "[runtime][subjects]") {
  mlops::testing::ScratchTree s("mlops-subjects");
  const std::string root = s.root();
  auto unsignable = [&](const std::string& setup) {
    REQUIRE(std::system(("cd '" + root + "' && rm -rf out && mkdir out && printf 1 > out/ok && " + setup).c_str()) == 0);
    std::string missing;
    std::optional<TrustedOutputs> t = trustedOutputs(modelWith({{"m", "out"}}), root, missing);
    REQUIRE(t);
    CHECK(t->subjects.empty());
    CHECK(t->outputs.outputs.size() == 1);  // the artifact digest is still there
    return t->unsignable;
  };
  CHECK(unsignable("ln -s ok out/link") == "the folder holds the symbolic link `out/link`");
  CHECK(unsignable("printf 2 > 'out/back\\slash'") ==
        "the folder holds `out/back\\slash`, whose name has a backslash, line feed or carriage return");
  CHECK(unsignable("printf 2 > \"out/line$(printf '\\nx')\"") ==
        "the folder holds `out/line\\nx`, whose name has a backslash, line feed or carriage return");
  CHECK(unsignable("rm out/ok && mkdir out/sub") == "the folder `out` holds no file");
}

// The code a node runs (runtime/code_files.h): the project files its command
// names and its declared `code`, so that editing a script reruns the node.
#include "runtime/code_files.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

using namespace mlops;
using namespace mlops::runtime;

namespace {

void write(const std::string& path, const std::string& text) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  REQUIRE(!ec);
  out << text;
}

}  // namespace

TEST_CASE("command words: blanks and shell operators split, quotes removed", "[runtime][code]") {
  CHECK(commandWords("python3 steps/train.py --c 0.5") ==
        std::vector<std::string>{"python3", "steps/train.py", "--c", "0.5"});
  CHECK(commandWords("./a.sh && sh 'b c.sh'|wc -l<in;(cd x)") ==
        std::vector<std::string>{"./a.sh", "sh", "b c.sh", "wc", "-l", "in", "cd", "x"});
  // What the command writes is not its code: `>>` appends to a log.
  CHECK(commandWords("./deploy.sh m.json >> rollout.log 2>err.txt >&2; echo x > out") ==
        std::vector<std::string>{"./deploy.sh", "m.json", "echo", "x"});
  CHECK(commandWords("echo \"a \\\"b\\\"\" c\\ d") == std::vector<std::string>{"echo", "a \"b\"", "c d"});
  CHECK(commandWords("").empty());
}

TEST_CASE("code paths: named project files, declared files and folders", "[runtime][code]") {
  llvm::SmallString<128> root;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-code", root));
  std::string r = root.str().str();
  REQUIRE(!llvm::sys::fs::create_directories(r + "/steps"));
  REQUIRE(!llvm::sys::fs::create_directories(r + "/src/pkg"));
  REQUIRE(!llvm::sys::fs::create_directories(r + "/data"));
  write(r + "/steps/train.py", "");
  write(r + "/conf.yaml", "");
  write(r + "/data/raw.csv", "");
  ir::PipelineGraph g;
  ir::Node data;
  data.kind = ir::NodeKind::Data;
  data.id = "data:raw";
  data.source = {"file", {{"path", "data/raw.csv"}}};
  g.nodes.push_back(data);
  ir::Node m;
  m.kind = ir::NodeKind::Model;
  m.id = "model:m";
  m.inputs = {{"data:raw", "", "raw"}};
  m.outputs = {{"model", "build/m.json"}};
  m.run = "python3 ./steps/train.py --config=conf.yaml --data data/raw.csv ${inputs.raw} > build/m.json";
  std::string error;
  std::optional<std::vector<std::string>> code = codePaths(g, m, r, error);
  REQUIRE(code);
  // `data/raw.csv` is an input and `build/m.json` an output: keyed as such.
  CHECK(*code == std::vector<std::string>{"conf.yaml", "steps/train.py"});

  m.code = {"src/", "steps/train.py"};
  code = codePaths(g, m, r, error);
  REQUIRE(code);
  CHECK(*code == std::vector<std::string>{"conf.yaml", "src", "steps/train.py"});

  m.code = {"lib/missing.py"};
  CHECK(!codePaths(g, m, r, error));
  CHECK(error == "code `lib/missing.py` does not exist (declared in `code`)");
  m.code = {"../outside"};
  CHECK(!codePaths(g, m, r, error));

  m.code.clear();
  m.run = "cp ${inputs.raw} ${outputs.model}";
  code = codePaths(g, m, r, error);
  REQUIRE(code);
  CHECK(code->empty());  // a command that names no project file has no code
  llvm::sys::fs::remove_directories(root);
}

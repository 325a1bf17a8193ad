// The params file reader (sema/params_file.h): YAML and JSON into dotted
// leaves with YAML 1.2 core-schema scalars, and every hostile input refused
// with a message and an offset, quickly, instead of expanded or trusted.
#include "sema/params_file.h"

#include <catch2/catch.hpp>

#include <string>

using mlops::sema::ParamsFileError;
using mlops::sema::ParamsFileLeaf;
using mlops::sema::readParamsFile;

namespace {

std::vector<ParamsFileLeaf> read(const std::string& text) {
  std::vector<ParamsFileLeaf> out;
  ParamsFileError error;
  INFO(error.message);
  REQUIRE(readParamsFile(text, out, error));
  return out;
}

ParamsFileError refused(const std::string& text) {
  std::vector<ParamsFileLeaf> out;
  ParamsFileError error;
  CHECK_FALSE(readParamsFile(text, out, error));
  return error;
}

}  // namespace

TEST_CASE("a DVC params.yaml becomes dotted leaves with typed values", "[params]") {
  auto leaves = read("prepare:\n  split: 0.20\n  seed: 20170428\ntrain:\n  n_est: 50\n  name: rf\n  on: true\n"
                     "  quoted: \"50\"\n  layers: [64, 32]\n  none:\n  hex: 0x1f\n  empty: {}\n");
  REQUIRE(leaves.size() == 10);
  CHECK(leaves[0].key == "prepare.split");
  CHECK(leaves[0].value.is_number_float());
  CHECK(leaves[0].value.get<double>() == 0.2);
  CHECK(leaves[1].key == "prepare.seed");
  CHECK(leaves[1].value.get<int64_t>() == 20170428);
  CHECK(leaves[2].value.is_number_integer());
  CHECK(leaves[3].value == "rf");
  CHECK(leaves[4].value == true);
  CHECK(leaves[5].value == "50");  // quoted: a string
  CHECK(leaves[6].value.dump() == "[64,32]");
  CHECK(leaves[7].value.is_null());
  CHECK(leaves[8].value.get<int64_t>() == 31);
  CHECK(leaves[9].key == "train.empty");
  CHECK(leaves[9].value.dump() == "{}");
  // The offset of a key in the file: `seed` on line 3.
  CHECK(leaves[1].offset == std::string("prepare:\n  split: 0.20\n  ").size());
}

TEST_CASE("a JSON params file is read by the same reader", "[params]") {
  auto leaves = read(R"({"train": {"n_est": 50, "lr": 1e-3, "name": "rf", "tags": ["a", "b"]}, "seed": -1})");
  REQUIRE(leaves.size() == 5);
  CHECK(leaves[0].key == "train.n_est");
  CHECK(leaves[1].value.get<double>() == 0.001);
  CHECK(leaves[3].value.dump() == R"(["a","b"])");
  CHECK(leaves[4].key == "seed");
  CHECK(leaves[4].value.get<int64_t>() == -1);
}

TEST_CASE("hostile and malformed params files are refused with a position", "[params]") {
  // A billion laughs: refused at the first alias, never expanded.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  ParamsFileError e = refused(bomb);
  CHECK(e.message.find("an alias") == 0);
  CHECK(e.offset == bomb.find('*'));

  e = refused("train:\n  n_est: 50\n  n_est: 60\n");
  CHECK(e.message == "key `n_est` appears twice in this map");
  CHECK(e.offset == std::string("train:\n  n_est: 50\n  ").size());

  std::string deep;
  for (int i = 0; i < 40; ++i) deep += std::string(static_cast<size_t>(i) * 2, ' ') + "k" + std::to_string(i) + ":\n";
  deep += std::string(80, ' ') + "v: 1\n";
  CHECK(refused(deep).message == "nesting deeper than 32 levels");
  // Deep flow nesting stops at the same limit, before yaml-cpp's own.
  CHECK(refused("a: " + std::string(5000, '[') + std::string(5000, ']') + "\n").message ==
        "nesting deeper than 32 levels");

  std::string many = "a: [";
  for (int i = 0; i < 100001; ++i) many += "1,";
  many += "1]\n";
  CHECK(refused(many).message.find("more than 100000 values") == 0);

  CHECK(refused("- a\n- b\n").message == "a list at the top level: expected a map of parameters");
  CHECK(refused("just text\n").message.find("a single value") == 0);
  CHECK(refused("").message.find("no parameters") == 0);
  CHECK(refused("a: 1\n---\nb: 2\n").message.find("a second YAML document") == 0);
  CHECK(refused("a: !!python/object:os.system 1\n").message.find("tag `") == 0);
  CHECK(refused("a: .inf\n").message.find("is not a finite number") != std::string::npos);
  CHECK(refused("a: 99999999999999999999\n").message.find("out of range") != std::string::npos);
  CHECK(refused("\"a.b\": 1\n").message.find("cannot be read as `${params.a.b}`") != std::string::npos);
  CHECK(refused("[a]: 1\n").message.find("expected a name") != std::string::npos);
  ParamsFileError syntax = refused("a: [1, 2\nb: 3\n");
  CHECK(syntax.message.find("not valid YAML or JSON") == 0);
}

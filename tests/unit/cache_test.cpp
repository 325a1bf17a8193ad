// The runtime's cache verdicts (runtime/cache.h): up to date only when every
// part of the key and every output matches, and otherwise the first change,
// in words --explain prints.
#include "runtime/cache.h"

#include <catch2/catch.hpp>

using namespace mlops::runtime;

namespace {

CacheParts parts() {
  CacheParts p;
  p.command = hashBytes("python3 train.py --c 0.5");
  p.params = {{"c", "0.5"}, {"max_iter", "200"}};
  p.inputs = {{"build/features.csv", hashBytes("features")}};
  p.envNames = {"SEED"};
  p.runtimeVersion = "0.1.0";
  return p;
}

const std::vector<std::pair<std::string, Digest>> kWrote = {{"build/m.json", hashBytes("model")}};

std::string why(const CacheParts& now, std::vector<std::pair<std::string, std::optional<Digest>>> outputs =
                                           {{"build/m.json", hashBytes("model")}}) {
  Verdict v = judge(parts(), now, kWrote, outputs);
  return v.upToDate ? "up to date" : v.why;
}

}  // namespace

TEST_CASE("a node is up to date only when nothing changed", "[runtime][cache]") {
  CHECK(why(parts()) == "up to date");
  CHECK(judge(std::nullopt, parts(), {}, {}).why == "never ran");

  CacheParts p = parts();
  p.command = hashBytes("python3 train.py --c 0.7");
  CHECK(why(p) == "command changed");
  p = parts();
  p.params[0].second = "0.7";
  CHECK(why(p) == "parameter `c` changed (0.5 → 0.7)");
  // Interpolated, a parameter changes the command too: the parameter is named.
  p.command = hashBytes("python3 train.py --c 0.7");
  CHECK(why(p) == "parameter `c` changed (0.5 → 0.7)");
  p = parts();
  p.params.pop_back();
  CHECK(why(p) == "parameter `max_iter` removed");
  p = parts();
  p.inputs[0].second = hashBytes("features v2");
  CHECK(why(p) == "input `build/features.csv` changed");
  p = parts();
  p.inputs.emplace_back("data/extra.csv", hashBytes("x"));
  CHECK(why(p) == "input `data/extra.csv` added");
  p = parts();
  p.envNames.push_back("TZ");
  CHECK(why(p) == "declared environment changed");
  p = parts();
  p.runtimeVersion = "0.2.0";
  CHECK(why(p) == "the runtime changed (0.1.0 → 0.2.0)");
  p = parts();
  p.code = {{"steps/train.py", hashBytes("print(1)")}};
  CHECK(why(p) == "code `steps/train.py` added");
  CacheParts withCode = p;
  p.code[0].second = hashBytes("print(2)");
  CHECK(judge(withCode, p, kWrote, {{"build/m.json", hashBytes("model")}}).why == "code `steps/train.py` changed");
  CHECK(judge(withCode, parts(), kWrote, {{"build/m.json", hashBytes("model")}}).why == "code `steps/train.py` removed");
  CHECK(judge(withCode, withCode, kWrote, {{"build/m.json", hashBytes("model")}}).upToDate);
  std::optional<CacheParts> back = CacheParts::fromJson(withCode.toJson());
  REQUIRE(back);
  CHECK(back->code == withCode.code);
  // A node without code keeps the key it had before code was keyed.
  CHECK(parts().toJson().find("code") == std::string::npos);
  CHECK(why(parts(), {{"build/m.json", std::nullopt}}) == "output `build/m.json` missing");
  CHECK(why(parts(), {{"build/m.json", hashBytes("edited")}}) == "output `build/m.json` changed since it was written");
}

TEST_CASE("the key parts survive the state store's JSON", "[runtime][cache]") {
  CacheParts p = parts();
  std::optional<CacheParts> back = CacheParts::fromJson(p.toJson());
  REQUIRE(back);
  CHECK(back->key() == p.key());
  CHECK(why(*back) == "up to date");
  CHECK(!CacheParts::fromJson("{}"));
  CHECK(!CacheParts::fromJson("not json"));
  CacheParts other = parts();
  other.params[1].second = "300";
  CHECK(!(other.key() == p.key()));
}

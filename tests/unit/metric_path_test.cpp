// Key paths (compiler/ir/metric_path.h): `metrics.roc_auc.test` and
// `metrics["roc-auc"]` read nested objects one key per level, each key whole
// (never split at a dot), and are shown as the user writes them.
#include "ir/metric_path.h"

#include <catch2/catch.hpp>

using mlops::ir::keyPathText;
using mlops::ir::valueAtKeys;

TEST_CASE("a key path is shown as written", "[ir][metric_path]") {
  CHECK(keyPathText(std::vector<std::string>{"metrics", "auc"}) == "metrics.auc");
  CHECK(keyPathText(std::vector<std::string>{"metrics", "roc_auc", "test"}) == "metrics.roc_auc.test");
  CHECK(keyPathText(std::vector<std::string>{"metrics", "roc-auc"}) == "metrics[\"roc-auc\"]");
  CHECK(keyPathText(std::vector<std::string>{"live", "eval.loss", "p95"}) == "live[\"eval.loss\"].p95");
  // Quotes, backslashes and control characters are escaped as .mlops strings.
  CHECK(keyPathText(std::vector<std::string>{"metrics", "a\"b\\c\n\x01"}) == "metrics[\"a\\\"b\\\\c\\n\\u{1}\"]");
  CHECK(keyPathText(std::vector<std::string>{"metrics", "1st"}) == "metrics[\"1st\"]");
}

TEST_CASE("a key path walks nested objects", "[ir][metric_path]") {
  auto doc = nlohmann::ordered_json::parse(R"({"auc": 0.9, "roc_auc": {"test": 0.8}, "a.b": 1, "list": [1, 2]})");
  CHECK(valueAtKeys(doc, std::vector<std::string>{"auc"})->get<double>() == 0.9);
  CHECK(valueAtKeys(doc, std::vector<std::string>{"roc_auc", "test"})->get<double>() == 0.8);
  CHECK(valueAtKeys(doc, std::vector<std::string>{"a.b"})->get<double>() == 1);
  CHECK(valueAtKeys(doc, std::vector<std::string>{"a", "b"}) == nullptr);      // not split at the dot
  CHECK(valueAtKeys(doc, std::vector<std::string>{"auc", "x"}) == nullptr);    // a number has no keys
  CHECK(valueAtKeys(doc, std::vector<std::string>{"list", "0"}) == nullptr);   // nor a list
  CHECK(valueAtKeys(doc, std::vector<std::string>{"missing"}) == nullptr);
  CHECK(valueAtKeys(doc, std::vector<std::string>{"roc_auc"})->is_object());
}

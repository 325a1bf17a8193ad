// Drift (runtime/drift.h): the population stability index of a column
// against the profile stored at a gate pass — zero for the same data, small
// for a resample, large for a shift, for numbers (decile bins) and
// categories (shares), and an unreadable profile is an error, not a pass.
#include "runtime/drift.h"

#include <catch2/catch.hpp>

#include <random>

using namespace mlops::runtime;

namespace {

DataTable numbers(unsigned seed, double mean, size_t n = 2000) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(mean, 10);
  DataTable t;
  t.header = {"income"};
  for (size_t i = 0; i < n; ++i) t.rows.push_back({std::to_string(dist(rng))});
  t.rows.push_back({""});  // a null: left out
  return t;
}

DataTable categories(size_t north, size_t south) {
  DataTable t;
  t.header = {"region"};
  for (size_t i = 0; i < north; ++i) t.rows.push_back({"north"});
  for (size_t i = 0; i < south; ++i) t.rows.push_back({"south"});
  return t;
}

double psi(const std::string& profile, const DataTable& t) {
  std::string error;
  std::optional<double> v = populationStabilityIndex(profile, t, 0, error);
  INFO(error);
  REQUIRE(v);
  return *v;
}

}  // namespace

TEST_CASE("PSI of a numeric column against its reference", "[runtime][drift]") {
  DataTable reference = numbers(1, 50);
  std::string profile = buildProfile(reference, 0);
  CHECK(profile.find("\"kind\":\"numeric\"") != std::string::npos);
  CHECK(psi(profile, reference) == Approx(0).margin(1e-9));
  CHECK(psi(profile, numbers(2, 50)) < 0.05);   // a resample: stable
  CHECK(psi(profile, numbers(3, 55)) > 0.1);    // half a deviation: moderate
  CHECK(psi(profile, numbers(4, 75)) > 1.0);    // far away: significant
}

TEST_CASE("PSI of a categorical column against its reference", "[runtime][drift]") {
  std::string profile = buildProfile(categories(500, 500), 0);
  CHECK(profile.find("\"kind\":\"categorical\"") != std::string::npos);
  CHECK(psi(profile, categories(50, 50)) == Approx(0).margin(1e-9));
  // 0.9/0.1 against 0.5/0.5: (0.4 ln 1.8) + (-0.4 ln 0.2) = 0.879
  CHECK(psi(profile, categories(90, 10)) == Approx(0.4 * std::log(1.8) - 0.4 * std::log(0.2)).epsilon(1e-6));
  DataTable withNew = categories(50, 50);
  withNew.rows.push_back({"east"});
  CHECK(psi(profile, withNew) > 0);  // an unseen value counts
}

TEST_CASE("drift that cannot be measured is an error", "[runtime][drift]") {
  std::string error;
  DataTable text = categories(5, 5);
  std::string numeric = buildProfile(numbers(1, 50), 0);
  CHECK_FALSE(populationStabilityIndex(numeric, text, 0, error));
  CHECK(error == "column `region` was numeric at the reference but now holds text");
  CHECK_FALSE(populationStabilityIndex("not json", text, 0, error));
  CHECK(error == "the stored reference profile of `region` is unreadable");
  CHECK_FALSE(populationStabilityIndex("{\"kind\": \"numeric\", \"shares\": 3}", numbers(1, 50), 0, error));
  DataTable empty;
  empty.header = {"income"};
  CHECK_FALSE(populationStabilityIndex(numeric, empty, 0, error));
  CHECK(error == "column `income` has no values to compare with the reference");
}

#include "runtime/drift.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace mlops::runtime {
namespace {

constexpr double kFloor = 0.0001;


// The non-null values of a column as numbers, or nullopt when one is not.
std::optional<std::vector<double>> numbers(const DataTable& table, size_t column) {
  std::vector<double> out;
  for (const auto& row : table.rows) {
    if (isNull(row[column])) continue;
    std::optional<double> v = parseNumber(row[column]);
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

size_t binOf(const std::vector<double>& edges, double v) {
  return static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

double psiTerm(double expected, double actual) {
  expected = std::max(expected, kFloor);
  actual = std::max(actual, kFloor);
  return (actual - expected) * std::log(actual / expected);
}

}  // namespace

std::string buildProfile(const DataTable& table, size_t column) {
  nlohmann::ordered_json profile;
  if (std::optional<std::vector<double>> values = numbers(table, column); values && !values->empty()) {
    std::vector<double> sorted = *values;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> edges;
    for (int decile = 1; decile < 10; ++decile) {
      double e = sorted[std::min(sorted.size() - 1, sorted.size() * static_cast<size_t>(decile) / 10)];
      if (edges.empty() || e > edges.back()) edges.push_back(e);
    }
    std::vector<double> shares(edges.size() + 1, 0.0);
    for (double v : sorted) shares[binOf(edges, v)] += 1.0 / static_cast<double>(sorted.size());
    profile = {{"kind", "numeric"}, {"edges", edges}, {"shares", shares}, {"count", sorted.size()}};
  } else {
    std::map<std::string, double> shares;
    size_t count = 0;
    for (const auto& row : table.rows)
      if (!isNull(row[column])) ++count;
    for (const auto& row : table.rows)
      if (!isNull(row[column])) shares[row[column]] += 1.0 / static_cast<double>(count);
    profile = {{"kind", "categorical"}, {"shares", shares}, {"count", count}};
  }
  return profile.dump();
}

std::optional<double> psiOf(const nlohmann::json& profile, const DataTable& table, size_t column, std::string& error);

std::optional<double> populationStabilityIndex(const std::string& text, const DataTable& table, size_t column,
                                               std::string& error) {
  try {
    return psiOf(nlohmann::json::parse(text), table, column, error);
  } catch (const nlohmann::json::exception&) {
    error = "the stored reference profile of `" + table.header[column] + "` is unreadable";
    return std::nullopt;
  }
}

std::optional<double> psiOf(const nlohmann::json& profile, const DataTable& table, size_t column, std::string& error) {
  if (!profile.is_object() || !profile.contains("kind") || !profile.contains("shares")) {
    error = "the stored reference profile of `" + table.header[column] + "` is unreadable";
    return std::nullopt;
  }
  double psi = 0;
  if (profile["kind"] == "numeric") {
    std::optional<std::vector<double>> values = numbers(table, column);
    if (!values) {
      error = "column `" + table.header[column] + "` was numeric at the reference but now holds text";
      return std::nullopt;
    }
    if (values->empty()) {
      error = "column `" + table.header[column] + "` has no values to compare with the reference";
      return std::nullopt;
    }
    std::vector<double> edges = profile.value("edges", std::vector<double>());
    std::vector<double> expected = profile["shares"].get<std::vector<double>>();
    if (expected.size() != edges.size() + 1) {
      error = "the stored reference profile of `" + table.header[column] + "` is unreadable";
      return std::nullopt;
    }
    std::vector<double> actual(expected.size(), 0.0);
    for (double v : *values) actual[binOf(edges, v)] += 1.0 / static_cast<double>(values->size());
    for (size_t b = 0; b < expected.size(); ++b) psi += psiTerm(expected[b], actual[b]);
    return psi;
  }
  std::map<std::string, double> actual;
  size_t count = 0;
  for (const auto& row : table.rows)
    if (!isNull(row[column])) ++count;
  if (count == 0) {
    error = "column `" + table.header[column] + "` has no values to compare with the reference";
    return std::nullopt;
  }
  for (const auto& row : table.rows)
    if (!isNull(row[column])) actual[row[column]] += 1.0 / static_cast<double>(count);
  std::map<std::string, double> expected = profile["shares"].get<std::map<std::string, double>>();
  for (const auto& [value, share] : expected) psi += psiTerm(share, actual.count(value) ? actual[value] : 0.0);
  for (const auto& [value, share] : actual)
    if (!expected.count(value)) psi += psiTerm(0.0, share);
  return psi;
}

}  // namespace mlops::runtime

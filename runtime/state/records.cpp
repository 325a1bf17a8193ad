#include "runtime/state/records.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <string_view>

namespace mlops::runtime {

std::string utcTimestamp() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string joinedRunStatus(const std::string& current, const std::string& finished) {
  auto rank = [](const std::string& status) {
    if (status == "failed") return 4;
    if (status == "interrupted") return 3;
    if (status == "waiting") return 2;
    if (status == "succeeded") return 1;
    return 0;  // running: no job finished yet
  };
  return rank(finished) >= rank(current) ? finished : current;
}

std::string recordedJobId(const std::string& text) {
  // The longest well-formed value: 16 × "slurm:" + 20 digits, 15 spaces.
  if (text.size() > kMaxRecordedJobIds * 27) return "";
  size_t ids = 0, at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    std::string_view id(text.data() + at, end - at);
    std::string_view digits = id.substr(std::min<size_t>(6, id.size()));
    if (id.substr(0, 6) != "slurm:" || digits.empty() || digits.size() > 20 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos || ++ids > kMaxRecordedJobIds)
      return "";
    if (end == text.size()) return text;
    at = end + 1;
    if (at == text.size()) return "";  // a trailing space
  }
  return text;
}

namespace {

const std::vector<std::pair<std::string, std::vector<std::string>>>& tables() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> all = {
      {"runs", {"id", "started_at", "finished_at", "status", "ir_digest", "noop_of", "external_id"}},
      {"graphs", {"digest", "json"}},
      {"node_results",
       {"run", "node", "status", "exit_code", "seconds", "why", "cpu_seconds", "max_rss_bytes", "job_id"}},
      {"artifacts", {"run", "model", "digest", "metrics", "at", "subjects"}},
      {"approvals",
       {"id", "gate", "role", "email", "comment", "artifact", "at", "prev_hash", "hash", "payload", "signature",
        "signing_key"}},
      {"gate_passes",
       {"id", "gate", "model", "artifact", "run", "at", "approvals_count", "approvals_head", "metrics", "policy",
        "prev_hash", "hash", "evidence"}},
      {"reference_profiles", {"gate_pass", "data", "column_name", "profile"}},
      {"kpi_readings",
       {"run", "kpi", "metric", "value", "target", "met", "model", "artifact", "source", "node", "origin", "at"}},
      {"ab_conclusions",
       {"run", "deploy", "model", "artifact", "metric", "stage", "decision", "action", "conclusion", "summary", "at"}},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& stateTableNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, columns] : tables()) out.push_back(name);
    return out;
  }();
  return names;
}

const std::vector<std::string>* stateTableColumns(const std::string& name) {
  for (const auto& [table, columns] : tables())
    if (table == name) return &columns;
  return nullptr;
}

bool isRealColumn(const std::string& table, const std::string& column) {
  return (table == "node_results" && (column == "seconds" || column == "cpu_seconds")) ||
         (table == "kpi_readings" && column == "value");
}

std::string exactReal(double value) {
  char buffer[64];
  auto [out, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, out) : "0";
}

std::string exportedCell(const std::string& table, const std::string& column, const std::string& text) {
  if (!isRealColumn(table, column)) return text;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return text;
  return exactReal(value);
}

}  // namespace mlops::runtime

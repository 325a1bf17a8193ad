#include "runtime/exec/slurm_job_state.h"

#include <array>
#include <cctype>

namespace mlops::runtime {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool allDigits(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "CANCELLED by 1000" → "CANCELLED"; states are upper-case words with `_`.
std::string stateWord(std::string_view s) {
  s = trim(s);
  size_t end = 0;
  while (end < s.size() && (std::isupper(static_cast<unsigned char>(s[end])) || s[end] == '_')) ++end;
  return std::string(s.substr(0, end));
}

std::string cleanReason(std::string_view r) {
  r = trim(r);
  if (r == "None" || r == "(null)") return "";
  // Printed in the summary: at most one line of printable text.
  std::string out;
  for (char c : r.substr(0, 200)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

}  // namespace

bool slurmStateFinal(std::string_view state) {
  static constexpr std::array<std::string_view, 12> kFinal = {
      "COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL",
      "DEADLINE", "REVOKED", "SPECIAL_EXIT", "LAUNCH_FAILED"};
  for (std::string_view f : kFinal)
    if (state == f) return true;
  return false;
}

bool slurmReasonHopeless(std::string_view reason) {
  // "launch failed requeued held": SLURM could not start it on the node it
  // chose, requeued it and held it; it waits for an administrator's
  // `scontrol release`, so for this run it is a failed attempt.
  static constexpr std::array<std::string_view, 10> kNever = {
      "PartitionConfig", "PartitionNodeLimit", "PartitionTimeLimit", "BadConstraints", "InvalidAccount",
      "InvalidQOS", "DependencyNeverSatisfied", "AccountNotAllowed", "QOSNotAllowed", "launch failed requeued held"};
  for (std::string_view r : kNever)
    if (reason == r) return true;
  return false;
}

std::map<std::string, SlurmJobState> parseSqueue(std::string_view text) {
  std::map<std::string, SlurmJobState> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t a = line.find('|');
    if (a == std::string_view::npos) continue;
    size_t b = line.find('|', a + 1);
    std::string_view id = trim(line.substr(0, a));
    if (!allDigits(id)) continue;
    SlurmJobState s;
    s.state = stateWord(line.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1));
    if (s.state.empty()) continue;
    if (b != std::string_view::npos) s.reason = cleanReason(line.substr(b + 1));
    out[std::string(id)] = std::move(s);
  }
  return out;
}

std::optional<SlurmJobState> parseScontrolJob(std::string_view text) {
  SlurmJobState s;
  bool found = false;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view pair = text.substr(start, i - start);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (key == "JobState") {
      s.state = stateWord(value);
      found = !s.state.empty();
    } else if (key == "Reason") {
      s.reason = cleanReason(value);
    } else if (key == "ExitCode") {
      s.exitCode = cleanReason(value);
    }
  }
  if (!found) return std::nullopt;
  return s;
}

std::optional<std::string> parseSbatchJobId(std::string_view text) {
  text = trim(text);
  size_t semi = text.find(';');
  std::string_view id = text.substr(0, semi);
  if (!allDigits(id)) return std::nullopt;
  if (semi != std::string_view::npos) {  // "ID;CLUSTER": a cluster name, nothing else
    std::string_view cluster = text.substr(semi + 1);
    if (cluster.empty()) return std::nullopt;
    for (char c : cluster)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return std::nullopt;
  }
  return std::string(id);
}

std::string slurmEndDescription(const SlurmJobState& s) {
  std::string what;
  if (s.state == "TIMEOUT") what = "SLURM stopped it at its time limit (TIMEOUT)";
  else if (s.state == "OUT_OF_MEMORY") what = "SLURM stopped it: it ran out of memory (OUT_OF_MEMORY)";
  else if (s.state == "CANCELLED") what = "its SLURM job was cancelled outside this run (CANCELLED)";
  else if (s.state == "NODE_FAIL") what = "the SLURM node running it failed (NODE_FAIL)";
  else if (s.state == "PREEMPTED") what = "SLURM preempted it (PREEMPTED)";
  else if (s.state == "BOOT_FAIL") what = "the SLURM node for it failed to boot (BOOT_FAIL)";
  else if (s.state == "DEADLINE") what = "SLURM stopped it at its deadline (DEADLINE)";
  else if (s.state == "COMPLETED") what = "its SLURM job completed but its command's result is missing";
  else what = "its SLURM job ended " + (s.state.empty() ? std::string("in an unknown state") : s.state);
  if (!s.exitCode.empty() && s.exitCode != "0:0") what += ", exit code " + s.exitCode;
  if (!s.reason.empty()) what += ", reason: " + s.reason;
  return what;
}

}  // namespace mlops::runtime

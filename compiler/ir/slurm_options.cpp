#include "ir/slurm_options.h"

#include <cmath>
#include <iterator>
#include <string_view>

namespace mlops::ir {
namespace {

// A whole number of at least 1 for a positive, finite value (rounded up),
// capped at `cap`; nullopt otherwise.
std::optional<long long> wholeUp(std::optional<double> v, double cap) {
  if (!v || !std::isfinite(*v) || *v <= 0) return std::nullopt;
  return static_cast<long long>(std::ceil(std::min(*v, cap)));
}

}  // namespace

std::optional<long long> slurmTimeMinutes(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds <= 0) return std::nullopt;
  // SLURM's largest finite limit is about 4 years of minutes; a year is plenty.
  return wholeUp(*seconds / 60.0, 366.0 * 24 * 60);
}

std::vector<std::string> slurmResourceOptions(const Node& node) {
  std::vector<std::string> out;
  const Resources& r = node.resources;
  if (auto cpu = wholeUp(r.cpu, 1 << 20)) out.push_back("--cpus-per-task=" + std::to_string(*cpu));
  if (r.memoryBytes)
    if (auto mib = wholeUp(*r.memoryBytes / (1024.0 * 1024.0), 1LL << 40)) out.push_back("--mem=" + std::to_string(*mib) + "M");
  if (auto gpu = wholeUp(r.gpu, 1 << 16)) out.push_back("--gres=gpu:" + std::to_string(*gpu));
  if (auto minutes = slurmTimeMinutes(r.timeoutSeconds)) out.push_back("--time=" + std::to_string(*minutes));
  return out;
}

std::string slurmJobName(const PipelineGraph& graph, const Node& node) {
  std::string name = "mlops." + graph.projectName + "." + node.id;
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) c = '_';
  }
  if (name.size() > 200) name.resize(200);
  return name;
}

namespace {

// The long names, and the short letters sbatch has for some of them.
constexpr std::string_view kReservedLong[] = {
    "--output", "--error", "--input", "--open-mode", "--export", "--export-file", "--job-name", "--dependency",
    "--kill-on-invalid-dep", "--chdir", "--parsable", "--wrap", "--array", "--wait", "--test-only", "--get-user-env",
    "--hold", "--cpus-per-task", "--mem", "--mem-per-cpu", "--mem-per-gpu", "--time", "--gres", "--gpus",
    "--gpus-per-task", "--gpus-per-node"};
constexpr std::string_view kReservedShort[] = {"-o", "-e", "-i", "-J", "-d", "-D", "-a", "-W", "-H", "-c", "-t", "-G"};

}  // namespace

bool slurmOptionReserved(const std::string& option) {
  std::string_view o = option;
  if (o.size() > 2 && o.substr(0, 2) == "--") {
    // sbatch (getopt_long) takes any unambiguous prefix of a long option:
    // `--outp=x` is `--output=x`. A prefix of a reserved name is refused.
    std::string_view name = o.substr(0, o.find('='));
    for (std::string_view l : kReservedLong)
      if (l.substr(0, name.size()) == name) return true;
    return false;
  }
  if (o.size() < 2 || o[0] != '-') return false;
  // Short options may be grouped (`-vo file`): each letter up to the first
  // that takes an argument (the rest of the word is that argument).
  constexpr std::string_view kFlags = "vQsOhVkIu";
  for (char c : o.substr(1)) {
    for (std::string_view s : kReservedShort)
      if (s[1] == c) return true;
    if (kFlags.find(c) == std::string_view::npos) return false;
  }
  return false;
}

std::vector<std::string> slurmReservedOptions() {
  std::vector<std::string> out(std::begin(kReservedLong), std::end(kReservedLong));
  out.insert(out.end(), std::begin(kReservedShort), std::end(kReservedShort));
  return out;
}

}  // namespace mlops::ir

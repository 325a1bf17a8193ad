#include "runtime/exec/node_exec.h"

#include "runtime/exec/process_executor.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

extern char** environ;

namespace mlops::runtime {
namespace {

bool writeFileAtomically(const std::string& path, const std::string& text, std::string& error) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = "cannot write `" + tmp + "`: " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write `" + path + "`: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

std::string nodeResultJson(const ProcessResult& r) {
  nlohmann::json j{{"exit_code", r.exitCode},     {"signal", r.signal},      {"timed_out", r.timedOut},
                   {"seconds", r.seconds},        {"cpu_seconds", r.cpuSeconds}, {"max_rss_bytes", r.maxRssBytes}};
  return j.dump() + "\n";
}

std::optional<ProcessResult> parseNodeResult(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto integer = [&](const char* k) -> std::optional<int64_t> {
    if (!j.contains(k) || !j[k].is_number_integer()) return std::nullopt;
    return j[k].get<int64_t>();
  };
  auto number = [&](const char* k) -> std::optional<double> {
    if (!j.contains(k) || !j[k].is_number()) return std::nullopt;
    double v = j[k].get<double>();
    if (!std::isfinite(v) || v < 0) return std::nullopt;
    return v;
  };
  std::optional<int64_t> code = integer("exit_code"), signal = integer("signal"), rss = integer("max_rss_bytes");
  std::optional<double> seconds = number("seconds"), cpu = number("cpu_seconds");
  if (!code || !signal || !rss || !seconds || !cpu || !j.contains("timed_out") || !j["timed_out"].is_boolean())
    return std::nullopt;
  if (*code < -1 || *code > 255 || *signal < 0 || *signal > 64 || *rss < 0) return std::nullopt;
  ProcessResult r;
  r.exitCode = static_cast<int>(*code);
  r.signal = static_cast<int>(*signal);
  r.timedOut = j["timed_out"].get<bool>();
  r.seconds = *seconds;
  r.cpuSeconds = *cpu;
  r.maxRssBytes = *rss;
  return r;
}

int execNode(std::FILE* err) {
  auto get = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::string(v);
  };
  std::optional<std::string> command = get("MLOPS_EXEC_COMMAND"), log = get("MLOPS_EXEC_LOG"),
                             resultPath = get("MLOPS_EXEC_RESULT");
  if (!command || !log || !resultPath || log->empty() || resultPath->empty()) {
    std::fprintf(err,
                 "mlopsc: error: `exec-node` runs inside a SLURM job of `mlopsc run --executor slurm`: "
                 "MLOPS_EXEC_COMMAND, MLOPS_EXEC_LOG and MLOPS_EXEC_RESULT must be set\n");
    return 2;
  }
  std::optional<double> timeout;
  if (std::optional<std::string> t = get("MLOPS_EXEC_TIMEOUT")) {
    char* end = nullptr;
    double v = std::strtod(t->c_str(), &end);
    if (end == t->c_str() || *end || !std::isfinite(v) || v <= 0) {
      std::fprintf(err, "mlopsc: error: MLOPS_EXEC_TIMEOUT is `%s`: expected a positive number of seconds\n", t->c_str());
      return 2;
    }
    timeout = v;
  }
  ProcessSpec spec;
  spec.command = *command;
  spec.workingDirectory = ".";  // sbatch --chdir: the project root
  spec.logPath = *log;
  std::string maskNames = get("MLOPS_EXEC_MASK").value_or("");
  for (size_t pos = 0; pos <= maskNames.size();) {
    size_t comma = maskNames.find(',', pos);
    std::string name = maskNames.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!name.empty())
      if (std::optional<std::string> v = get(name.c_str())) spec.maskedValues.push_back(*v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq == std::string::npos || entry.rfind("MLOPS_EXEC_", 0) == 0) continue;
    spec.environment.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  // The local executor's own loop: the timeout (TERM, then KILL after its
  // grace period) and the output relay, exactly as on the submitting machine.
  ProcessExecutor executor([&](size_t) { return Job{spec, timeout, 0, "", ""}; });
  executor.start(0);
  executor.waitUntil(std::nullopt);
  const JobReport& report = executor.reports().at(0);
  std::string error;
  if (!report.error.empty()) {
    std::fprintf(err, "mlopsc: error: %s\n", report.error.c_str());
    ProcessResult failed;
    failed.exitCode = 127;
    writeFileAtomically(*resultPath, nodeResultJson(failed), error);
    return 127;
  }
  const ProcessResult* result = &report.result;
  if (!writeFileAtomically(*resultPath, nodeResultJson(*result), error))
    std::fprintf(err, "mlopsc: error: %s\n", error.c_str());
  if (result->timedOut) return 124;
  if (result->signal) return 128 + result->signal;
  return result->exitCode < 0 ? 1 : result->exitCode;
}

}  // namespace mlops::runtime

#include "runtime/exec/process_registry.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace mlops::runtime {
namespace {

const char kHeader[] = "# mlopsc process groups v1\n";

struct ProcStat {
  pid_t pid = 0;
  char state = '?';
  pid_t pgrp = 0;
  uint64_t start = 0;
};

// The whole of a small /proc file (stat, environ); nullopt when unreadable.
std::optional<std::string> readProcFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return std::nullopt;
  return out;
}

std::optional<ProcStat> readStat(pid_t pid) {
  std::optional<std::string> text = readProcFile("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  // "PID (COMM) STATE PPID PGRP ... STARTTIME ...": COMM may hold spaces and
  // parentheses, so the fields are counted from the last ')'.
  size_t close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text->substr(close + 1));
  ProcStat s;
  s.pid = pid;
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) s.state = field[0];
    else if (i == 5) s.pgrp = static_cast<pid_t>(std::strtol(field.c_str(), nullptr, 10));
    else if (i == 22) {
      s.start = std::strtoull(field.c_str(), nullptr, 10);
      return s;
    }
  }
  return std::nullopt;
}

bool alive(const ProcStat& s) { return s.state != 'Z' && s.state != 'X'; }

// The processes of this machine, by /proc.
std::vector<ProcStat> allProcesses() {
  std::vector<ProcStat> out;
  DIR* dir = ::opendir("/proc");
  if (!dir) return out;
  while (dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    if (std::optional<ProcStat> s = readStat(static_cast<pid_t>(pid))) out.push_back(*s);
  }
  ::closedir(dir);
  return out;
}

// Whether `pid`'s environment holds every one of `wanted` ("NAME=value").
bool environmentHolds(pid_t pid, const std::vector<std::string>& wanted) {
  std::optional<std::string> env = readProcFile("/proc/" + std::to_string(pid) + "/environ");
  if (!env) return false;
  size_t found = 0;
  for (size_t at = 0; at < env->size();) {
    size_t end = env->find('\0', at);
    if (end == std::string::npos) end = env->size();
    std::string_view entry(env->data() + at, end - at);
    for (const std::string& w : wanted) found += entry == w;
    at = end + 1;
  }
  return found == wanted.size();
}

struct Entry {
  pid_t pgid = 0;
  uint64_t leaderStart = 0;
  pid_t owner = 0;
  uint64_t ownerStart = 0;
  int64_t run = 0;
  std::string node;
};

// The live entries of the file, in the order they started. A partial last
// line is left out; `torn` says there was one.
std::vector<Entry> readEntries(const std::string& path, bool& torn) {
  torn = false;
  std::optional<std::string> text = readProcFile(path);
  if (!text || text->compare(0, sizeof kHeader - 1, kHeader) != 0) return {};
  std::map<std::pair<pid_t, uint64_t>, Entry> live;
  std::vector<std::pair<pid_t, uint64_t>> order;
  size_t at = sizeof kHeader - 1;
  while (at < text->size()) {
    size_t end = text->find('\n', at);
    if (end == std::string::npos) {
      torn = true;
      break;
    }
    std::istringstream line(text->substr(at, end - at));
    at = end + 1;
    std::string kind;
    Entry e;
    line >> kind >> e.pgid >> e.leaderStart;
    if (!line) continue;
    std::pair<pid_t, uint64_t> key{e.pgid, e.leaderStart};
    if (kind == "end") {
      live.erase(key);
    } else if (kind == "start" && line >> e.owner >> e.ownerStart >> e.run >> e.node) {
      live[key] = e;
      order.push_back(key);
    }
  }
  std::vector<Entry> out;
  for (const auto& key : order)
    if (auto it = live.find(key); it != live.end()) {
      out.push_back(it->second);
      live.erase(it);
    }
  return out;
}

bool ownerAlive(const Entry& e) {
  std::optional<ProcStat> s = readStat(e.owner);
  return s && alive(*s) && s->start == e.ownerStart;
}

std::string endLine(pid_t pgid, uint64_t leaderStart) {
  return "end " + std::to_string(pgid) + " " + std::to_string(leaderStart) + "\n";
}

void appendTo(int fd, const std::string& line) {
  // One write: concurrent appenders (a run, a `status`) never interleave
  // within a line.
  ssize_t n;
  do n = ::write(fd, line.data(), line.size());
  while (n < 0 && errno == EINTR);
}

// "step:train" → "step train", as progress lines name nodes.
std::string nodeLabel(std::string id) {
  if (size_t colon = id.find(':'); colon != std::string::npos) id[colon] = ' ';
  return id;
}

std::string environmentValue(const ProcessSpec& spec, const char* name) {
  for (const auto& [k, v] : spec.environment)
    if (k == name) return v;
  return "";
}

}  // namespace

std::optional<uint64_t> processStartTime(pid_t pid) {
  std::optional<ProcStat> s = readStat(pid);
  if (!s) return std::nullopt;
  return s->start;
}

size_t killOrphanGroups(const std::string& path, std::FILE* err) {
  bool torn = false;
  std::vector<Entry> entries = readEntries(path, torn);
  if (torn)
    std::fprintf(err, "mlopsc: note: `%s` ended in a partial line (a run was killed while writing it): ignored\n",
                 path.c_str());
  std::vector<Entry> orphans;
  for (const Entry& e : entries)
    if (!ownerAlive(e)) orphans.push_back(e);
  if (orphans.empty()) return 0;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  std::vector<ProcStat> processes = allProcesses();
  size_t killed = 0;
  for (const Entry& e : orphans) {
    std::vector<ProcStat> members;
    for (const ProcStat& p : processes)
      if (p.pgrp == e.pgid && alive(p)) members.push_back(p);
    bool leaderHere = false, noneOlder = true, carries = false;
    std::vector<std::string> marks = {"MLOPS_RUN=" + std::to_string(e.run), "MLOPS_NODE=" + e.node};
    for (const ProcStat& p : members) {
      leaderHere = leaderHere || (p.pid == e.pgid && p.start == e.leaderStart);
      noneOlder = noneOlder && p.start >= e.leaderStart;
      carries = carries || environmentHolds(p.pid, marks);
    }
    std::string label = nodeLabel(e.node);
    if (!members.empty() && noneOlder && (leaderHere || carries)) {
      ::killpg(e.pgid, SIGKILL);
      ++killed;
      std::string pids;
      for (const ProcStat& p : members) pids += (pids.empty() ? "" : ", ") + std::to_string(p.pid);
      std::fprintf(err, "mlopsc: killed the processes of %s left running by run %lld (killed with SIGKILL): pids %s\n",
                   label.c_str(), static_cast<long long>(e.run), pids.c_str());
    } else if (!members.empty()) {
      std::fprintf(err,
                   "mlopsc: note: process group %d of %s (run %lld) now holds processes that run did not start: "
                   "left alone\n",
                   static_cast<int>(e.pgid), label.c_str(), static_cast<long long>(e.run));
    }
    if (fd >= 0) appendTo(fd, endLine(e.pgid, e.leaderStart));
  }
  if (fd >= 0) ::close(fd);
  return killed;
}

std::unique_ptr<ProcessRegistry> ProcessRegistry::openForRun(const std::string& path, std::FILE* err,
                                                             std::string& error) {
  killOrphanGroups(path, err);
  // Afresh: whatever the file held belonged to runs that are over.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write the registry of running processes `" + path + "`: " + std::strerror(errno);
    return nullptr;
  }
  appendTo(fd, kHeader);
  return std::unique_ptr<ProcessRegistry>(new ProcessRegistry(fd));
}

ProcessRegistry::ProcessRegistry(int fd) : fd_(fd), self_(::getpid()), selfStart_(processStartTime(self_).value_or(0)) {}

ProcessRegistry::~ProcessRegistry() {
  // Every group reaped: the file back to its header, so `status` has
  // nothing to read. Should that fail, every start still has its end.
  if (live_.empty()) (void)!::ftruncate(fd_, sizeof kHeader - 1);
  ::close(fd_);
}

void ProcessRegistry::append(const std::string& line) { appendTo(fd_, line); }

void ProcessRegistry::started(pid_t pid, const ProcessSpec& spec) {
  // The leader is not reaped before reaped() is called, so its stat is
  // there even when it has already exited.
  uint64_t leaderStart = processStartTime(pid).value_or(0);
  std::string node = environmentValue(spec, "MLOPS_NODE");
  std::string run = environmentValue(spec, "MLOPS_RUN");
  append("start " + std::to_string(pid) + " " + std::to_string(leaderStart) + " " + std::to_string(self_) + " " +
         std::to_string(selfStart_) + " " + (run.empty() ? "0" : run) + " " + (node.empty() ? "-" : node) + "\n");
  live_[pid] = leaderStart;
}

void ProcessRegistry::reaped(pid_t pid) {
  auto it = live_.find(pid);
  if (it == live_.end()) return;
  append(endLine(pid, it->second));
  live_.erase(it);
}

}  // namespace mlops::runtime

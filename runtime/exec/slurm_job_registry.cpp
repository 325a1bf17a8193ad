#include "runtime/exec/slurm_job_registry.h"

#include "runtime/bounded_file.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

namespace mlops::runtime {
namespace {

constexpr const char* kHeader = "# mlopsc slurm jobs v1";
constexpr size_t kMaxFileBytes = 64u << 20;  // a million jobs' worth of lines

void writeAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk: the entry is lost, the job still runs
    done += static_cast<size_t>(n);
  }
}

nlohmann::json entryJson(const SlurmJobEntry& e) {
  return {{"submit", e.jobId}, {"run", e.run}, {"node", e.node}, {"key", e.cacheKey}, {"log", e.logPath},
          {"result", e.resultPath}};
}

// Paths and node ids may be any bytes: never a throw for invalid UTF-8.
std::string dumpLine(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The entries of `text` that have not ended, in submit order.
std::vector<SlurmJobEntry> liveEntries(const std::string& text) {
  std::vector<SlurmJobEntry> order;
  std::map<std::string, size_t> at;
  size_t pos = text.find('\n');
  if (text.compare(0, pos, kHeader) != 0) return {};
  while (pos != std::string::npos && pos + 1 < text.size()) {
    size_t next = text.find('\n', pos + 1);
    if (next == std::string::npos) break;  // torn last line
    nlohmann::json j = nlohmann::json::parse(text.begin() + static_cast<long>(pos) + 1,
                                             text.begin() + static_cast<long>(next), nullptr, false);
    pos = next;
    if (!j.is_object()) continue;
    auto text_ = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
    if (std::string id = text_("end"); !id.empty()) {
      if (auto it = at.find(id); it != at.end()) order[it->second].jobId.clear();
      continue;
    }
    SlurmJobEntry e{text_("submit"), j.contains("run") && j["run"].is_number_integer() ? j["run"].get<int64_t>() : 0,
                    text_("node"), text_("key"), text_("log"), text_("result")};
    if (e.jobId.empty() || e.jobId.size() > 20 || e.jobId.find_first_not_of("0123456789") != std::string::npos) continue;
    at[e.jobId] = order.size();
    order.push_back(std::move(e));
  }
  std::vector<SlurmJobEntry> live;
  for (SlurmJobEntry& e : order)
    if (!e.jobId.empty()) live.push_back(std::move(e));
  return live;
}

}  // namespace

SlurmJobRegistry::~SlurmJobRegistry() {
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<SlurmJobRegistry> SlurmJobRegistry::open(const std::string& path, std::string& error) {
  std::vector<SlurmJobEntry> orphans;
  BoundedRead read = readBoundedFile(path, kMaxFileBytes, false);
  if (read.bytes) orphans = liveEntries(*read.bytes);
  // Afresh: the header and the orphans, written to a new file renamed over
  // the old one, so a crash here loses nothing.
  std::string tmp = path + ".new";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = "cannot write `" + tmp + "`: " + std::strerror(errno);
    return nullptr;
  }
  std::string text = std::string(kHeader) + "\n";
  for (const SlurmJobEntry& e : orphans) text += dumpLine(entryJson(e)) + "\n";
  writeAll(fd, text);
  if (::fsync(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write `" + path + "`: " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  ::close(fd);
  fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    error = "cannot open `" + path + "`: " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<SlurmJobRegistry> r(new SlurmJobRegistry(fd));
  r->orphans_ = std::move(orphans);
  return r;
}

void SlurmJobRegistry::append(const std::string& line) { writeAll(fd_, line + "\n"); }

void SlurmJobRegistry::submitted(const SlurmJobEntry& e) { append(dumpLine(entryJson(e))); }

void SlurmJobRegistry::ended(const std::string& jobId) { append(dumpLine(nlohmann::json{{"end", jobId}})); }

}  // namespace mlops::runtime

#include "runtime/state/records.h"

#include <chrono>
#include <ctime>

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

}  // namespace mlops::runtime

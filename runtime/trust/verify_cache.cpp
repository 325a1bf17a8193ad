#include "runtime/trust/verify_cache.h"

#include "runtime/content_hash.h"

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::runtime {
namespace {

// Creates each missing folder of `dir` (mode 0700); false when one cannot be made.
bool makeFolders(const std::string& dir) {
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    std::string prefix = dir.substr(0, at);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string nowUtc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

struct Statement {
  sqlite3_stmt* s = nullptr;
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Statement() { sqlite3_finalize(s); }
};

}  // namespace

VerifyCache::~VerifyCache() { sqlite3_close(db_); }

std::optional<std::string> VerifyCache::location() {
  if (const char* explicitPath = std::getenv("MLOPS_VERIFY_CACHE"); explicitPath && *explicitPath) {
    if (std::string(explicitPath) == "off") return std::nullopt;
    return std::string(explicitPath);
  }
  // XDG Base Directory: a relative XDG_CACHE_HOME is invalid and ignored.
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/')
    return std::string(xdg) + "/mlopsc/verified.db";
  if (const char* home = std::getenv("HOME"); home && home[0] == '/')
    return std::string(home) + "/.cache/mlopsc/verified.db";
  return std::nullopt;
}

std::unique_ptr<VerifyCache> VerifyCache::open() {
  std::optional<std::string> path = location();
  return path ? openAt(*path) : nullptr;
}

std::unique_ptr<VerifyCache> VerifyCache::openAt(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0 && !makeFolders(path.substr(0, slash))) return nullptr;
  // Created here, 0600, never through a link; SQLite's -wal and -shm files
  // take the database file's mode.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return nullptr;
  struct stat st;
  bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular) ::fchmod(fd, 0600);
  ::close(fd);
  if (!regular) return nullptr;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<VerifyCache> cache(new VerifyCache(db));
  sqlite3_busy_timeout(db, 5000);  // another mlopsc verifying: wait a little, don't fail
  if (!exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
      !exec(db,
            "CREATE TABLE IF NOT EXISTS verified(key TEXT PRIMARY KEY, ok INTEGER NOT NULL, reason TEXT NOT NULL, "
            "at TEXT NOT NULL)"))
    return nullptr;
  return cache;
}

std::string VerifyCache::key(std::string_view payload, std::string_view signature, std::string_view signersSha256) {
  return sha256Hex("mlops-verify 1\n" + sha256Hex(payload) + "\n" + sha256Hex(signature) + "\n" +
                   std::string(signersSha256));
}

std::vector<std::optional<CachedVerdict>> VerifyCache::lookup(const std::vector<std::string>& keys) {
  std::vector<std::optional<CachedVerdict>> out(keys.size());
  if (keys.empty() || !exec(db_, "BEGIN")) return out;
  Statement q(db_, "SELECT ok, reason FROM verified WHERE key = ?1");
  for (size_t i = 0; q.s && i < keys.size(); ++i) {
    sqlite3_reset(q.s);
    sqlite3_bind_text(q.s, 1, keys[i].data(), static_cast<int>(keys[i].size()), SQLITE_TRANSIENT);
    if (sqlite3_step(q.s) != SQLITE_ROW) continue;
    const unsigned char* reason = sqlite3_column_text(q.s, 1);
    out[i] = CachedVerdict{sqlite3_column_int(q.s, 0) == 1, reason ? reinterpret_cast<const char*>(reason) : ""};
  }
  exec(db_, "COMMIT");
  return out;
}

void VerifyCache::insert(const std::vector<std::pair<std::string, CachedVerdict>>& entries) {
  if (entries.empty() || !exec(db_, "BEGIN IMMEDIATE")) return;
  std::string at = nowUtc();
  Statement q(db_, "INSERT OR REPLACE INTO verified(key, ok, reason, at) VALUES (?1, ?2, ?3, ?4)");
  bool ok = q.s != nullptr;
  for (const auto& [key, verdict] : entries) {
    if (!ok) break;
    sqlite3_reset(q.s);
    sqlite3_bind_text(q.s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(q.s, 2, verdict.ok ? 1 : 0);
    sqlite3_bind_text(q.s, 3, verdict.reason.data(), static_cast<int>(verdict.reason.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(q.s, 4, at.data(), static_cast<int>(at.size()), SQLITE_TRANSIENT);
    ok = sqlite3_step(q.s) == SQLITE_DONE;
  }
  exec(db_, ok ? "COMMIT" : "ROLLBACK");
}

}  // namespace mlops::runtime

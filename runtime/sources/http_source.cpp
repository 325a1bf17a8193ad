#include "runtime/sources/http_source.h"

#include "runtime/content_hash.h"
#include "runtime/interpolation.h"
#include "runtime/interruption.h"
#include "runtime/exec/process.h"
#include "runtime/sources/cache_file.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <llvm/Support/FileSystem.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace mlops::runtime {
namespace {

constexpr int kMaxRedirects = 5;

std::string sizeText(uint64_t bytes) {
  char buf[48];
  if (bytes >= (1u << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else if (bytes >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  return buf;
}

struct Url {
  std::string origin;  // scheme://host[:port]
  std::string target;  // /path?query
  bool https = false;
};

std::optional<Url> parseUrl(const std::string& url) {
  Url u;
  size_t start;
  if (url.rfind("https://", 0) == 0) u.https = true, start = 8;
  else if (url.rfind("http://", 0) == 0) start = 7;
  else return std::nullopt;
  size_t slash = url.find_first_of("/?#", start);
  u.origin = url.substr(0, slash);
  if (u.origin.size() == start || u.origin.find('@') != std::string::npos) return std::nullopt;
  u.target = slash == std::string::npos ? "/" : url.substr(slash);
  u.target = u.target.substr(0, u.target.find('#'));
  if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
  return u;
}

// Where a redirect goes: absolute, or a path on the same origin.
std::optional<std::string> redirectTarget(const Url& from, const std::string& location) {
  if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0) return location;
  if (!location.empty() && location[0] == '/' && location.rfind("//", 0) != 0) return from.origin + location;
  return std::nullopt;
}

struct Sha256 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Sha256() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void update(const char* data, size_t size) { EVP_DigestUpdate(ctx.get(), data, size); }
  std::string hex() {
    std::array<uint8_t, 32> digest{};
    unsigned size = 0;
    EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
    return sha256HexOf(digest);
  }
};

std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection: return "cannot connect to the server";
    case httplib::Error::ConnectionTimeout: return "no connection within 30 s";
    case httplib::Error::Read: return "the connection broke or stayed silent for 60 s while reading";
    case httplib::Error::Write: return "the connection broke while sending the request";
    case httplib::Error::SSLConnection: return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "the system's CA certificates cannot be loaded";
    case httplib::Error::SSLServerVerification: return "the server's certificate does not verify";
    default: return httplib::to_string(error);
  }
}

// One GET into `file`; the status, or nullopt with `error`. `location` gets
// a redirect's Location header.
std::optional<int> get(const Url& url, CacheFile& file, Sha256& sha, uint64_t& received, double deadline,
                       std::string& location, std::string& error) {
  httplib::Client client(url.origin);
  client.set_follow_location(false);
  client.set_decompress(false);
  client.set_connection_timeout(30, 0);
  client.set_read_timeout(60, 0);
  client.set_write_timeout(30, 0);
  if (url.https) client.enable_server_certificate_verification(true);
  httplib::Headers headers{{"Accept-Encoding", "identity"}, {"User-Agent", "mlopsc"}};
  int status = 0;
  std::string stop;
  auto result = client.Get(
      url.target, headers,
      [&](const httplib::Response& response) {
        status = response.status;
        if (status >= 300 && status < 400) {
          location = response.get_header_value("Location");
          return false;
        }
        if (status != 200) return false;
        if (response.has_header("Content-Length")) {
          uint64_t length = std::strtoull(response.get_header_value("Content-Length").c_str(), nullptr, 10);
          if (length > kMaxDownloadBytes) {
            stop = "it is " + sizeText(length) + ", more than the limit of " + sizeText(kMaxDownloadBytes);
            return false;
          }
        }
        return true;
      },
      [&](const char* data, size_t size) {
        if (runStopping()) {
          stop = "the run is stopping";
          return false;
        }
        if (monotonicSeconds() > deadline) {
          stop = "it took longer than " + std::to_string(static_cast<int>(kDownloadSeconds / 60)) + " minutes";
          return false;
        }
        received += size;
        if (received > kMaxDownloadBytes) {
          stop = "it is more than the limit of " + sizeText(kMaxDownloadBytes);
          return false;
        }
        sha.update(data, size);
        return file.write(data, size, stop);
      });
  if (!stop.empty()) {
    error = stop;
    return std::nullopt;
  }
  if (status != 0) return status;
  error = describe(result.error());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ensureHttpSource(const std::string& root, const std::string& cachePath,
                                            const std::string& url, const std::string& sha256, bool dryRun,
                                            std::string& error) {
  std::string path = projectPath(root, cachePath);
  std::string ignored;
  bool stale = false;
  if (llvm::sys::fs::is_regular_file(path)) {
    std::optional<FileDigests> digests = hashFileWithSha256(path, ignored);
    if (digests && sha256HexOf(digests->sha256) == sha256) return "downloaded before, sha256 verified";
    stale = true;
  }
  if (dryRun) return "would download " + url + (stale ? " (the cached copy no longer matches its sha256)" : "");
  std::optional<Url> current = parseUrl(url);
  if (!current) {
    error = "cannot download `" + url + "`: not an http:// or https:// URL";
    return std::nullopt;
  }
  double deadline = monotonicSeconds() + kDownloadSeconds;
  for (int redirects = 0;; ++redirects) {
    CacheFile file;
    if (!file.open(path, error)) return std::nullopt;
    Sha256 sha;
    uint64_t received = 0;
    std::string location, why;
    std::optional<int> status = get(*current, file, sha, received, deadline, location, why);
    std::string where = current->origin + current->target;
    if (!status) {
      error = "cannot download `" + where + "`: " + why;
      return std::nullopt;
    }
    if (*status >= 300 && *status < 400 && !location.empty()) {
      std::optional<std::string> next = redirectTarget(*current, location);
      std::optional<Url> nextUrl = next ? parseUrl(*next) : std::nullopt;
      if (!nextUrl) {
        error = "cannot download `" + where + "`: it redirects to a location that is not an http(s) URL";
        return std::nullopt;
      }
      if (current->https && !nextUrl->https) {
        error = "cannot download `" + where + "`: it redirects from https to `" + next->substr(0, 200) +
                "`, which is not encrypted";
        return std::nullopt;
      }
      if (redirects + 1 > kMaxRedirects) {
        error = "cannot download `" + url + "`: more than " + std::to_string(kMaxRedirects) + " redirects";
        return std::nullopt;
      }
      current = nextUrl;
      continue;
    }
    if (*status != 200) {
      error = "cannot download `" + where + "`: the server answered HTTP " + std::to_string(*status);
      return std::nullopt;
    }
    std::string found = sha.hex();
    if (found != sha256) {
      error = "the download of `" + url + "` has sha256 " + found + ", expected " + sha256 +
              " (the file changed at its source, or the sha256 in the spec is wrong); nothing was cached";
      return std::nullopt;
    }
    if (!file.commit(error)) return std::nullopt;
    return "downloaded " + sizeText(received) + " from " + url + ", sha256 verified";
  }
}

}  // namespace mlops::runtime

// `mlopsc dashboard --serve`: the dashboard's pages over HTTP, live from
// the record, read-only. The server answers GET and HEAD for the site's own
// file names and nothing else: it never touches the filesystem to answer,
// so no path can reach a file (a path is a key in the site's map or a 404).
// Every answer carries the strict Content-Security-Policy (with
// frame-ancestors), X-Content-Type-Options: nosniff, Referrer-Policy:
// no-referrer and X-Frame-Options: DENY. Requests are served by a pool of
// threads; the pages are rebuilt when the record changed (its newest run
// or the approvals log's head), checked at most once a second. SIGINT and
// SIGTERM stop it cleanly. cpp-httplib (Debian's libcpp-httplib-dev) does
// the HTTP: docs/dashboard.md says why.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::driver {

using SiteFiles = std::vector<std::pair<std::string, std::string>>;

struct SiteSource {
  // A text that changes whenever the pages would: checked at most once a
  // second, the site rebuilt when it differs.
  std::function<std::string()> fingerprint;
  // The site's files (emit/dashboard/dashboard_site.h).
  std::function<SiteFiles()> build;
};

// Where to listen: `ADDR:PORT`, `[IPv6]:PORT`, `ADDR` or `:PORT` (defaults
// 127.0.0.1 and 8080). False with `error` when malformed.
bool parseListenAddress(const std::string& text, std::string& host, int& port, std::string& error);

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool isLoopback(const std::string& host);

// Serves until SIGINT or SIGTERM; prints the URL on stdout once listening.
// Returns the exit code (2 when the address cannot be bound).
int serveDashboard(const std::string& host, int port, SiteSource source);

}  // namespace mlops::driver

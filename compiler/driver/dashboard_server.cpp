#include "driver/dashboard_server.h"

#include "emit/dashboard/page_layout.h"

#include <httplib.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace mlops::driver {

namespace {

// Threads answering requests: enough for a team's browsers and a test's 20
// concurrent clients without queueing behind kept-alive connections.
constexpr size_t kThreads = 16;

using Site = std::map<std::string, std::string>;

// The site as last built, rebuilt when the source's fingerprint changed.
class SiteCache {
 public:
  explicit SiteCache(SiteSource source) : source_(std::move(source)) {}

  std::shared_ptr<const Site> current() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (!site_ || now - checked_ >= std::chrono::seconds(1)) {
      checked_ = now;
      std::string fingerprint = source_.fingerprint();
      if (!site_ || fingerprint != fingerprint_) {
        auto site = std::make_shared<Site>();
        for (auto& [path, content] : source_.build()) site->emplace(std::move(path), std::move(content));
        site_ = std::move(site);
        fingerprint_ = std::move(fingerprint);
      }
    }
    return site_;
  }

 private:
  SiteSource source_;
  std::mutex mutex_;
  std::shared_ptr<const Site> site_;
  std::string fingerprint_;
  std::chrono::steady_clock::time_point checked_;
};

const char* contentType(const std::string& path) {
  auto ends = [&](const char* suffix) {
    std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  return "text/html; charset=utf-8";
}

void securityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", std::string(emit::dashboard::kServedContentSecurityPolicy));
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-cache");
}

void plain(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

}  // namespace

bool parseListenAddress(const std::string& text, std::string& host, int& port, std::string& error) {
  host = "127.0.0.1";
  port = 8080;
  std::string portText;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || (close + 1 < text.size() && text[close + 1] != ':')) {
      error = "expected [IPv6]:PORT, found `" + text + "`";
      return false;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) portText = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    if (colon > 0) host = text.substr(0, colon);
    portText = text.substr(colon + 1);
  } else if (!text.empty()) {
    host = text;
  }
  if (host.empty()) {
    error = "no address in `" + text + "`";
    return false;
  }
  if (!portText.empty() || (text.find(':') != std::string::npos && text[0] != '[')) {
    if (portText.empty() || portText.size() > 5 || portText.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(portText) > 65535) {
      error = "expected a port from 0 to 65535, found `" + portText + "`";
      return false;
    }
    port = std::stoi(portText);
  }
  return true;
}

bool isLoopback(const std::string& host) {
  if (host == "localhost") return true;
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (inet_pton(AF_INET6, host.c_str(), v6) == 1) {
    static const unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(v6, v6 + 16, loopback);
  }
  return false;
}

int serveDashboard(const std::string& host, int port, SiteSource source) {
  auto cache = std::make_shared<SiteCache>(std::move(source));
  // Build once before listening: a record that cannot be read fails here,
  // not in the first request.
  cache->current();

  // SIGINT and SIGTERM are taken by one thread with sigwait, which stops
  // the server: a signal handler could not call stop() safely. Blocked
  // before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // from this thread when the server stopped on its own
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.set_keep_alive_timeout(2);
  server.set_payload_max_length(4096);
  server.set_pre_routing_handler([cache](const httplib::Request& req, httplib::Response& res) {
    securityHeaders(res);
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      res.set_header("Connection", "close");
      plain(res, 405, "405 method not allowed: the dashboard is read-only (GET and HEAD only)");
      return httplib::Server::HandlerResponse::Handled;
    }
    // The path as decoded by httplib, looked up as a key: anything that is
    // not exactly one of the site's file names is a 404.
    std::string name = req.path == "/" ? "index.html" : req.path.substr(1);
    std::shared_ptr<const Site> site = cache->current();
    auto it = req.path.empty() || req.path[0] != '/' ? site->end() : site->find(name);
    if (it == site->end()) {
      plain(res, 404, "404 not found");
      return httplib::Server::HandlerResponse::Handled;
    }
    res.status = 200;
    res.set_content(it->second, contentType(it->first));
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    securityHeaders(res);
    if (res.body.empty()) res.set_content(std::to_string(res.status) + "\n", "text/plain; charset=utf-8");
  });

  int bound = port;
  if (port == 0) bound = server.bind_to_any_port(host);
  else if (!server.bind_to_port(host, port)) bound = -1;
  if (bound <= 0) {
    std::fprintf(stderr, "mlopsc: error: cannot listen on %s:%d (in use, or not an address of this machine)\n",
                 host.c_str(), port);
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return 2;
  }

  std::atomic<bool> bySignal{false};
  std::thread stopper([&] {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGUSR1) bySignal = true;
    server.stop();
  });
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("mlopsc: serving the dashboard on http://%s:%d/ (read-only; Ctrl-C stops it)\n", shown.c_str(), bound);
  std::fflush(stdout);
  bool clean = server.listen_after_bind();
  // The signals stay blocked from here on: a SIGUSR1 sent just as a real
  // signal arrived stays pending, harmlessly, until mlopsc exits.
  if (!bySignal) pthread_kill(stopper.native_handle(), SIGUSR1);
  stopper.join();
  if (!bySignal && !clean) {
    std::fprintf(stderr, "mlopsc: error: the server stopped: cannot accept connections on %s:%d\n", host.c_str(), bound);
    return 2;
  }
  std::fprintf(stderr, "mlopsc: the dashboard server stopped\n");
  return 0;
}

}  // namespace mlops::driver

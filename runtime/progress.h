// What `mlopsc run` prints as it goes. On a terminal: each finished node on
// its own line and, under them, one status line rewritten in place, like
// ninja's: `[7/23] model scorer · 2 running · 5 cached · 0:41`. Otherwise
// (CI logs, pipes): the same node lines only. At the end a summary table:
// node, result, time, why; rows of nodes that were simply up to date are
// counted rather than listed when there are many.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace mlops::runtime {

struct ProgressLine {
  std::string node;    // id
  std::string label;   // "model scorer"
  std::string status;  // ran | cached | checked | passed | warning | failed | skipped | waiting | ...
  std::string why;
  double seconds = 0;
};

class Progress {
 public:
  // `quiet`: no per-node lines and no status line; the summary lists only
  // what is not up to date (`mlopsc status`).
  Progress(std::FILE* out, std::FILE* err, size_t total, bool terminal, bool quiet = false);
  void started(const std::string& label);
  void finished(const ProgressLine& line, bool explain);
  // A line about a node still running (a rollout's step).
  void note(const std::string& text);
  void summary(const std::string& verdict);
  // Pushes buffered lines out (the runner calls it before it blocks).
  void flush() { std::fflush(out_); }
  const std::vector<ProgressLine>& lines() const { return lines_; }

 private:
  void redraw();
  void clear();
  std::FILE* out_;
  std::FILE* err_;
  size_t total_;
  bool terminal_;
  bool quiet_;
  size_t running_ = 0, cached_ = 0;
  std::string last_;
  std::chrono::steady_clock::time_point begin_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point flushed_ = begin_;
  void flushSometimes();
  std::vector<ProgressLine> lines_;
};

// Whether `status` counts as up to date (cached or merely checked).
bool upToDateStatus(const std::string& status);

}  // namespace mlops::runtime

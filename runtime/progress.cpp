#include "runtime/progress.h"

#include "support/display_text.h"

#include <algorithm>

namespace mlops::runtime {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

bool isError(const std::string& status) { return status == "failed" || status == "warning"; }

}  // namespace

bool upToDateStatus(const std::string& status) { return status == "cached"; }

Progress::Progress(std::FILE* out, std::FILE* err, size_t total, bool terminal, bool quiet)
    : out_(out), err_(err), total_(total), terminal_(terminal && !quiet), quiet_(quiet) {}

void Progress::clear() {
  if (terminal_) std::fputs("\r\x1b[K", out_);
}

void Progress::redraw() {
  if (!terminal_) return;
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - begin_).count();
  char clock[32];
  std::snprintf(clock, sizeof clock, "%lld:%02lld", static_cast<long long>(elapsed / 60),
                static_cast<long long>(elapsed % 60));
  std::string line = "[" + std::to_string(lines_.size()) + "/" + std::to_string(total_) + "] " + last_ + " · " +
                     std::to_string(running_) + " running · " + std::to_string(cached_) + " cached · " + clock;
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
}

void Progress::started(const std::string& label) {
  ++running_;
  last_ = support::escapeControls(label);
  clear();
  redraw();
  flushSometimes();
}

void Progress::note(const std::string& text) {
  if (quiet_) return;
  clear();
  std::fprintf(out_, "%s\n", support::escapeControls(text).c_str());
  redraw();
  std::fflush(out_);
}

void Progress::finished(const ProgressLine& l, bool explain) {
  lines_.push_back(l);
  if (l.status == "ran" || l.status == "failed" || l.status == "rolled out") running_ = running_ ? running_ - 1 : 0;
  if (upToDateStatus(l.status)) ++cached_;
  std::string text = "[" + std::to_string(lines_.size()) + "/" + std::to_string(total_) + "] " + support::escapeControls(l.label) + ": " + l.status;
  if (l.seconds > 0) text += " in " + seconds(l.seconds);
  // Reasons quote the spec, files and commands' errors: never raw control characters.
  if (!l.why.empty()) text += " (" + support::escapeControls(l.why) + ")";
  else if (explain && l.status == "cached") text += " (inputs, command and outputs unchanged)";
  if (quiet_) return;
  clear();
  if (isError(l.status)) std::fflush(out_);  // keep stdout's lines before stderr's in a shared log
  std::fprintf(isError(l.status) ? err_ : out_, "%s\n", text.c_str());
  if (isError(l.status)) std::fflush(err_);
  redraw();
  flushSometimes();
}

// Lines reach a terminal at once; a pipe or a file (CI logs) gets them at
// least every 100 ms, not one write per node.
void Progress::flushSometimes() {
  auto now = std::chrono::steady_clock::now();
  if (terminal_ || now - flushed_ >= std::chrono::milliseconds(100)) {
    std::fflush(out_);
    flushed_ = now;
  }
}

void Progress::summary(const std::string& verdict) {
  clear();
  // Long pipelines: list what did something; count what was up to date.
  constexpr size_t kListAll = 40;
  size_t quiet = 0;
  std::vector<const ProgressLine*> rows;
  for (const ProgressLine& l : lines_) {
    // Tests, gates and monitors are evaluated on every run: for `status`,
    // passing is being up to date.
    bool current = upToDateStatus(l.status) || (quiet_ && (l.status == "passed" || l.status == "checked"));
    if ((quiet_ || lines_.size() > kListAll) && current) ++quiet;
    else rows.push_back(&l);
  }
  size_t nodeWidth = 4, statusWidth = 6;
  for (const ProgressLine* l : rows) {
    nodeWidth = std::max(nodeWidth, l->node.size());
    statusWidth = std::max(statusWidth, l->status.size());
  }
  nodeWidth = std::min<size_t>(nodeWidth, 40);
  if (!rows.empty()) {
    std::fprintf(out_, "\n%-*s  %-*s  %7s  %s\n", static_cast<int>(nodeWidth), "node", static_cast<int>(statusWidth),
                 "result", "time", "why");
    for (const ProgressLine* l : rows) {
      std::string why = support::escapeControls(l->why);
      if (why.empty() && l->status == "cached") why = "inputs, command and outputs unchanged";
      std::fprintf(out_, "%-*s  %-*s  %7s  %s\n", static_cast<int>(nodeWidth), support::escapeControls(l->node).c_str(),
                   static_cast<int>(statusWidth), l->status.c_str(), l->seconds > 0 ? seconds(l->seconds).c_str() : "-",
                   why.c_str());
    }
  }
  if (quiet) std::fprintf(out_, rows.empty() ? "(all %zu nodes up to date)\n" : "(%zu more nodes up to date)\n", quiet);
  std::fprintf(out_, "%s\n", support::escapeControls(verdict).c_str());
  std::fflush(out_);
}

}  // namespace mlops::runtime

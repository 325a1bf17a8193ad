#include "format/line_diff.h"

#include <algorithm>

namespace mlops::format {

std::vector<llvm::StringRef> splitLines(llvm::StringRef text) {
  std::vector<llvm::StringRef> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    size_t n = nl == llvm::StringRef::npos ? text.size() : nl + 1;
    lines.push_back(text.take_front(n));
    text = text.drop_front(n);
  }
  return lines;
}

std::vector<LineChange> diffLines(llvm::ArrayRef<llvm::StringRef> a, llvm::ArrayRef<llvm::StringRef> b,
                                  size_t maxCost) {
  std::vector<LineChange> changes;
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  llvm::ArrayRef<llvm::StringRef> x = a.slice(head, a.size() - head - tail);
  llvm::ArrayRef<llvm::StringRef> y = b.slice(head, b.size() - head - tail);
  if (x.empty() && y.empty()) return changes;
  if (x.empty() || y.empty()) {
    changes.push_back({head, x.size(), head, y.size()});
    return changes;
  }

  // Myers' O((N+M)D) greedy algorithm; `trace` keeps V after each step D.
  const long n = static_cast<long>(x.size()), m = static_cast<long>(y.size());
  const long max = std::min<long>(n + m, static_cast<long>(maxCost));
  const long offset = max + 1;
  std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found = -1;
  for (long d = 0; d <= max && found < 0; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long xi = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? v[k + 1 + offset]
                                                                                : v[k - 1 + offset] + 1;
      long yi = xi - k;
      while (xi < n && yi < m && x[xi] == y[yi]) ++xi, ++yi;
      v[k + offset] = xi;
      if (xi >= n && yi >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    changes.push_back({head, x.size(), head, y.size()});
    return changes;
  }
  // Walk back through the trace: a list of (x, y) single-line edits.
  struct Step { long x, y; bool insert; };
  std::vector<Step> steps;
  long xi = n, yi = m;
  for (long d = found; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<size_t>(d)];
    long k = xi - yi;
    bool down = (k == -d || (k != d && pv[k - 1 + offset] < pv[k + 1 + offset]));
    long prevK = down ? k + 1 : k - 1;
    long prevX = pv[prevK + offset];
    long prevY = prevX - prevK;
    while (xi > prevX && yi > prevY) --xi, --yi;
    if (down) steps.push_back({prevX, prevY, true});   // insert y[prevY]
    else steps.push_back({prevX, prevY, false});       // delete x[prevX]
    xi = prevX;
    yi = prevY;
  }
  std::reverse(steps.begin(), steps.end());
  // Merge adjacent single-line edits into changes.
  for (const Step& s : steps) {
    size_t ox = head + static_cast<size_t>(s.x), oy = head + static_cast<size_t>(s.y);
    if (!changes.empty()) {
      LineChange& c = changes.back();
      if (c.oldStart + c.oldCount == ox && c.newStart + c.newCount == oy) {
        (s.insert ? c.newCount : c.oldCount)++;
        continue;
      }
    }
    changes.push_back({ox, s.insert ? 0u : 1u, oy, s.insert ? 1u : 0u});
  }
  return changes;
}

namespace {

void appendLine(std::string& out, char mark, llvm::StringRef line) {
  out += mark;
  out += line;
  if (!line.endswith("\n")) out += "\n\\ No newline at end of file\n";
}

std::string range(size_t start, size_t count) {
  // diff -u numbers from 1; an empty range names the line before it.
  size_t first = count == 0 ? start : start + 1;
  return count == 1 ? std::to_string(first) : std::to_string(first) + "," + std::to_string(count);
}

}  // namespace

std::string unifiedDiff(llvm::StringRef oldText, llvm::StringRef newText, llvm::StringRef oldName,
                        llvm::StringRef newName, unsigned context) {
  std::vector<llvm::StringRef> a = splitLines(oldText), b = splitLines(newText);
  std::vector<LineChange> changes = diffLines(a, b);
  if (changes.empty()) return "";
  std::string out = "--- " + oldName.str() + "\n+++ " + newName.str() + "\n";
  for (size_t i = 0; i < changes.size();) {
    // A hunk: changes closer than 2 * context lines share one.
    size_t j = i + 1;
    while (j < changes.size() &&
           changes[j].oldStart - (changes[j - 1].oldStart + changes[j - 1].oldCount) <= 2 * context)
      ++j;
    size_t oldFrom = changes[i].oldStart >= context ? changes[i].oldStart - context : 0;
    size_t newFrom = changes[i].newStart - (changes[i].oldStart - oldFrom);
    const LineChange& last = changes[j - 1];
    size_t oldTo = std::min(a.size(), last.oldStart + last.oldCount + context);
    size_t newTo = last.newStart + last.newCount + (oldTo - (last.oldStart + last.oldCount));
    out += "@@ -" + range(oldFrom, oldTo - oldFrom) + " +" + range(newFrom, newTo - newFrom) + " @@\n";
    size_t at = oldFrom;
    for (size_t k = i; k < j; ++k) {
      const LineChange& c = changes[k];
      for (; at < c.oldStart; ++at) appendLine(out, ' ', a[at]);
      for (size_t l = 0; l < c.oldCount; ++l) appendLine(out, '-', a[c.oldStart + l]);
      for (size_t l = 0; l < c.newCount; ++l) appendLine(out, '+', b[c.newStart + l]);
      at = c.oldStart + c.oldCount;
    }
    for (; at < oldTo; ++at) appendLine(out, ' ', a[at]);
    i = j;
  }
  return out;
}

}  // namespace mlops::format

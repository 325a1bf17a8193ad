#include "diag/suggest.h"

#include <algorithm>
#include <vector>

namespace mlops::diag {

unsigned editDistance(llvm::StringRef a, llvm::StringRef b, unsigned bound) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > bound) return bound + 1;
  std::vector<unsigned> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<unsigned>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<unsigned>(i);
    unsigned rowMin = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      rowMin = std::min(rowMin, cur[j]);
    }
    // A row never drops more than one below the row before last (a swap),
    // so two rows over the bound mean the distance is too.
    if (rowMin > bound && i > 1 && *std::min_element(prev.begin(), prev.end()) > bound) return bound + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], bound + 1);
}

std::optional<std::string> closestMatch(DiagnosticEngine& budget, llvm::StringRef word,
                                        llvm::ArrayRef<llvm::StringRef> candidates) {
  if (word.size() > kMaxSuggestedLength || !budget.suggestionsAllowed()) return std::nullopt;
  unsigned limit = std::max<unsigned>(1, static_cast<unsigned>(word.size()) / 3);
  std::optional<std::string> best;
  unsigned bestDistance = limit + 1;
  size_t compared = 0;
  for (llvm::StringRef c : candidates) {
    if (c == word || c.size() > word.size() + limit || c.size() + limit < word.size()) continue;
    ++compared;
    unsigned d = editDistance(word, c, bestDistance - 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = c.str();
    }
  }
  budget.chargeSuggestions(compared + 1);
  return best;
}

}  // namespace mlops::diag

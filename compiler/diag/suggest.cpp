#include "diag/suggest.h"

#include <algorithm>
#include <vector>

namespace mlops::diag {

unsigned editDistance(llvm::StringRef a, llvm::StringRef b) {
  const size_t n = a.size(), m = b.size();
  std::vector<unsigned> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<unsigned>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<unsigned>(i);
    for (size_t j = 1; j <= m; ++j) {
      unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<std::string> closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates) {
  unsigned limit = std::max<unsigned>(1, static_cast<unsigned>(word.size()) / 3);
  std::optional<std::string> best;
  unsigned bestDistance = limit + 1;
  for (llvm::StringRef c : candidates) {
    if (c == word) continue;
    unsigned d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c.str();
    }
  }
  return best;
}

}  // namespace mlops::diag

// "Did you mean ...?": the closest candidate by optimal string alignment
// distance (a swap of two neighbours counts as one edit). Bounded for
// hostile specs: words over kMaxSuggestedLength get none, candidates whose
// length alone puts them out of reach are skipped, the distance stops once
// it exceeds the bound, and the engine's budget caps the comparisons of a
// whole run (none after --max-errors).
#pragma once

#include "diag/diagnostic_engine.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>

#include <climits>
#include <optional>
#include <string>

namespace mlops::diag {

inline constexpr size_t kMaxSuggestedLength = 64;

// The distance between `a` and `b`, or `bound + 1` as soon as it is known to
// exceed `bound`.
unsigned editDistance(llvm::StringRef a, llvm::StringRef b, unsigned bound = UINT_MAX - 1);

// The candidate closest to `word`, if it is close enough to be a likely typo
// (at most one edit per three characters, at least one). Charged to
// `budget`, and nullopt once the budget is spent.
std::optional<std::string> closestMatch(DiagnosticEngine& budget, llvm::StringRef word,
                                        llvm::ArrayRef<llvm::StringRef> candidates);

}  // namespace mlops::diag

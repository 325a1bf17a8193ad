// "Did you mean ...?": the closest candidate by optimal string alignment
// distance (a swap of two neighbours counts as one edit).
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace mlops::diag {

unsigned editDistance(llvm::StringRef a, llvm::StringRef b);

// The candidate closest to `word`, if it is close enough to be a likely typo
// (at most one edit per three characters, at least one).
std::optional<std::string> closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates);

}  // namespace mlops::diag

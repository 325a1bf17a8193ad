// Line diffs of a file and its formatted text: the unified diff that
// `mlopsc fmt --diff/--check` prints, and the changed line ranges the
// language server turns into minimal text edits.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace mlops::format {

// Lines [oldStart, oldStart + oldCount) of the old text are replaced by
// lines [newStart, newStart + newCount) of the new text (0-based).
struct LineChange {
  size_t oldStart = 0, oldCount = 0;
  size_t newStart = 0, newCount = 0;
};

// Lines with their `\n` (the last one may lack it).
std::vector<llvm::StringRef> splitLines(llvm::StringRef text);

// A shortest edit script (Myers) after trimming the common head and tail;
// a middle so different that the script would cost more than `maxCost`
// edits becomes one change.
std::vector<LineChange> diffLines(llvm::ArrayRef<llvm::StringRef> oldLines, llvm::ArrayRef<llvm::StringRef> newLines,
                                  size_t maxCost = 4000);

// `diff -u` output with `context` lines around each change; "" when equal.
std::string unifiedDiff(llvm::StringRef oldText, llvm::StringRef newText, llvm::StringRef oldName,
                        llvm::StringRef newName, unsigned context = 3);

}  // namespace mlops::format

// The governance diff (governance_diff.h) as GitHub-flavoured Markdown for
// a pull-request or merge-request comment: the verdict first, then one
// table per declaration (loosened first) with old → new and where, then the
// pipeline graph's edges. Every spec string is escaped (markdown_text.h),
// long values are cut, and the whole comment stays under `maxChars`
// (GitHub's limit is 65,536), with a note saying what was left out.
#pragma once

#include "emit/governance_diff.h"

#include <cstddef>
#include <string>

namespace mlops::emit {

inline constexpr size_t kCommentLimit = 65536;

std::string renderDiffMarkdown(const GovernanceDiff& diff, size_t maxChars = kCommentLimit);

}  // namespace mlops::emit

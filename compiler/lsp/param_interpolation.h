// What the editor offers inside `${params.…}` in a command: the project's
// param keys as completions, and a param's value and type on hover
// (docs/language.md 5.1.2). Works on the text around the cursor, so it
// answers while the string is still being typed.
#pragma once

#include "lsp/completion.h"
#include "lsp/document_analysis.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::lsp {

// The project's param keys and groups when the cursor follows `${params.`
// (and part of a key); empty elsewhere.
std::vector<CompletionItem> paramCompletions(const Analysis& analysis, size_t offset);

// Markdown for the `${params.KEY}` under the cursor: the project param's
// type, value (or that `-P` must give it), `where` and where it is written.
std::optional<std::string> paramHover(const Analysis& analysis, size_t offset);

}  // namespace mlops::lsp

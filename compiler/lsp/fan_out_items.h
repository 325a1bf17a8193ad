// The editor's view of a fan-out (sema/fan_out.h): hover lists the nodes a
// `foreach` or `matrix` makes, and completion inside `run`, `outputs` and
// `params` strings offers what `${item.` and `${` can read there.
#pragma once

#include "lsp/completion.h"
#include "sema/program.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::lsp {

// "**items (foreach, 2):** `featurize@us` (region = us-east1, rows = 100), …"
// for hover, at most 12 items listed; nullopt when `symbol` does not fan out.
std::optional<std::string> fanOutItemsText(const sema::Program& program, const sema::Symbol& symbol);

// Completions for an interpolation being typed in a string of the document
// at `offset`: after `${item.` the value names of the enclosing fan-out's
// items, after `${` the item forms it has (`item`, `key`). Empty elsewhere.
std::vector<CompletionItem> itemCompletions(const Analysis& analysis, size_t offset);

}  // namespace mlops::lsp

// Completion at an offset of a document. The context comes from the tokens
// before the cursor (brace and bracket nesting, the property being set), so
// it works while the declaration being typed does not parse yet; the
// candidates come from the property schemas and the checked program.
#pragma once

#include "lsp/document_analysis.h"

#include <string>
#include <vector>

namespace mlops::lsp {

struct CompletionItem {
  std::string label;
  int kind = 1;            // LSP CompletionItemKind
  std::string detail;
  std::string documentation;
  std::string insertText;  // empty: the label
  // When set, replaces [replaceFrom, cursor) instead of the word at the cursor.
  bool replaces = false;
  size_t replaceFrom = 0;
};

std::vector<CompletionItem> complete(const Analysis& analysis, size_t offset);

}  // namespace mlops::lsp

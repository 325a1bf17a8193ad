#include "lsp/fan_out_items.h"

#include <llvm/ADT/StringExtras.h>

#include <algorithm>

namespace mlops::lsp {
namespace {

constexpr size_t kHoverItems = 12;
// LSP CompletionItemKind Variable.
constexpr int kVariable = 6;

std::string valuesText(const sema::FanOutItem& item) {
  std::string out;
  for (const sema::FanOutValue& v : item.values)
    if (!v.key.empty()) out += (out.empty() ? "" : ", ") + v.key + " = " + v.text;
  return out;
}

// The fanned-out declaration of the document whose body holds `offset`.
const sema::FanOut* fanOutAt(const Analysis& a, size_t offset) {
  if (!a.program || !a.file) return nullptr;
  for (const ast::Decl* d : a.file->decls) {
    if (!d->body || !a.inDocument(d->body->range.Start)) continue;
    size_t from = a.offset(d->body->range.Start), to = a.offset(d->body->range.End);
    if (offset <= from || offset > to) continue;
    const sema::Symbol* s = a.program->symbolOf.lookup(d);
    return s ? a.program->fanOutOf(s) : nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> fanOutItemsText(const sema::Program& program, const sema::Symbol& symbol) {
  const sema::FanOut* fanOut = program.fanOutOf(&symbol);
  if (!fanOut) return std::nullopt;
  std::string out = "**items (" + fanOut->keyword().str() + ", " + std::to_string(fanOut->items.size()) + "):**";
  for (size_t i = 0; i < fanOut->items.size() && i < kHoverItems; ++i) {
    const sema::FanOutItem& item = fanOut->items[i];
    std::string values = valuesText(item);
    out += (i ? ", " : " ") + ("`" + symbol.name.str() + "@" + item.name + "`") +
           (values.empty() ? "" : " (" + values + ")");
  }
  if (fanOut->items.size() > kHoverItems)
    out += ", … and " + std::to_string(fanOut->items.size() - kHoverItems) + " more";
  return out;
}

std::vector<CompletionItem> itemCompletions(const Analysis& a, size_t offset) {
  if (offset > a.text.size()) return {};
  llvm::StringRef before = a.text.substr(0, offset);
  // The name being typed, then what stands before it.
  size_t start = before.size();
  while (start > 0 && (llvm::isAlnum(before[start - 1]) || before[start - 1] == '_')) --start;
  llvm::StringRef head = before.substr(0, start);
  bool afterItem = head.endswith("${item.");
  bool afterOpen = !afterItem && head.endswith("${") && !head.endswith("$${");
  if (!afterItem && !afterOpen) return {};
  const sema::FanOut* fanOut = fanOutAt(a, offset);
  if (!fanOut) return {};
  std::vector<CompletionItem> out;
  auto add = [&](const std::string& label, const std::string& detail) {
    CompletionItem c{label, kVariable, detail, "", ""};
    c.replaces = true;
    c.replaceFrom = start;
    out.push_back(std::move(c));
  };
  if (afterOpen) {
    if (fanOut->kind == sema::FanOut::Kind::List) add("item", "the item's value");
    if (fanOut->kind == sema::FanOut::Kind::Map) add("key", "the item's key");
    if (fanOut->kind != sema::FanOut::Kind::List) add("item", "the item's values: item.NAME");
    return out;
  }
  if (fanOut->kind == sema::FanOut::Kind::List) return {};
  std::vector<std::string> seen;
  for (const sema::FanOutItem& item : fanOut->items)
    for (const sema::FanOutValue& v : item.values) {
      if (std::find(seen.begin(), seen.end(), v.key) != seen.end()) continue;
      seen.push_back(v.key);
      add(v.key, "e.g. " + v.text + " (item " + item.name + ")");
    }
  return out;
}

}  // namespace mlops::lsp

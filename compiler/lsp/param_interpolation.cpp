#include "lsp/param_interpolation.h"

#include "diag/source_location.h"
#include "ir/project_params.h"

namespace mlops::lsp {
namespace {

// LSP CompletionItemKind: Variable.
constexpr int kVariable = 6;

// The `${` that opens the interpolation around `offset` on its line (no `}`
// between), or npos.
size_t openingBefore(llvm::StringRef text, size_t offset) {
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
  size_t open = text.slice(lineStart, offset).rfind("${");
  if (open == llvm::StringRef::npos) return open;
  open += lineStart;
  if (text.slice(open, offset).contains('}')) return llvm::StringRef::npos;
  return open;
}

std::string describe(const ir::ProjectParams& params, const std::string& key) {
  std::string out;
  if (const ir::ProjectParam* p = ir::findParam(params, key)) {
    out = p->type.empty() ? "" : " : " + p->type;
    out += p->value ? " = " + p->value->dump() : " (no default: `mlopsc run -P " + key + "=VALUE`)";
    return out;
  }
  if (std::optional<nlohmann::ordered_json> group = ir::paramValue(params, key)) return " = " + group->dump();
  return out;
}

}  // namespace

std::vector<CompletionItem> paramCompletions(const Analysis& a, size_t offset) {
  if (!a.program || !a.program->params || offset > a.text.size()) return {};
  size_t open = openingBefore(a.text, offset);
  if (open == llvm::StringRef::npos) return {};
  llvm::StringRef typed = a.text.slice(open + 2, offset).ltrim();
  if (!typed.consume_front("params.")) return {};
  const ir::ProjectParams& params = a.program->params->params;
  std::vector<CompletionItem> out;
  for (const std::string& name : ir::paramNames(params)) {
    if (!llvm::StringRef(name).startswith(typed)) continue;
    CompletionItem item;
    item.label = name;
    item.kind = kVariable;
    item.detail = "project param" + describe(params, name);
    item.replaces = true;
    item.replaceFrom = offset - typed.size();
    out.push_back(std::move(item));
  }
  return out;
}

std::optional<std::string> paramHover(const Analysis& a, size_t offset) {
  if (!a.program || !a.program->params || offset >= a.text.size()) return std::nullopt;
  size_t open = openingBefore(a.text, offset + 1);
  if (open == llvm::StringRef::npos) return std::nullopt;
  size_t close = a.text.find('}', open);
  if (close == llvm::StringRef::npos || close < offset) return std::nullopt;
  llvm::StringRef body = a.text.slice(open + 2, close).trim();
  if (!body.consume_front("params.")) return std::nullopt;
  const sema::ParamsFacts& facts = *a.program->params;
  std::string key = body.str();
  if (!ir::hasParam(facts.params, key)) return std::nullopt;
  std::string text = "```mlops\nparams." + key + describe(facts.params, key) + "\n```\n\nproject param";
  for (size_t i = 0; i < facts.params.entries.size(); ++i) {
    if (facts.params.entries[i].key != key) continue;
    if (facts.conditions[i]) {
      const char* b = facts.conditions[i]->range.Start.getPointer();
      const char* e = facts.conditions[i]->range.End.getPointer();
      if (b && e > b) text += ", where `" + std::string(b, e) + "`";
    }
    diag::ResolvedRange r = diag::resolveRange(a.sources, facts.ranges[i]);
    text += "; set in `" + r.file + "` line " + std::to_string(r.start.line);
  }
  return text + " (a node's own param of the same name would come first)";
}

}  // namespace mlops::lsp

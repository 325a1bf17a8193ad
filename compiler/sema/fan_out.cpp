#include "sema/fan_out.h"

#include "sema/program.h"
#include "support/shell_quote.h"

namespace mlops::sema {
namespace {

// `${` in a substituted value stays literal: written `$${`.
std::string literalDollars(llvm::StringRef value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '$' && value.substr(i, 2) == "${") out += '$';
    out += value[i];
  }
  return out;
}

}  // namespace

bool itemNameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

bool readsItem(llvm::StringRef body) {
  body = body.trim();
  return body == "item" || body == "key" || body.startswith("item.");
}

std::optional<std::string> itemValue(const FanOut& fanOut, const FanOutItem& item, llvm::StringRef body,
                                     std::string& why) {
  body = body.trim();
  using Kind = FanOut::Kind;
  if (body == "key") {
    if (fanOut.kind == Kind::Map) return item.name;
    why = std::string("`${key}` is the key of a map item, and these items come from ") +
          (fanOut.kind == Kind::List ? "a list: write `${item}`" : "a matrix: write `${item.NAME}`");
    return std::nullopt;
  }
  if (body == "item") {
    if (fanOut.kind == Kind::List) return item.values.front().text;
    why = std::string("an item of this `") + fanOut.keyword().str() + "` holds named values: write `${item.NAME}`" +
          (fanOut.kind == Kind::Map ? " (or `${key}` for its key)" : "");
    return std::nullopt;
  }
  llvm::StringRef name = body.drop_front(5);  // after `item.`
  if (fanOut.kind == Kind::List) {
    why = "the items of this `foreach` are single values: write `${item}`";
    return std::nullopt;
  }
  for (const FanOutValue& v : item.values)
    if (v.key == name) return v.text;
  why = "item `" + item.name + "` has no value `" + name.str() + "`";
  return std::nullopt;
}

const FanOutValue* itemValueOf(const FanOut& fanOut, const FanOutItem& item, llvm::StringRef body) {
  body = body.trim();
  if (fanOut.kind == FanOut::Kind::List) return body == "item" ? &item.values.front() : nullptr;
  if (!body.startswith("item.")) return nullptr;
  for (const FanOutValue& v : item.values)
    if (v.key == body.drop_front(5)) return &v;
  return nullptr;
}

std::string substituteItem(llvm::StringRef written, const FanOut& fanOut, const FanOutItem& item, ItemText mode) {
  bool command = mode == ItemText::Command;
  std::string out;
  for (size_t i = 0; i < written.size();) {
    if (written.substr(i, 3) == "$${") {
      out += command ? "$${" : "${";
      i += 3;
      continue;
    }
    size_t close = written.substr(i, 2) == "${" ? written.find('}', i + 2) : llvm::StringRef::npos;
    if (close == llvm::StringRef::npos) {
      out += written[i++];
      continue;
    }
    llvm::StringRef body = written.slice(i + 2, close);
    std::string why;
    std::optional<std::string> value = readsItem(body) ? itemValue(fanOut, item, body, why) : std::nullopt;
    if (value) out += command ? literalDollars(support::shellQuote(*value)) : *value;
    else out += written.slice(i, close + 1).str();
    i = close + 1;
  }
  return out;
}

std::string itemInterpolationProblem(const Program& program, const ast::Decl* decl, llvm::StringRef body) {
  const Symbol* symbol = program.symbolOf.lookup(decl);
  const FanOut* fanOut = symbol ? program.fanOutOf(symbol) : nullptr;
  if (!fanOut) {
    if (Program::member(decl, "foreach") || Program::member(decl, "matrix")) return "";
    return "`${" + body.trim().str() + "}` reads the item of a fan-out: it is available only in a declaration with "
           "`foreach` or `matrix`";
  }
  std::string why;
  for (const FanOutItem& item : fanOut->items)
    if (!itemValue(*fanOut, item, body, why)) return why;
  return "";
}

bool usesItem(llvm::StringRef written) {
  for (size_t i = 0; i + 1 < written.size(); ++i) {
    if (written.substr(i, 3) == "$${") {
      i += 2;
      continue;
    }
    if (written.substr(i, 2) != "${") continue;
    size_t close = written.find('}', i + 2);
    if (close == llvm::StringRef::npos) return false;
    if (readsItem(written.slice(i + 2, close))) return true;
    i = close;
  }
  return false;
}

}  // namespace mlops::sema

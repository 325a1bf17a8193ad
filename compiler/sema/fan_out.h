// Fan-out: a step or model with `foreach` (a list of values, or a map of
// named items) or `matrix` (the cartesian product of named value lists)
// stands for one node per item, named `NAME@ITEM` (DVC's naming: a list item
// by its value, a map item by its key, a matrix item by its values joined
// with `-` in declaration order). The item is read with `${item}` (list),
// `${key}` and `${item.NAME}` (map) or `${item.NAME}` (matrix) in `run`,
// `outputs` and `params`. Pass `fan_out` reads the items (E0311) and checks
// their use (E0409, E0303, W0711); the IR builder expands each declaration
// into its items (ir/fan_out.h), so the runtime and the backends see plain
// nodes.
#pragma once

#include "ast/ast.h"

#include <llvm/ADT/StringRef.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mlops::sema {

class Program;

// The most items one declaration may fan out into: each is a node, a CI job
// and a line of the summary, and GitHub caps a workflow at 256 jobs per
// matrix anyway; a sweep larger than this belongs in a tuning tool.
inline constexpr size_t kMaxFanOutItems = 1000;
// The longest item name: it becomes part of node ids, file and job names.
inline constexpr size_t kMaxItemNameLength = 64;

// One value of an item: `key` is "" for a list item (`${item}`), the value's
// name otherwise (`${item.region}`).
struct FanOutValue {
  std::string key;
  std::string text;              // as substituted: a string's value, a number as written
  const ast::Expr* expr = nullptr;
};

struct FanOutItem {
  std::string name;              // `us`, `0.1-50`
  std::vector<FanOutValue> values;
  llvm::SMRange range;           // where the item is written
};

struct FanOut {
  enum class Kind { List, Map, Matrix } kind = Kind::List;
  std::vector<FanOutItem> items;
  const ast::Member* member = nullptr;  // the `foreach` or `matrix` member
  llvm::StringRef keyword() const { return kind == Kind::Matrix ? "matrix" : "foreach"; }
};

// Whether a character may appear in an item name: letters, digits, `_`, `.`
// and `-`, safe in a node id, a file name, a CI job name and a shell word.
bool itemNameCharacter(char c);

// Whether an interpolation body (`item`, `item.region`, `key`) reads the item.
bool readsItem(llvm::StringRef body);

// The value `body` reads from `item`, or nullopt with `why` set.
std::optional<std::string> itemValue(const FanOut& fanOut, const FanOutItem& item, llvm::StringRef body,
                                     std::string& why);

// The value `body` reads, when it is one of the item's values (not `${key}`).
const FanOutValue* itemValueOf(const FanOut& fanOut, const FanOutItem& item, llvm::StringRef body);

// `written` (a string as written: `${…}` interpolates, `$${` is a literal
// `${`) with every item interpolation replaced by the item's value.
// Command (`run`): the result is still a command as written, for the
// runtime: the value becomes one single-quoted shell word, the quoting the
// runtime gives any other interpolation (the compiler checked that it stands
// where a word starts, ir/shell_context.h), its `${` written `$${`; other
// interpolations are kept. Value (`outputs`, `params`): the final text, the
// value as it is and `$${` turned into `${`.
enum class ItemText { Command, Value };
std::string substituteItem(llvm::StringRef written, const FanOut& fanOut, const FanOutItem& item, ItemText mode);

// Why the item interpolation `${body}` cannot stand in `decl`: it does not
// fan out, or an item lacks the value. "" when it can, and when the
// declaration's `foreach`/`matrix` was refused already (E0311).
std::string itemInterpolationProblem(const Program& program, const ast::Decl* decl, llvm::StringRef body);

// Whether `written` holds an item interpolation.
bool usesItem(llvm::StringRef written);

}  // namespace mlops::sema

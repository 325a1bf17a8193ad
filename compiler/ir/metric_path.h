// A metric named by a key path: `metrics.roc_auc.test` and
// `metrics["roc-auc"]` read nested objects of a metrics JSON document
// (docs/language.md 6.3). In the IR a key path is the `path` array of an
// expression: the root (`metrics`, `baseline`, `live`) then one key per level,
// each key exactly as written (a key may hold dots or dashes).
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <nlohmann/json.hpp>

#include <string>

namespace mlops::ir {

// The path as a user writes it: `metrics.roc_auc.test`, `live["p95-ms"]`.
std::string keyPathText(llvm::ArrayRef<std::string> segments);
std::string keyPathText(llvm::ArrayRef<llvm::StringRef> segments);

// The value at `keys` inside `document`, walking nested objects one key per
// level; null when a level is missing or not an object.
const nlohmann::ordered_json* valueAtKeys(const nlohmann::ordered_json& document,
                                          llvm::ArrayRef<std::string> keys);

}  // namespace mlops::ir

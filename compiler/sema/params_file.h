// Reads a project's parameters file (`params = file("params.yaml")`): YAML,
// or JSON (a JSON document is a YAML document, so one reader serves both).
// What comes out is the file's leaves by dotted key (`train.n_est`), each a
// JSON value: a scalar, a list, or an empty map. A list is one leaf: its
// items are not addressable one by one.
//
// The file may come from an untrusted pull request, so the reader bounds
// what it accepts instead of trusting yaml-cpp's node graph: it listens to
// the parser's events (no node tree is built), refuses aliases (an alias bomb
// expands to billions of nodes from a few lines), refuses nesting deeper
// than kMaxParamsDepth and more than kMaxParamsNodes values, and refuses
// duplicate keys (YAML says they are an error; yaml-cpp keeps the last one
// silently). The caller bounds the size (1 MiB, docs/language.md).
//
// Scalars follow YAML 1.2's core schema: plain `true`/`false` are booleans,
// plain integers and decimals numbers, `null`/`~`/empty null, everything
// else (and every quoted scalar) a string. Infinite and NaN numbers are
// refused: the values reach commands and JSON, where they have no spelling.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::sema {

inline constexpr unsigned kMaxParamsDepth = 32;
inline constexpr size_t kMaxParamsNodes = 100000;
inline constexpr size_t kMaxParamsFileBytes = 1 << 20;  // 1 MiB

struct ParamsFileLeaf {
  std::string key;  // dotted: train.n_est
  nlohmann::ordered_json value;
  size_t offset = 0;  // byte offset of the key in the file
};

struct ParamsFileError {
  std::string message;  // lowercase, says what was found and what was expected
  size_t offset = 0;    // byte offset in the file
  size_t length = 0;    // 0: a point
};

// The leaves of the file in document order, or false with `error` set.
bool readParamsFile(std::string_view bytes, std::vector<ParamsFileLeaf>& out, ParamsFileError& error);

}  // namespace mlops::sema

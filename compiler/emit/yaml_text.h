// Writing YAML scalars safely with yaml-cpp. Quoting in generated CI files is
// a security boundary, so every string goes through `scalar`: words we
// control that YAML reads back as the same string stay plain, anything else
// (user text, numbers-as-strings, YAML keywords like `on`/`no`/`null`) is
// double-quoted, with yaml-cpp doing the escaping.
#pragma once

#include <yaml-cpp/emitter.h>

#include <string>
#include <string_view>

namespace mlops::emit {

// True when `s` can be written as a plain scalar and reads back as the same
// string in YAML 1.1 and 1.2 (no keyword, no number, no indicator).
bool isPlainSafe(std::string_view s);

// Emits `s` as a string scalar (plain when isPlainSafe, else double-quoted).
void scalar(YAML::Emitter& out, std::string_view s);

// Emits `s` always quoted: single-quoted when it has no control characters
// (expressions with `"` read best that way), else double-quoted.
void quotedText(YAML::Emitter& out, std::string_view s);

// `{}` and `[]`.
void emptyMap(YAML::Emitter& out);
void emptySeq(YAML::Emitter& out);

// A new emitter with the settings every generated file uses (block style,
// two-space indentation, sequences indented under their key).
void configure(YAML::Emitter& out);

// The finished document: a header comment, the YAML, a final newline.
// Throws std::runtime_error when yaml-cpp reports an emitter error (a bug).
std::string finishDocument(const YAML::Emitter& out, std::string_view header);

}  // namespace mlops::emit

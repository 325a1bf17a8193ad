// Writing YAML scalars safely with yaml-cpp. Quoting in generated CI files is
// a security boundary, so every string goes through `scalar`: text that
// YAML reads back as the same string in any parser (isPlainSafe: a strict
// subset of plain scalars) is written plain, anything else (user text,
// numbers-as-strings, YAML keywords like `on`/`no`/`null`) is quoted by
// yaml-cpp: single quotes when that is exact, else double quotes with
// escapes.
//
// yaml-cpp decides "plain or quoted" itself only in its Auto format, with a
// regular-expression match per character; that check was 60% of
// `mlopsc build` at 100k lines (docs/benchmarks.md). Plain-safe text is
// therefore handed to yaml-cpp's scalar path directly (its streamable-value
// writer), so yaml-cpp still lays out the document, keys, indentation and
// every quoted string.
#pragma once

#include <yaml-cpp/emitter.h>

#include <string>
#include <string_view>

namespace mlops::emit {

// True when `s` can be written as a plain scalar and reads back as the same
// string in YAML 1.1 and 1.2 (no keyword, no number, no indicator).
bool isPlainSafe(std::string_view s);

// Emits `s` as a string scalar: plain when isPlainSafe, else single-quoted
// when it has no control characters, else double-quoted.
void scalar(YAML::Emitter& out, std::string_view s);

// A string for `out << Word{"..."}`: written with scalar().
struct Word {
  std::string_view text;
};
YAML::Emitter& operator<<(YAML::Emitter& out, Word w);

// A key a platform defines and documents plain, though YAML 1.1 reads it as a
// boolean (GitHub's `on`): letters only, written as it is.
struct PlatformKey {
  std::string_view text;
};
YAML::Emitter& operator<<(YAML::Emitter& out, PlatformKey k);

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

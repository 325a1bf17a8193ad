// Text from a spec, a state store row, a node's log or the command line,
// made safe to show on a terminal or in a text file someone will `cat`:
// control characters and the Unicode bidirectional controls become visible
// escapes, so such text can neither drive the terminal (clear the screen,
// rewrite the title or the clipboard, move the cursor over earlier lines)
// nor read differently from what it holds ("Trojan source" reordering).
//
// The one function every text output uses (history, log, status and run
// summaries, approve, report.md, text diagnostics); the HTML report escapes
// for HTML instead. Its library, mlops_support, depends on nothing, so the
// runtime may link it as well as the compiler.
#pragma once

#include <string>
#include <string_view>

namespace mlops::support {

enum class Lines {
  Single,  // one field on one line: tab, newline and carriage return escaped too
  Multi,   // a multi-line text (a log, a paragraph): tab and newline kept
};

// `text` with each of these replaced by a visible escape:
//   C0 controls (U+0000–U+001F) and DEL    \x1b, \x7f; \t \n \r by name
//   C1 controls (U+0080–U+009F)            \u{9b}
//   bidi embeddings, overrides, isolates   \u{202e} (U+202A–U+202E, U+2066–U+2069)
//     and marks (U+200E, U+200F, U+061C)
//   line and paragraph separators          \u{2028}, \u{2029}
//   bytes that are not valid UTF-8         \xff (one escape per byte)
// Everything else is kept byte for byte; a backslash is not doubled, so the
// result is for reading, not for decoding back.
std::string escapeControls(std::string_view text, Lines lines = Lines::Single);

// Whether escapeControls replaces the code point `c` in single-line text.
bool isEscapedCodePoint(char32_t c);

}  // namespace mlops::support

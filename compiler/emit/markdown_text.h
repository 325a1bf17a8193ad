// User text in GitHub-flavoured Markdown: escaped so it reads as text and
// never as markup, whatever it holds (a `|` cannot break a table, `<script>`
// or `<details>` stays text, a backtick cannot close a code span). The audit
// report (audit_markdown.h) and the governance diff (diff_markdown.h) write
// every spec, state or command-line string through these.
#pragma once

#include <string>

namespace mlops::emit {

// Plain text: line breaks become spaces; `\`, backticks, `*`, brackets,
// `<`, `>`, `|`, `~` and `&` always get a backslash (CommonMark allows one
// before any ASCII punctuation), `_` when it could open or close emphasis
// (at a word's edge: `credit_risk` stays as it is), and, with `lineStart`,
// a `#`, `-`, `+`, `=` or `1.` that would start a heading or a list.
// Control characters and bidi controls become visible escapes first
// (support/display_text.h).
std::string markdownText(const std::string& text, bool lineStart = false);

// A code span: backticks longer than any run inside; `|` escaped for
// tables; line breaks as spaces; control characters as visible escapes.
std::string markdownCode(const std::string& text);

}  // namespace mlops::emit

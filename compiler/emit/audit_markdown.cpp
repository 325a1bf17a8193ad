#include "emit/audit_markdown.h"

#include "support/display_text.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mlops::emit {
namespace {

// Plain text, escaped so it reads as text and never as markup: line breaks
// become spaces; `\`, backticks, `*`, brackets, `<`, `>`, `|`, `~` and `&`
// always get a backslash (CommonMark allows one before any ASCII
// punctuation), `_` when it could open or close emphasis (at a word's edge:
// `credit_risk` stays as it is), and a `#`, `-`, `+` or `1.` that would
// start a heading or a list at the start of a line. Control characters and
// bidi controls become visible escapes first (support/display_text.h).
std::string escapeText(const std::string& text, bool lineStart = false) {
  std::string s = support::escapeControls(text, support::Lines::Multi);
  std::string out;
  out.reserve(s.size() + 8);
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    bool escape = std::string_view("\\`*[]<>|~&").find(c) != std::string_view::npos;
    if (c == '_') escape = i == 0 || i + 1 == s.size() || !word(s[i - 1]) || !word(s[i + 1]);
    if (lineStart && i == 0 && (c == '#' || c == '-' || c == '+' || c == '=')) escape = true;
    if (lineStart && c == '.' && i > 0 && std::all_of(s.begin(), s.begin() + static_cast<long>(i),
                                                     [](char d) { return std::isdigit(static_cast<unsigned char>(d)); }))
      escape = true;
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

// A code span: backticks longer than any run inside; `|` escaped for tables;
// control characters as visible escapes.
std::string codeSpan(const std::string& s) {
  size_t longest = 0, run = 0;
  std::string body;
  for (char c : support::escapeControls(s, support::Lines::Multi)) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '\n' || c == '\r') body += ' ';
    else if (c == '|') body += "\\|";
    else body += c;
  }
  std::string fence(longest + 1, '`');
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string cell(const Cell& c) {
  if (c.text.empty()) return "";
  std::string text = c.code ? codeSpan(c.text) : escapeText(c.text);
  if (c.tone == Tone::Bad || c.tone == Tone::Warn) return "**" + text + "**";
  if (c.tone == Tone::Muted) return "_" + text + "_";
  return text;
}

}  // namespace

std::string renderAuditMarkdown(const Document& doc) {
  std::string out = "# " + escapeText(doc.title) + "\n\n";
  out += "Contents:";
  for (const Section& s : doc.sections) out += " [" + escapeText(s.title) + "](#" + s.anchor + ")" + (&s == &doc.sections.back() ? "" : " ·");
  out += "\n";
  for (const Section& s : doc.sections) {
    out += "\n<a id=\"" + s.anchor + "\"></a>\n\n## " + escapeText(s.title) + "\n";
    for (const Block& b : s.blocks) {
      if (b.kind == Block::Kind::Chart) continue;  // the facts before it give the first and last points
      out += "\n";
      if (!b.heading.empty()) out += "### " + escapeText(b.heading) + "\n\n";
      switch (b.kind) {
        case Block::Kind::Paragraph: {
          std::string text;
          for (const Cell& c : b.text)
            text += text.empty() && !c.code && c.tone == Tone::Plain ? escapeText(c.text, /*lineStart=*/true) : cell(c);
          out += text + "\n";
          break;
        }
        case Block::Kind::Facts:
          out += "| | |\n|---|---|\n";
          for (const auto& [label, value] : b.facts) out += "| " + escapeText(label) + " | " + cell(value) + " |\n";
          break;
        case Block::Kind::Table: {
          out += "|";
          for (const std::string& c : b.columns) out += " " + escapeText(c) + " |";
          out += "\n|";
          for (size_t i = 0; i < b.columns.size(); ++i) out += "---|";
          out += "\n";
          for (const auto& row : b.rows) {
            out += "|";
            for (const Cell& c : row) out += " " + cell(c) + " |";
            out += "\n";
          }
          break;
        }
        case Block::Kind::Picture:
          out += "![the pipeline graph](pipeline.svg)\n";
          break;
        case Block::Kind::Chart:
          break;
      }
    }
  }
  return out;
}

}  // namespace mlops::emit

#include "emit/audit_markdown.h"

#include "emit/markdown_text.h"

#include <string>

namespace mlops::emit {
namespace {

std::string escapeText(const std::string& text, bool lineStart = false) { return markdownText(text, lineStart); }
std::string codeSpan(const std::string& s) { return markdownCode(s); }

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

#include "emit/audit_html.h"

namespace mlops::emit {
namespace {

const char* kStyle = R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #d0d7de; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; }
nav ul { columns: 2; list-style: none; padding-left: 0; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td code { overflow-wrap: anywhere; }
td:first-child code { white-space: nowrap; overflow-wrap: normal; }
th { background: #f6f8fa; font-weight: 600; }
table.facts th { width: 14rem; }
code { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .2rem; border-radius: 3px; }
.good { color: #116329; font-weight: 600; }
.warn { color: #7d4e00; background: #fff8c5; font-weight: 600; }
.bad { color: #82071e; background: #ffebe9; font-weight: 700; }
.muted { color: #656d76; font-style: italic; }
p.verdict { font-size: 1.1rem; padding: .5rem .7rem; border: 1px solid #d0d7de; border-radius: 6px; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
footer { margin-top: 3rem; color: #656d76; font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  .warn, .bad { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

const char* toneClass(Tone t) {
  switch (t) {
    case Tone::Good: return "good";
    case Tone::Warn: return "warn";
    case Tone::Bad: return "bad";
    case Tone::Muted: return "muted";
    case Tone::Plain: return "";
  }
  return "";
}

std::string cell(const Cell& c) {
  std::string text = escapeHtml(c.text);
  if (c.code && !c.text.empty()) text = "<code>" + text + "</code>";
  const char* cls = toneClass(c.tone);
  if (*cls) return "<span class=\"" + std::string(cls) + "\">" + text + "</span>";
  return text;
}

// Graphviz's SVG without its XML prolog and doctype (invalid inside HTML).
std::string inlineSvg(const std::string& svg) {
  size_t start = svg.find("<svg");
  return start == std::string::npos ? "" : svg.substr(start);
}

}  // namespace

std::string escapeHtml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string renderAuditHtml(const Document& doc) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escapeHtml(doc.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + escapeHtml(doc.title) + "</h1>\n<nav><ul>\n";
  for (const Section& s : doc.sections) out += "<li><a href=\"#" + s.anchor + "\">" + escapeHtml(s.title) + "</a></li>\n";
  out += "</ul></nav>\n";
  for (const Section& s : doc.sections) {
    out += "<section id=\"" + s.anchor + "\">\n<h2>" + escapeHtml(s.title) + "</h2>\n";
    for (const Block& b : s.blocks) {
      if (!b.heading.empty()) out += "<h3>" + escapeHtml(b.heading) + "</h3>\n";
      switch (b.kind) {
        case Block::Kind::Paragraph: {
          std::string text;
          for (const Cell& c : b.text) text += cell(c);
          out += std::string(s.anchor == "summary" && &b == &s.blocks.front() ? "<p class=\"verdict\">" : "<p>") + text + "</p>\n";
          break;
        }
        case Block::Kind::Facts:
          out += "<table class=\"facts\">\n";
          for (const auto& [label, value] : b.facts)
            out += "<tr><th scope=\"row\">" + escapeHtml(label) + "</th><td>" + cell(value) + "</td></tr>\n";
          out += "</table>\n";
          break;
        case Block::Kind::Table:
          out += "<table>\n<thead><tr>";
          for (const std::string& c : b.columns) out += "<th scope=\"col\">" + escapeHtml(c) + "</th>";
          out += "</tr></thead>\n<tbody>\n";
          for (const auto& row : b.rows) {
            out += "<tr>";
            for (const Cell& c : row) out += "<td>" + cell(c) + "</td>";
            out += "</tr>\n";
          }
          out += "</tbody>\n</table>\n";
          break;
        case Block::Kind::Picture:
          out += "<figure>" + inlineSvg(b.svg) + "</figure>\n";
          break;
        case Block::Kind::Chart:
          out += "<figure class=\"plot\">" + b.svg + "</figure>\n";
          break;
      }
    }
    out += "</section>\n";
  }
  out += "<footer>Generated by mlopsc from the spec and its run history; report.json carries the same content "
         "(docs/report.schema.json).</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace mlops::emit

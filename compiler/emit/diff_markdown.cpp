#include "emit/diff_markdown.h"

#include "emit/markdown_text.h"

#include <string_view>

namespace mlops::emit {
namespace {

// Longest value (old or new) and change text shown; the JSON has them whole.
constexpr size_t kMaxValue = 200;
constexpr size_t kMaxText = 600;

// At most `limit` bytes, cut at a character boundary, with `…` when cut.
std::string cut(const std::string& s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "…";
}

std::string code(const std::string& s) { return markdownCode(cut(s, kMaxValue)); }
std::string text(const std::string& s) { return markdownText(cut(s, kMaxText)); }

// The direction, else what happened to a declaration (added, removed).
std::string directionCell(const AuditChange& c) {
  switch (c.direction) {
    case AuditChange::Direction::Loosened: return "**loosened**";
    case AuditChange::Direction::Tightened: return "tightened";
    case AuditChange::Direction::None: break;
  }
  return c.kind == AuditChange::Kind::Changed ? "" : auditChangeKindName(c.kind);
}

// A declaration whose one change is that it was added or removed: listed
// with its neighbours of the same kind in one table.
bool onlyDeclared(const DiffDeclaration& d) {
  return d.changes.size() == 1 && d.changes.front().change.kind != AuditChange::Kind::Changed;
}

std::string where(const DiffLocation& l) {
  if (l.file.empty()) return "";
  std::string at = l.line ? l.file + ":" + std::to_string(l.line) : l.file;
  return (l.inBase ? "base " : "") + code(at);
}

std::string values(const DiffChange& c) {
  const AuditChange& a = c.change;
  if (a.kind != AuditChange::Kind::Changed) return "";
  std::string before = a.before.empty() ? "_(none)_" : code(a.before);
  std::string after = a.after.empty() ? "_(none)_" : code(a.after);
  return before + " → " + after;
}

// The verdict, its pieces cut so that it stays one readable line.
std::string verdict(const std::vector<VerdictPiece>& pieces) {
  std::string out;
  size_t length = 0;
  for (const VerdictPiece& p : pieces) {
    if (length > kMaxText * 4) return out + "…";
    length += p.text.size();
    out += p.code ? markdownCode(cut(p.text, kMaxValue)) : text(p.text);
  }
  return out;
}

std::string sideText(const DiffInput& in) {
  std::string path = in.path.empty() ? std::string("-") : in.path;
  return code(path) + " (" + diffSideName(in.side) + ")";
}

// `test \`auc_floor\`` as text and a code span.
std::string labelText(const std::string& label) {
  size_t open = label.find(" `");
  if (open == std::string::npos || label.size() < open + 3 || label.back() != '`') return text(label);
  return text(label.substr(0, open)) + " " + code(label.substr(open + 2, label.size() - open - 3));
}

std::string declarationHeading(const DiffDeclaration& d) {
  std::string label = labelText(d.label);
  if (!d.renamedFrom.empty()) label += " (renamed from " + code(d.renamedFrom) + ")";
  std::string dir = auditDirectionName(d.direction);
  return "#### " + label + (dir.empty() ? "" : ": " + dir) + "\n\n";
}

const char* kTableHead = "| | change | old → new | where |\n|---|---|---|---|\n";

std::string row(const DiffChange& c) {
  return "| " + directionCell(c.change) + " | " + text(c.text) + " | " + values(c) + " | " +
         where(c.location) + " |\n";
}

std::string edgeRow(const DiffEdge& e) {
  return std::string("| ") + (e.added ? "added" : "removed") + " | " + code(e.edge.from) + " | " + code(e.edge.to) +
         " | " + text(e.edge.kind) + " |\n";
}

}  // namespace

std::string renderDiffMarkdown(const GovernanceDiff& diff, size_t maxChars) {
  std::string out = "### Governance diff";
  if (!diff.project.empty()) out += " of " + code(diff.project);
  out += "\n\n**" + verdict(diff.verdict) + "**\n\n";
  for (const DiffInput* side : {&diff.base, &diff.head})
    if (!side->problem.empty()) out += "> **Note:** " + text(side->problem) + "\n\n";
  out += "Base " + sideText(diff.base) + ", head " + sideText(diff.head);
  if (diff.hasChanges())
    out += ": " + std::to_string(diff.loosened) + " loosened, " + std::to_string(diff.tightened) + " tightened, " +
           std::to_string(diff.other) + " other";
  out += ".\n\n";

  // What follows is added while it fits; the rest is counted in a note.
  const std::string footer = "<sub>Written by `mlopsc diff` (docs/diff.md).</sub>\n";
  const size_t reserve = footer.size() + 400;
  size_t budget = maxChars > out.size() + reserve ? maxChars - out.size() - reserve : 0;
  size_t left = 0;
  std::string body;
  auto fits = [&](const std::string& piece) { return body.size() + piece.size() <= budget; };

  const auto& declarations = diff.declarations;
  for (size_t i = 0; i < declarations.size();) {
    // A run of declarations only added or removed shares one table.
    size_t end = i + 1;
    if (onlyDeclared(declarations[i]))
      while (end < declarations.size() && onlyDeclared(declarations[end])) ++end;
    bool shared = end - i > 1;
    size_t changes = 0;
    for (size_t k = i; k < end; ++k) changes += declarations[k].changes.size();
    if (left) {
      left += changes;
      i = end;
      continue;
    }
    std::string section = (shared ? std::string("#### Declarations added or removed\n\n") : declarationHeading(declarations[i])) +
                          kTableHead;
    size_t shown = 0;
    bool full = false;
    for (size_t k = i; k < end && !full; ++k)
      for (const DiffChange& c : declarations[k].changes) {
        std::string r = row(c);
        if (!fits(section + r)) {
          full = true;
          break;
        }
        section += r;
        ++shown;
      }
    if (shown) body += section + "\n";
    left += changes - shown;
    i = end;
  }
  if (!diff.edges.empty()) {
    std::string section = "#### Pipeline graph: edges\n\n| | from | to | kind |\n|---|---|---|---|\n";
    size_t shown = 0;
    if (!left)
      for (const DiffEdge& e : diff.edges) {
        std::string r = edgeRow(e);
        if (!fits(section + r)) break;
        section += r;
        ++shown;
      }
    if (shown) body += section + "\n";
    left += diff.edges.size() - shown;
  }
  out += body;
  if (left)
    out += "> **" + std::to_string(left) + (left == 1 ? " change" : " changes") +
           " not shown:** a comment holds at most " + std::to_string(maxChars) +
           " characters; run `mlopsc diff --format json` for all of them.\n\n";
  out += footer;
  return out;
}

}  // namespace mlops::emit

#include "diag/text_renderer.h"

#include "diag/source_location.h"
#include "support/display_text.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/SMLoc.h>
#include <llvm/Support/Unicode.h>

namespace mlops::diag {
namespace {

llvm::SourceMgr::DiagKind toLlvmKind(Severity s) {
  switch (s) {
    case Severity::Error: return llvm::SourceMgr::DK_Error;
    case Severity::Warning: return llvm::SourceMgr::DK_Warning;
    case Severity::Note: return llvm::SourceMgr::DK_Note;
  }
  return llvm::SourceMgr::DK_Error;
}

llvm::raw_ostream::Colors colorOf(Severity s) {
  switch (s) {
    case Severity::Error: return llvm::raw_ostream::RED;
    case Severity::Warning: return llvm::raw_ostream::MAGENTA;
    case Severity::Note: return llvm::raw_ostream::CYAN;
  }
  return llvm::raw_ostream::RED;
}

// Prints "file:line:col: " (or "file: " / nothing), the label and the message.
void printHeader(llvm::raw_ostream& os, const ResolvedRange& where, Severity severity,
                 llvm::StringRef code, llvm::StringRef message, bool color) {
  if (color) os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  // Messages quote spec text and paths: control and bidi characters shown
  // as escapes (support/display_text.h), never sent to the terminal.
  if (where.valid)
    os << support::escapeControls(where.file) << ':' << where.start.line << ':' << where.start.column << ": ";
  else if (!where.file.empty())
    os << support::escapeControls(where.file) << ": ";
  if (color) os.changeColor(colorOf(severity), true);
  os << severityName(severity);
  if (!code.empty()) os << '[' << code << ']';
  os << ": ";
  if (color) os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  os << support::escapeControls(message);
  if (color) os.resetColor();
  os << '\n';
}

bool isPlainAscii(llvm::StringRef line) {
  for (unsigned char c : line)
    if (c >= 0x7F || (c < 0x20 && c != '\t')) return false;
  return true;
}

// LLVM's SMDiagnostic prints no caret for a line with non-ASCII text (its
// column mapping is byte-based). Such lines are rendered here in the same
// layout: tabs to multiples of 8, wide characters two columns, bytes that
// are not printable UTF-8 as \xNN, a byte order mark not at all.
//
// Long lines (minified or generated specs) show a window of about 180
// columns around the caret, with "..." where text is cut, so a file with
// many errors on one huge line prints O(errors), not O(errors x line).
constexpr size_t kMaxShownLine = 200;

void printUnicodeSnippet(llvm::raw_ostream& os, const llvm::SourceMgr& sources, SourceLocator& locator,
                         llvm::SMRange range, const std::vector<FixIt>& fixits, bool color) {
  const char* lineStart = nullptr;
  llvm::StringRef line = locator.line(range.Start, &lineStart);
  if (!lineStart) return;
  bool cutFront = false, cutBack = false;
  if (line.size() > kMaxShownLine) {
    size_t caret = static_cast<size_t>(range.Start.getPointer() - lineStart);
    size_t from = caret > 80 ? caret - 80 : 0;
    size_t to = std::min(line.size(), std::max(caret + 100, from + 180));
    auto isContinuation = [&](size_t i) { return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
    while (isContinuation(from)) ++from;
    while (isContinuation(to)) ++to;
    cutFront = from > 0;
    cutBack = to < line.size();
    lineStart += from;
    line = line.slice(from, to);
  }
  std::string shown = cutFront ? "..." : "";
  std::vector<unsigned> columnAt(line.size() + 1, 0);  // display column of each byte
  unsigned column = cutFront ? 3 : 0;
  size_t i = 0;
  if (line.startswith("\xEF\xBB\xBF") && sources.FindBufferContainingLoc(range.Start) &&
      lineStart == sources.getMemoryBuffer(sources.FindBufferContainingLoc(range.Start))->getBufferStart())
    i = 3;
  while (i < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    columnAt[i] = column;
    if (c == '\t') {
      unsigned next = (column / 8 + 1) * 8;
      shown.append(next - column, ' ');
      column = next;
      ++i;
      continue;
    }
    unsigned len = llvm::getNumBytesForUTF8(c);
    bool valid = i + len <= line.size() &&
                 llvm::isLegalUTF8Sequence(reinterpret_cast<const llvm::UTF8*>(line.data() + i),
                                           reinterpret_cast<const llvm::UTF8*>(line.data() + i + len));
    int width = valid ? llvm::sys::unicode::columnWidthUTF8(line.substr(i, len)) : -1;
    std::string visible = valid && len > 1 ? support::escapeControls(line.substr(i, len)) : "";
    if (visible.size() > len) {  // a C1 control or a bidi control (Trojan source): shown, not obeyed
      shown += visible;
      column += static_cast<unsigned>(visible.size());
      for (unsigned k = 1; k < len; ++k) columnAt[i + k] = column;
      i += len;
      continue;
    }
    if (!valid || width < 0 || (len == 1 && (c < 0x20 || c == 0x7F))) {
      std::string escaped;
      llvm::raw_string_ostream(escaped) << "\\x" << llvm::format_hex_no_prefix(c, 2, true);
      shown += escaped;
      column += 4;
      for (unsigned k = 1; k < (valid ? len : 1u); ++k) columnAt[i + k] = column;
      i += valid ? len : 1;
      continue;
    }
    shown.append(line.data() + i, len);
    column += static_cast<unsigned>(width);
    for (unsigned k = 1; k < len; ++k) columnAt[i + k] = column;
    i += len;
  }
  columnAt[line.size()] = column;
  if (cutBack) shown += "...";
  auto colOf = [&](const char* p) {
    size_t off = static_cast<size_t>(p - lineStart);
    return off <= line.size() ? columnAt[off] : column;
  };
  unsigned caret = colOf(range.Start.getPointer());
  unsigned endColumn = caret + 1;
  if (range.End.isValid() && range.End.getPointer() > range.Start.getPointer())
    endColumn = std::max(caret + 1, colOf(std::min(range.End.getPointer(), line.end())));
  std::string caretLine(endColumn, ' ');
  for (unsigned c = caret; c < endColumn; ++c) caretLine[c] = '~';
  caretLine[caret] = '^';
  os << shown << '\n';
  if (color) os.changeColor(llvm::raw_ostream::GREEN, true);
  os << caretLine;
  if (color) os.resetColor();
  os << '\n';
  for (const FixIt& f : fixits) {
    if (!f.range.Start.isValid() || f.range.Start.getPointer() < lineStart ||
        f.range.Start.getPointer() > line.end())
      continue;
    os.indent(colOf(f.range.Start.getPointer())) << f.replacement << '\n';
  }
}

// The source line with caret, range underline and fix-it text, as rendered
// by llvm::SMDiagnostic (its own header line is dropped).
void printSnippet(llvm::raw_ostream& os, const llvm::SourceMgr& sources, SourceLocator& locator,
                  llvm::SMRange range, Severity severity, const std::vector<FixIt>& fixits, bool color) {
  if (!range.Start.isValid()) return;
  const char* lineStart = nullptr;
  llvm::StringRef line = locator.line(range.Start, &lineStart);
  if (line.size() > kMaxShownLine || !isPlainAscii(line)) {
    printUnicodeSnippet(os, sources, locator, range, fixits, color);
    return;
  }
  std::vector<llvm::SMRange> ranges;
  if (range.End.isValid() && range.End.getPointer() > range.Start.getPointer())
    ranges.push_back(range);
  std::vector<llvm::SMFixIt> llvmFixits;
  for (const FixIt& f : fixits)
    if (f.range.Start.isValid()) llvmFixits.emplace_back(f.range, f.replacement);
  llvm::SMDiagnostic d =
      sources.GetMessage(range.Start, toLlvmKind(severity), "", ranges, llvmFixits);
  std::string text;
  llvm::raw_string_ostream s(text);
  s.enable_colors(color);
  d.print("", s, color, false);
  s.flush();
  size_t firstNewline = text.find('\n');
  if (firstNewline == std::string::npos) return;
  os << llvm::StringRef(text).drop_front(firstNewline + 1);
}

}  // namespace

void renderText(llvm::raw_ostream& os, const llvm::SourceMgr& sources,
                const std::vector<Diagnostic>& diagnostics, const TextOptions& options) {
  SourceLocator locator(sources);
  bool color = options.color;
  bool colorsWere = os.colors_enabled();
  os.enable_colors(color);
  unsigned errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    printHeader(os, locator.range(d.range, d.file), d.severity, codeInfo(d.code).name,
                d.message, color);
    printSnippet(os, sources, locator, d.range, d.severity, d.fixits, color);
    for (const Note& n : d.notes) {
      printHeader(os, locator.range(n.range), Severity::Note, "", n.message, color);
      printSnippet(os, sources, locator, n.range, Severity::Note, {}, color);
    }
  }
  if (options.summary && (errors || warnings)) {
    auto plural = [](unsigned n, const char* word) {
      return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    if (errors && warnings)
      os << plural(errors, "error") << " and " << plural(warnings, "warning") << " emitted\n";
    else if (errors)
      os << plural(errors, "error") << " emitted\n";
    else
      os << plural(warnings, "warning") << " emitted\n";
  }
  os.enable_colors(colorsWere);
}

}  // namespace mlops::diag

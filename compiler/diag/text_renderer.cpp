#include "diag/text_renderer.h"

#include "diag/source_location.h"

#include <llvm/Support/SMLoc.h>

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
  if (where.valid)
    os << where.file << ':' << where.start.line << ':' << where.start.column << ": ";
  else if (!where.file.empty())
    os << where.file << ": ";
  if (color) os.changeColor(colorOf(severity), true);
  os << severityName(severity);
  if (!code.empty()) os << '[' << code << ']';
  os << ": ";
  if (color) os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  os << message;
  if (color) os.resetColor();
  os << '\n';
}

// The source line with caret, range underline and fix-it text, as rendered
// by llvm::SMDiagnostic (its own header line is dropped).
void printSnippet(llvm::raw_ostream& os, const llvm::SourceMgr& sources, llvm::SMRange range,
                  Severity severity, const std::vector<FixIt>& fixits, bool color) {
  if (!range.Start.isValid()) return;
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
  bool color = options.color;
  bool colorsWere = os.colors_enabled();
  os.enable_colors(color);
  unsigned errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    printHeader(os, resolveRange(sources, d.range, d.file), d.severity, codeInfo(d.code).name,
                d.message, color);
    printSnippet(os, sources, d.range, d.severity, d.fixits, color);
    for (const Note& n : d.notes) {
      printHeader(os, resolveRange(sources, n.range), Severity::Note, "", n.message, color);
      printSnippet(os, sources, n.range, Severity::Note, {}, color);
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

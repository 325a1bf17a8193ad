#include "diag/github_renderer.h"

#include "diag/source_location.h"
#include "support/display_text.h"

namespace mlops::diag {

// A workflow command's data: control characters first made visible
// (support/display_text.h; the log viewer obeys ANSI sequences), then
// GitHub's own escapes.
std::string githubEscapeData(llvm::StringRef s) {
  std::string out;
  for (char c : support::escapeControls(s, support::Lines::Multi)) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string githubEscapeProperty(llvm::StringRef s) {
  std::string out;
  for (char c : githubEscapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

void renderGithub(llvm::raw_ostream& os, const llvm::SourceMgr& sources,
                  const std::vector<Diagnostic>& diagnostics) {
  SourceLocator locator(sources);
  for (const Diagnostic& d : diagnostics) {
    const char* command = d.severity == Severity::Error     ? "error"
                          : d.severity == Severity::Warning ? "warning"
                                                            : "notice";
    ResolvedRange r = locator.range(d.range, d.file);
    os << "::" << command << ' ';
    if (!r.file.empty()) os << "file=" << githubEscapeProperty(r.file) << ',';
    if (r.valid) {
      unsigned endColumn = r.end.column;
      if (r.end.offset > r.start.offset && endColumn > 1) --endColumn;  // inclusive
      if (r.end.line == r.start.line && endColumn < r.start.column) endColumn = r.start.column;
      os << "line=" << r.start.line << ",col=" << r.start.column << ",endLine=" << r.end.line
         << ",endColumn=" << endColumn << ',';
    }
    os << "title=" << codeInfo(d.code).name << "::";
    std::string message = d.message;
    for (const Note& n : d.notes) {
      ResolvedRange nr = locator.range(n.range);
      message += "\nnote: " + n.message;
      if (nr.valid)
        message += " (" + nr.file + ":" + std::to_string(nr.start.line) + ":" +
                   std::to_string(nr.start.column) + ")";
    }
    os << githubEscapeData(message) << '\n';
  }
}

}  // namespace mlops::diag

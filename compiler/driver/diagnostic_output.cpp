#include "driver/diagnostic_output.h"

#include "diag/codequality_renderer.h"
#include "diag/github_renderer.h"
#include "diag/json_renderer.h"
#include "diag/sarif_renderer.h"
#include "diag/text_renderer.h"
#include "driver/repository_path.h"
#include "driver/version.h"

#include <llvm/Support/Path.h>

#include <cstdlib>
#include <vector>

namespace mlops::driver {

std::optional<DiagnosticFormat> parseDiagnosticFormat(llvm::StringRef name) {
  if (name == "text") return DiagnosticFormat::Text;
  if (name == "json") return DiagnosticFormat::Json;
  if (name == "sarif") return DiagnosticFormat::Sarif;
  if (name == "github") return DiagnosticFormat::Github;
  if (name == "gitlab-codequality") return DiagnosticFormat::GitlabCodeQuality;
  return std::nullopt;
}

bool usesRepositoryRoot(DiagnosticFormat format) {
  return format == DiagnosticFormat::Sarif || format == DiagnosticFormat::GitlabCodeQuality;
}

namespace {

// `file` relative to `root` (both resolved), climbing out with `..` when it
// is not inside.
std::optional<std::string> pathFromRoot(const std::string& root, const std::string& file) {
  if (std::optional<std::string> inside = relativeToRoot(root, file)) return inside;
  namespace path = llvm::sys::path;
  std::vector<llvm::StringRef> from(path::begin(root), path::end(root)), to(path::begin(file), path::end(file));
  size_t common = 0;
  while (common < from.size() && common < to.size() && from[common] == to[common]) ++common;
  if (common == 0) return std::nullopt;  // not even the same root directory
  std::string out;
  for (size_t i = common; i < from.size(); ++i) out += "../";
  for (size_t i = common; i < to.size(); ++i) {
    out += to[i].str();
    if (i + 1 < to.size()) out += '/';
  }
  if (out.empty() || llvm::StringRef(out).endswith("/")) return std::nullopt;  // the root itself, or above it
  return out;
}

}  // namespace

diag::SourceRoot sourceRootOf(const std::string& spec) {
  diag::SourceRoot root;
  if (spec.empty() || spec == "-") return root;
  root.path = repositoryRootOf(spec).path;
  root.relative = [rootPath = root.path](llvm::StringRef file) { return pathFromRoot(rootPath, resolvedPath(file.str())); };
  root.absolute = [](llvm::StringRef file) { return resolvedPath(file.str()); };
  return root;
}

std::optional<ColorMode> parseColorMode(llvm::StringRef name) {
  if (name == "auto") return ColorMode::Auto;
  if (name == "always") return ColorMode::Always;
  if (name == "never") return ColorMode::Never;
  return std::nullopt;
}

bool useColor(ColorMode mode, llvm::raw_ostream& os) {
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor) return false;
  return os.is_displayed();
}

RenderedDiagnostics renderDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color,
                                      const std::string& spec) {
  std::vector<diag::Diagnostic> sorted = diags.sorted();
  const llvm::SourceMgr& sources = const_cast<diag::DiagnosticEngine&>(diags).sources();
  RenderedDiagnostics text;
  llvm::raw_string_ostream out(text.out), err(text.err);
  switch (format) {
    case DiagnosticFormat::Text: {
      diag::TextOptions options;
      options.color = useColor(color, llvm::errs());
      diag::renderText(err, sources, sorted, options);
      if (diags.tooManyErrors())
        err << "mlopsc: stopped after " << diags.maxErrors()
            << " errors (--max-errors); use --max-errors=0 to see them all\n";
      break;
    }
    case DiagnosticFormat::Json: {
      nlohmann::json j = diag::renderJson(sources, sorted);
      j["truncated"] = diags.tooManyErrors();
      out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      break;
    }
    // Text that is not UTF-8 (a path on the command line, say) becomes
    // U+FFFD rather than an exception: the output is always valid JSON.
    case DiagnosticFormat::Sarif:
      out << diag::renderSarif(sources, sorted, kVersion, sourceRootOf(spec))
                 .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
      break;
    case DiagnosticFormat::GitlabCodeQuality:
      out << diag::renderCodeQuality(sources, sorted, sourceRootOf(spec))
                 .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
      break;
    case DiagnosticFormat::Github:
      diag::renderGithub(out, sources, sorted);
      break;
  }
  out.flush();
  err.flush();
  return text;
}

void printRendered(const RenderedDiagnostics& text) {
  llvm::outs() << text.out;
  llvm::errs() << text.err;
  llvm::outs().flush();
  llvm::errs().flush();
}

void printDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color,
                      const std::string& spec) {
  printRendered(renderDiagnostics(diags, format, color, spec));
}

}  // namespace mlops::driver

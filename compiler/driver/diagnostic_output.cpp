#include "driver/diagnostic_output.h"

#include "diag/github_renderer.h"
#include "diag/json_renderer.h"
#include "diag/sarif_renderer.h"
#include "diag/text_renderer.h"
#include "driver/version.h"

#include <cstdlib>

namespace mlops::driver {

std::optional<DiagnosticFormat> parseDiagnosticFormat(llvm::StringRef name) {
  if (name == "text") return DiagnosticFormat::Text;
  if (name == "json") return DiagnosticFormat::Json;
  if (name == "sarif") return DiagnosticFormat::Sarif;
  if (name == "github") return DiagnosticFormat::Github;
  return std::nullopt;
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

RenderedDiagnostics renderDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color) {
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
    case DiagnosticFormat::Sarif:
      out << diag::renderSarif(sources, sorted, kVersion).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
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

void printDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color) {
  printRendered(renderDiagnostics(diags, format, color));
}

}  // namespace mlops::driver

// Prints a compilation's diagnostics in the format chosen on the command
// line: text (stderr), json, sarif, github or gitlab-codequality (stdout).
#pragma once

#include "diag/diagnostic_engine.h"
#include "diag/source_root.h"

#include <llvm/Support/raw_ostream.h>

#include <optional>
#include <string>

namespace mlops::driver {

enum class DiagnosticFormat { Text, Json, Sarif, Github, GitlabCodeQuality };
enum class ColorMode { Auto, Always, Never };

std::optional<DiagnosticFormat> parseDiagnosticFormat(llvm::StringRef name);
std::optional<ColorMode> parseColorMode(llvm::StringRef name);

// Colour is on for Always; for Auto when `os` is a terminal and NO_COLOR is unset.
bool useColor(ColorMode mode, llvm::raw_ostream& os);

// Diagnostics as they are printed: `out` for stdout, `err` for stderr (the
// compile cache replays them byte for byte).
struct RenderedDiagnostics {
  std::string out, err;
};

// SARIF and GitLab Code Quality name files relative to the repository root
// of `spec` (the first spec on the command line; driver/repository_path.h:
// its git work tree, else its folder); the other formats name them as given.
RenderedDiagnostics renderDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color,
                                      const std::string& spec = {});
void printRendered(const RenderedDiagnostics& text);
void printDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color,
                      const std::string& spec = {});

// Whether `format` names files relative to the repository root.
bool usesRepositoryRoot(DiagnosticFormat format);
// The root the paths of `spec` are relative to, as the renderers take it.
diag::SourceRoot sourceRootOf(const std::string& spec);

}  // namespace mlops::driver

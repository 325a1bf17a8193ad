// Prints a compilation's diagnostics in the format chosen on the command
// line: text (stderr), json, sarif or github (stdout).
#pragma once

#include "diag/diagnostic_engine.h"

#include <llvm/Support/raw_ostream.h>

#include <optional>
#include <string>

namespace mlops::driver {

enum class DiagnosticFormat { Text, Json, Sarif, Github };
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

RenderedDiagnostics renderDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color);
void printRendered(const RenderedDiagnostics& text);
void printDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color);

}  // namespace mlops::driver

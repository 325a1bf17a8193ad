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

void printDiagnostics(const diag::DiagnosticEngine& diags, DiagnosticFormat format, ColorMode color);

}  // namespace mlops::driver

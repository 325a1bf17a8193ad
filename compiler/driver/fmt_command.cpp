// mlopsc fmt [--check] [--diff] [FILE|DIR|-]...: rewrites .mlops files in
// the canonical style (docs/format.md). Folders are searched for *.mlops
// files (hidden folders, build/ and node_modules/ skipped); no argument
// means the current folder; `-` formats standard input to standard output.
// --check writes nothing: it prints the diff of each file that is not
// formatted and exits 1 (for CI).
#include "driver/commands.h"

#include "driver/diagnostic_output.h"
#include "format/formatter.h"
#include "format/line_diff.h"
#include "syntax/source_loader.h"
#include "syntax/spec_files.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace mlops::driver {

llvm::cl::SubCommand fmtCommand("fmt",
                                "Format .mlops files in the canonical style (in place; --check for CI; - for stdin)");

namespace {

llvm::cl::list<std::string> fmtPaths(llvm::cl::Positional, llvm::cl::desc("[file.mlops|dir|-]..."),
                                     llvm::cl::ZeroOrMore, llvm::cl::sub(fmtCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> fmtCheck("check",
                             llvm::cl::desc("Write nothing; print the diff of each unformatted file and exit 1 if any"),
                             llvm::cl::sub(fmtCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> fmtDiff("diff", llvm::cl::desc("Print the changes as a unified diff (files are still rewritten "
                                                   "unless --check is given)"),
                            llvm::cl::sub(fmtCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> fmtColor("color",
                                    llvm::cl::desc("Colour in diagnostics: auto (terminal, unless NO_COLOR is set), "
                                                   "always, never"),
                                    llvm::cl::value_desc("auto|always|never"), llvm::cl::init("auto"),
                                    llvm::cl::sub(fmtCommand), llvm::cl::cat(commandCategory));

// Expands folders to the .mlops files under them (syntax/spec_files.h),
// sorted; files as given.
bool expand(const std::string& path, std::vector<std::string>& out) {
  if (path == "-" || !llvm::sys::fs::is_directory(path)) {
    out.push_back(path);
    return true;
  }
  std::error_code ec;
  std::vector<std::string> found = syntax::findSpecFiles(path, ec);
  if (ec) {
    llvm::errs() << "mlopsc: error: cannot read folder " << path << ": " << ec.message() << "\n";
    return false;
  }
  for (std::string& file : found) {
    // `mlopsc fmt` in a folder names its files as `a.mlops`, not `./a.mlops`.
    if (path == "." && llvm::StringRef(file).startswith("./")) file.erase(0, 2);
    out.push_back(std::move(file));
  }
  return true;
}

}  // namespace

int runFmt() {
  std::optional<ColorMode> color = parseColorMode(fmtColor);
  if (!color) {
    llvm::errs() << "mlopsc: error: unknown --color value '" << fmtColor << "' (expected auto, always or never)\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::vector<std::string> args(fmtPaths.begin(), fmtPaths.end());
  if (args.empty()) args.push_back(".");
  if (std::count(args.begin(), args.end(), "-") > 0 && args.size() > 1) {
    llvm::errs() << "mlopsc: error: `-` (standard input) cannot be mixed with other files\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::vector<std::string> files;
  for (const std::string& a : args)
    if (!expand(a, files)) return static_cast<int>(ExitCode::Usage);

  bool ioError = false, syntaxErrors = false, unformatted = false;
  for (const std::string& path : files) {
    llvm::SourceMgr sources;
    diag::DiagnosticEngine diags(sources);
    syntax::LoadResult loaded =
        syntax::loadSourceFile(sources, diags, path, syntax::kMaxSourceBytes, path == "-" ? "<stdin>" : "");
    if (!loaded.bufferId) {
      printDiagnostics(diags, DiagnosticFormat::Text, *color);
      ioError = true;
      continue;
    }
    format::FormatResult result = format::formatBuffer(diags, loaded.bufferId);
    if (result.status == format::FormatResult::Status::SyntaxErrors) {
      printDiagnostics(diags, DiagnosticFormat::Text, *color);
      llvm::errs() << "mlopsc: " << (path == "-" ? "<stdin>" : path) << " not formatted: fix its syntax errors first\n";
      syntaxErrors = true;
      continue;
    }
    if (result.status == format::FormatResult::Status::Unsafe) {
      llvm::errs() << "mlopsc: error: " << path << " left as it is: " << result.problem
                   << " (a formatter bug; please report it with the file)\n";
      syntaxErrors = true;
      continue;
    }
    llvm::StringRef original = sources.getMemoryBuffer(loaded.bufferId)->getBuffer();
    bool changed = original != result.text;
    std::string shown = path == "-" ? "<stdin>" : path;
    if (changed && (fmtCheck || fmtDiff))
      llvm::outs() << format::unifiedDiff(original, result.text, "a/" + shown, "b/" + shown);
    if (changed) unformatted = true;
    if (fmtCheck) continue;
    if (path == "-") {
      llvm::outs() << result.text;
      continue;
    }
    if (!changed) continue;
    llvm::sys::fs::file_status status;
    bool haveStatus = !llvm::sys::fs::status(path, status);
    std::string error;
    if (!writeAtomically(path, result.text, error)) {
      llvm::errs() << "mlopsc: error: " << error << "\n";
      ioError = true;
      continue;
    }
    if (haveStatus) llvm::sys::fs::setPermissions(path, status.permissions());
    if (!fmtDiff) llvm::outs() << path << "\n";
  }
  llvm::outs().flush();
  if (ioError) return static_cast<int>(ExitCode::Usage);
  if (syntaxErrors || (fmtCheck && unformatted)) return static_cast<int>(ExitCode::SpecErrors);
  return static_cast<int>(ExitCode::Success);
}

}  // namespace mlops::driver

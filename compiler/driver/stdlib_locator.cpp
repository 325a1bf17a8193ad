#include "driver/stdlib_locator.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <cstdlib>
#include <vector>

namespace mlops::driver {
namespace {

std::string& executablePath() {
  static std::string path;
  return path;
}

bool isStdlib(const std::string& dir) {
  llvm::SmallString<256> probe(dir);
  llvm::sys::path::append(probe, "std", "roles.mlops");
  return llvm::sys::fs::exists(probe);
}

}  // namespace

const std::string& mainExecutable() { return executablePath(); }

void setExecutablePath(const char* argv0) {
  static int anchor;
  executablePath() = llvm::sys::fs::getMainExecutable(argv0, &anchor);
}

void useBundledGraphvizPlugins() {
  if (executablePath().empty() || std::getenv("GVBINDIR")) return;
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(executablePath()));
  llvm::sys::path::append(dir, "..", "lib", "graphviz");
  llvm::sys::path::remove_dots(dir, true);
  llvm::SmallString<256> config(dir);
  llvm::sys::path::append(config, "config6a");
  if (llvm::sys::fs::exists(config)) ::setenv("GVBINDIR", dir.c_str(), 0);
}

std::optional<std::string> findDiagnosticsDoc() {
  llvm::SmallString<256> bin(llvm::sys::path::parent_path(executablePath()));
  for (const char* relative : {"../docs/diagnostics.md", "../share/doc/mlopsc/diagnostics.md"}) {
    llvm::SmallString<256> candidate(bin);
    llvm::sys::path::append(candidate, relative);
    llvm::sys::path::remove_dots(candidate, true);
    if (llvm::sys::fs::exists(candidate)) return candidate.str().str();
  }
  return std::nullopt;
}

std::optional<std::string> findStdlib(const std::string& override, std::string& error) {
  if (!override.empty()) {
    if (isStdlib(override)) return override;
    error = "--stdlib " + override + " does not contain std/roles.mlops";
    return std::nullopt;
  }
  if (const char* env = std::getenv("MLOPS_STDLIB"); env && *env) {
    if (isStdlib(env)) return std::string(env);
    error = "MLOPS_STDLIB=" + std::string(env) + " does not contain std/roles.mlops";
    return std::nullopt;
  }
  std::vector<std::string> tried;
  if (!executablePath().empty()) {
    llvm::StringRef bin = llvm::sys::path::parent_path(executablePath());
    for (const char* relative : {"stdlib", "../share/mlopsc/stdlib"}) {
      llvm::SmallString<256> dir(bin);
      llvm::sys::path::append(dir, relative);
      llvm::sys::path::remove_dots(dir, true);
      if (isStdlib(dir.str().str())) return dir.str().str();
      tried.push_back(dir.str().str());
    }
  }
  error = "cannot find the standard library (looked in";
  for (const std::string& t : tried) error += " " + t;
  error += "); pass --stdlib DIR or set MLOPS_STDLIB";
  return std::nullopt;
}

}  // namespace mlops::driver

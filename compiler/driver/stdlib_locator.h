// Finds the standard library (a folder holding std/roles.mlops): --stdlib
// DIR, then $MLOPS_STDLIB, then next to the executable (build tree:
// BIN/stdlib), then the install layout (BIN/../share/mlopsc/stdlib).
#pragma once

#include <optional>
#include <string>

namespace mlops::driver {

// Remembers argv[0] so the executable's folder can be found.
void setExecutablePath(const char* argv0);
// This binary's absolute path ("" before setExecutablePath): what SLURM
// jobs run as `mlopsc exec-node` (docs/slurm.md).
const std::string& mainExecutable();

// The stdlib folder, or nullopt with `error` explaining where it looked.
std::optional<std::string> findStdlib(const std::string& override, std::string& error);

// The release archive (packaging/make-release-archive) carries Graphviz's
// plugins in BIN/../lib/graphviz: point Graphviz there (GVBINDIR) unless the
// user already did. Elsewhere Graphviz finds its installed plugins itself.
void useBundledGraphvizPlugins();
// docs/diagnostics.md (the catalogue of codes) for links from editors:
// BIN/../docs (build tree in a checkout), BIN/../share/doc/mlopsc.
std::optional<std::string> findDiagnosticsDoc();

}  // namespace mlops::driver

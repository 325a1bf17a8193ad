// The files and folders nodes write, on disk and between CI jobs.
//
// Before a step or model runs, each declared output that exists is removed
// (as Snakemake and DVC do), so a stale file or folder from an earlier run
// is never taken for what the command wrote, and a folder output holds only
// what this run put there. Outputs lie inside the project (sema's E0406);
// here the runtime also refuses to write through a symbolic link that leads
// out of it, and never follows a link when it removes or copies.
//
// In CI (`run --node ID --artifacts DIR`), a node's outputs travel as
// DIR/<node>/outputs/<declared path>: files and whole folders, copied with
// regular files and folders only (a link or a device in an artifact is an
// error: an artifact folder may come from a job an attacker controls).
#pragma once

#include <optional>
#include <string>

namespace mlops::runtime {

// A declared path that may be written and copied in and out of an artifact
// folder: relative, without `..`.
bool safeRelative(const std::string& path);

// Makes `root`/`path` ready for a command to write: refuses a path whose
// existing folders lead out of the project through a symbolic link, removes
// what is there (a file, a folder tree, or a link itself, never what it
// points to) and creates the parent folder. False with `error`.
bool prepareOutput(const std::string& root, const std::string& path, std::string& error);

// Copies a file or a folder tree from `from` to `to` (replacing what is at
// `to`), regular files and folders only, never following a link; file modes
// keep their executable bit. False with `error`.
bool copyArtifact(const std::string& from, const std::string& to, std::string& error);

}  // namespace mlops::runtime

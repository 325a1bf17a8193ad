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
// DIR/<node>/outputs/<declared path>: files and whole folders. An artifact
// folder may come from a job an attacker controls, and the checkout from an
// untrusted pull request, so copying in and out of one walks both paths one
// component at a time from their roots (openat with O_NOFOLLOW): no
// symbolic link is followed or written through, whichever component it is;
// only regular files and folders are taken (a FIFO, a device or a socket is
// refused before it is read); what is restored counts against a byte limit
// (`--max-artifact-size`); a file read from one (result.json) has its own cap.
#pragma once

#include <cstdint>
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

// What restoring one job's artifacts may still write: each byte copied with
// a budget counts against it (`--max-artifact-size`).
struct ByteBudget {
  uint64_t limit = 0;
  uint64_t used = 0;
};

// The default of `--max-artifact-size`: large enough for real models, small
// enough that a hostile artifact cannot fill a runner's disk.
inline constexpr uint64_t kDefaultMaxArtifactBytes = uint64_t(16) << 30;

// Copies `fromRoot`/`from` (a file or a folder tree) to `toRoot`/`to`,
// replacing what is there. `from` and `to` are relative (safeRelative) and
// walked from their roots without following a link in any component;
// missing folders on the way to `to` are created. Regular files and folders
// only; file modes keep their executable bit. With `budget`, the bytes
// copied count against it. False with `error` naming the path and what was
// expected (a missing `from` says "is missing").
bool copyArtifact(const std::string& fromRoot, const std::string& from, const std::string& toRoot,
                  const std::string& to, ByteBudget* budget, std::string& error);

// Reads the regular file `root`/`relative` (walked as above) of at most
// `maxBytes` bytes. Nullopt with `error`; `missing` (optional) says whether
// the file is simply not there.
std::optional<std::string> readArtifactFile(const std::string& root, const std::string& relative, uint64_t maxBytes,
                                            std::string& error, bool* missing = nullptr);

// Writes `text` as the file `root`/`relative`, creating its folders, never
// through a link. False with `error`.
bool writeArtifactFile(const std::string& root, const std::string& relative, const std::string& text,
                       std::string& error);

// "10G", "512M", "64K", "1000": a byte count with an optional binary unit
// (K, M, G, T = 1024^n). Nullopt when it is not one.
std::optional<uint64_t> parseByteSize(const std::string& text);

}  // namespace mlops::runtime

// The build record: `mlopsc build SPEC -o OUT --check` (the "generated files
// are up to date" job of CI and pre-commit hooks) answers without parsing
// when neither the spec nor the generated files changed since the last
// build or check that found them up to date.
//
// A record is a compile-cache entry (driver/compile_cache.h: same format,
// same inputs, same validation, never stale) whose payload is the list of
// generated files instead of the IR: each path under OUT and the digest of
// the content the build wrote or the check compared. Its key is the compile
// cache's key plus what only `build` depends on: the --emit selection, OUT
// as given, and the CI IR path (which follows the git work tree, outside the
// spec's inputs). It sits beside the spec's compile-cache entry, one per
// (spec, OUT), and is written only into an existing `.mlops/` (a build
// creates no run state).
//
// `--check` reuses a record when every input is unchanged and every listed
// file on disk has its recorded digest (each file read and hashed: a
// generated file edited by hand is seen whatever its stamp); anything else
// compiles, compares and prints the diff as without a record. A reused
// record replays the diagnostics and notes the build printed.
#pragma once

#include "driver/compile_cache.h"

#include <string>
#include <vector>

namespace mlops::driver {

struct GeneratedDigest {
  std::string relativePath;  // under OUT
  runtime::Digest digest;
};

// The record's file for `spec` (as given) and its key; `buildOptions`
// describes the --emit selection, OUT and the CI IR path.
std::string buildRecordPath(const std::string& spec, const std::string& outDir);
std::string buildRecordKey(const std::string& spec, const std::string& stdlibDir, const std::string& buildOptions);

// True when the record at `path` holds for `key`: its inputs are unchanged
// and every generated file under `outDir` has its digest. Then `replay`
// holds what the build printed. Otherwise `why` says what differed.
bool buildRecordHolds(const std::string& path, const std::string& key, const std::string& outDir,
                      RenderedDiagnostics& replay, std::string& why);

// Writes the record of a compilation (`record.complete` required) whose
// generated files are `files`, into an existing `.mlops/` only.
void storeBuildRecord(const std::string& path, const std::string& key, CompileRecord record,
                      const std::vector<GeneratedDigest>& files);

}  // namespace mlops::driver

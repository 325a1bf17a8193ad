// The compile cache: `mlopsc run SPEC` and `mlopsc status SPEC` reuse the
// IR of the last compilation of the same spec when nothing it depends on
// changed, instead of parsing, checking and lowering it again (on 10,000
// steps that is most of a no-op run). It must never serve a stale IR, so:
//
// Where. One entry per (current directory, spec as given) in the project's
// `.mlops/compile-cache/` (the project is the IR's root, the spec's folder):
// a cache of this checkout, not the team's record. An entry is written to a
// temporary file and renamed, so a reader sees a whole entry or the old one;
// an entry that is torn, corrupt (its checksum) or of another format version
// is ignored and rewritten, never trusted.
//
// Key. What the IR and the printed diagnostics depend on besides the files:
// the compiler's version, the spec path as given and the current directory
// (the IR's `root` is the spec's folder as given; messages name files as
// given), the stdlib folder, and every diagnostic option (-W flags in order,
// -Werror, --max-errors, --max-nesting, the format, whether colour is on).
// Its digest is in the entry; another key is a miss.
//
// Inputs. Every file the compilation read, taken from the compilation itself
// (each module's file as opened; an entry is written only when the modules
// account for every buffer of the SourceMgr, so a file read some other way
// makes the compilation uncacheable rather than unchecked), the stdlib's
// `std/` folder (its listing, taken before the compilation: a new stdlib
// module is loaded even if unused), and the binary: /proc/self/exe and every
// shared object loaded, so a rebuilt mlopsc or an upgraded library never
// reuses an old IR. Each input has a stamp (device, inode, size, mtime ns,
// ctime ns) and a digest (XXH3-128) of the content the compilation used
// (the buffer it parsed, not a second read). A compilation with errors is
// not cached, so an import that failed to resolve (an error) needs no record
// of the lookup.
//
// Validity. An input whose stamp is unchanged is taken as unchanged; one
// whose stamp moved is hashed, and the entry holds if the digest is the same
// (touch without change), after which the new stamp is recorded. ctime is in
// the stamp because no user tool can set it back: a file replaced by one of
// the same size with its mtime copied (`touch -r`) has a new ctime.
// Racy-clean protection, as git does for its index: an input changed within
// kRacyMarginNs of the moment the entry's compilation started (its mtime or
// ctime, whichever is later) is always hashed, since a rewrite in the same
// timestamp tick can keep every field of the stamp. Timestamps come from the
// kernel's coarse clock (a jiffy, 1-10 ms, on ext4, xfs, btrfs, tmpfs) but
// are whole seconds on ext3, HFS+ and some NFS servers and 2 s on FAT and
// exFAT, and a network filesystem stamps with the server's clock: 2 s covers
// all of those, and costs one hash per run of a file edited in the last 2 s.
//
// Replay. The entry keeps the diagnostics the compilation printed (warnings:
// stderr for text, stdout for json/sarif/github), printed again on reuse, so
// the output is the same with or without the cache. The IR is the bytes
// `ir::writeJson` wrote, so the runtime's no-op fast path (keyed by them,
// runtime/noop_manifest.h) applies to a reused IR as to a fresh one.
#pragma once

#include "driver/diagnostic_output.h"
#include "runtime/content_hash.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::driver {

class Compilation;

// Within this much of the entry's start an input is always hashed (above).
inline constexpr int64_t kRacyMarginNs = 2'000'000'000;

struct InputStamp {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtimeNs = 0, ctimeNs = 0;
  bool operator==(const InputStamp&) const = default;
};

struct CacheInput {
  enum class Kind : char { File = 'F', Folder = 'D' };
  Kind kind = Kind::File;
  std::string path;  // as opened (relative paths: from the current directory, which is in the key)
  InputStamp stamp;
  runtime::Digest digest;  // a file's bytes; a folder's sorted entry names
};

struct CompileCacheEntry {
  int64_t startedNs = 0;  // when the compilation (or the last validation) started
  std::vector<CacheInput> inputs;
  RenderedDiagnostics diagnostics;
  std::string ir;
};

// What a compilation records while it runs, for its entry.
struct CompileRecord {
  int64_t startedNs = 0;
  std::vector<CacheInput> inputs;
  RenderedDiagnostics diagnostics;
  bool complete = false;  // every input accounted for: the entry may be written
};

int64_t currentTimeNs();

// The entry file of `spec` (as given, from the current directory) in its
// project's `.mlops/compile-cache/`.
std::string compileCachePath(const std::string& spec);
// The digest of the key (above); `options` is driver's diagnosticOptionsKey().
std::string compileCacheKey(const std::string& spec, const std::string& stdlibDir, const std::string& options);

// Before the compilation reads anything: the start time and the stdlib's
// `std/` folder listing.
CompileRecord beginRecord(const std::string& stdlibDir);
// After it: every file it read (stamp now, digest of the buffer parsed) and
// the binary. `complete` stays false when a buffer is not one of the
// modules' files or a path cannot be stored.
void finishRecord(CompileRecord& record, Compilation& compilation);

// The entry as a file, and back; nullopt (with `why`) when the text is not a
// whole entry of this format version with this key.
std::string writeCacheEntry(const std::string& key, const CompileCacheEntry& entry);
std::optional<CompileCacheEntry> readCacheEntry(std::string_view text, const std::string& key, std::string& why);

// Whether every input still has the content the entry recorded (stamps,
// then digests; racy inputs always hashed). `now` is when this validation
// started. On success `refresh` says whether the entry should be rewritten
// (a stamp moved, or a racy input is no longer racy), with the stamps
// updated in `entry` and `entry.startedNs = now`. On failure `why` names
// the first input that changed.
bool validateEntry(CompileCacheEntry& entry, int64_t now, bool& refresh, std::string& why);

// Writes `text` to `path` through a temporary file of this process and a
// rename; creates the folder only when `createFolder`, else the project's
// `.mlops/` must exist. False when nothing was written (a cache: not an error).
bool storeCacheFile(const std::string& path, const std::string& text, bool createFolder);

}  // namespace mlops::driver

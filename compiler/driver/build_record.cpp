#include "driver/build_record.h"

#include "driver/commands.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <optional>
#include <string_view>

namespace mlops::driver {
namespace {

// The payload: one line per generated file, `DIGEST PATH`.
std::string writeFileList(const std::vector<GeneratedDigest>& files) {
  std::string text;
  for (const GeneratedDigest& f : files) text += f.digest.hex() + ' ' + f.relativePath + '\n';
  return text;
}

std::optional<std::vector<GeneratedDigest>> readFileList(std::string_view text) {
  std::vector<GeneratedDigest> files;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos || space + 1 == line.size()) return std::nullopt;
    std::optional<runtime::Digest> digest = runtime::Digest::fromHex(line.substr(0, space));
    if (!digest) return std::nullopt;
    files.push_back({std::string(line.substr(space + 1)), *digest});
  }
  if (files.empty()) return std::nullopt;  // a build writes at least one file
  return files;
}

}  // namespace

std::string buildRecordPath(const std::string& spec, const std::string& outDir) {
  return compileCachePath(spec) + ".build-" + runtime::hashBytes(outDir).hex().substr(0, 8);
}

std::string buildRecordKey(const std::string& spec, const std::string& stdlibDir, const std::string& buildOptions) {
  return compileCacheKey(spec, stdlibDir, diagnosticOptionsKey(spec) + "\nbuild " + buildOptions);
}

bool buildRecordHolds(const std::string& path, const std::string& key, const std::string& outDir,
                      RenderedDiagnostics& replay, std::string& why) {
  why = "no record of a build of this spec into this folder yet";
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return false;
  std::optional<CompileCacheEntry> entry = readCacheEntry((*buffer)->getBuffer(), key, why);
  if (!entry) return false;
  std::optional<std::vector<GeneratedDigest>> files = readFileList(entry->ir);
  if (!files) {
    why = "the build record is damaged";
    return false;
  }
  bool refresh = false;
  if (!validateEntry(*entry, currentTimeNs(), refresh, why)) return false;
  for (const GeneratedDigest& f : *files) {
    llvm::SmallString<256> file(outDir);
    llvm::sys::path::append(file, f.relativePath);
    auto onDisk = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!onDisk || !(runtime::hashBytes(std::string_view((*onDisk)->getBuffer())) == f.digest)) {
      why = "`" + file.str().str() + "` is not what the last build wrote";
      return false;
    }
  }
  if (refresh) storeCacheFile(path, writeCacheEntry(key, *entry), /*createFolder=*/false);
  replay = std::move(entry->diagnostics);
  return true;
}

void storeBuildRecord(const std::string& path, const std::string& key, CompileRecord record,
                      const std::vector<GeneratedDigest>& files) {
  if (!record.complete || files.empty()) return;
  CompileCacheEntry entry{record.startedNs, std::move(record.inputs), std::move(record.diagnostics),
                          writeFileList(files)};
  storeCacheFile(path, writeCacheEntry(key, entry), /*createFolder=*/false);
}

}  // namespace mlops::driver

#include "driver/pipeline_input.h"

#include "driver/commands.h"
#include "driver/compile_cache.h"
#include "driver/stdlib_locator.h"
#include "ir/ir_reader.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>

namespace mlops::driver {
bool compileCacheDisabled() {
  const char* env = std::getenv("MLOPS_NO_COMPILE_CACHE");
  return noCompileCache || (env && *env && std::string_view(env) != "0");
}

std::unique_ptr<ir::PipelineGraph> parsePipeline(const std::string& input, std::string text, std::string& irJson,
                                                 int& exitCode) {
  ir::ReadError error;
  std::optional<ir::PipelineGraph> read = ir::readPipelineJson(text, error);
  if (!read) {
    llvm::errs() << input << (error.pointer.empty() ? "" : " at " + error.pointer)
                 << ": error: not a pipeline.json mlopsc can run: " << error.message << '\n';
    exitCode = static_cast<int>(ExitCode::Usage);
    return nullptr;
  }
  irJson = std::move(text);
  return std::make_unique<ir::PipelineGraph>(std::move(*read));
}

bool loadSpecIr(const std::string& spec, const std::string& stdlib, CacheWrite write, std::string& irJson,
                std::unique_ptr<ir::PipelineGraph>& graph, int& exitCode, std::string* cacheNote) {
  if (!validateDiagnosticOptions()) {
    exitCode = static_cast<int>(ExitCode::Usage);
    return false;
  }
  std::string path, key, why = "no entry for this spec yet";
  std::string stdlibError;
  std::optional<std::string> stdlibDir = findStdlib(stdlib, stdlibError);
  bool cacheable = !compileCacheDisabled() && spec != "-" && stdlibDir;
  if (!cacheable) why = "the compile cache is off";
  if (cacheable) {
    path = compileCachePath(spec);
    key = compileCacheKey(spec, *stdlibDir, diagnosticOptionsKey(spec));
    int64_t now = currentTimeNs();
    if (auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false)) {
      std::optional<CompileCacheEntry> entry = readCacheEntry((*buffer)->getBuffer(), key, why);
      bool refresh = false;
      if (entry && validateEntry(*entry, now, refresh, why)) {
        printRendered(entry->diagnostics);
        if (refresh) storeCacheFile(path, writeCacheEntry(key, *entry), write == CacheWrite::Create);
        irJson = std::move(entry->ir);
        if (cacheNote) *cacheNote = "compile cache: reused (no input of the spec changed)";
        return true;
      }
    }
  }
  ExitCode failure = ExitCode::Success;
  CompileRecord record;
  graph = compileSpec(spec, stdlib, failure, {}, cacheable ? &record : nullptr);
  if (!graph) {
    exitCode = static_cast<int>(failure);
    return false;
  }
  irJson = ir::writeJson(*graph);
  if (cacheable && record.complete) {
    CompileCacheEntry entry{record.startedNs, std::move(record.inputs), std::move(record.diagnostics), irJson};
    storeCacheFile(path, writeCacheEntry(key, entry), write == CacheWrite::Create);
  }
  if (cacheNote) *cacheNote = "compile cache: recompiled: " + why;
  return true;
}

std::unique_ptr<ir::PipelineGraph> loadPipeline(const std::string& input, const std::string& stdlib,
                                                std::string& irJson, int& exitCode, CacheWrite write) {
  llvm::StringRef name(input);
  if (name.endswith(".json")) {
    auto buffer = llvm::MemoryBuffer::getFile(input, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "mlopsc: error: cannot read `" << input << "`: " << buffer.getError().message() << '\n';
      exitCode = static_cast<int>(ExitCode::Usage);
      return nullptr;
    }
    return parsePipeline(input, (*buffer)->getBuffer().str(), irJson, exitCode);
  }
  std::unique_ptr<ir::PipelineGraph> graph;
  std::string text;
  if (!loadSpecIr(input, stdlib, write, text, graph, exitCode)) return nullptr;
  if (graph) {
    irJson = std::move(text);
    return graph;
  }
  return parsePipeline(input, std::move(text), irJson, exitCode);
}

}  // namespace mlops::driver

// What `run` and `status` run on: a spec (checked and lowered; diagnostics
// printed) or a compiled pipeline.json (read as it is, without sources). A
// spec's IR comes from the compile cache (driver/compile_cache.h) when
// nothing it depends on changed.
#pragma once

#include "ir/pipeline_graph.h"

#include <memory>
#include <string>

namespace mlops::driver {

// Where a compilation may write its cache entry: `Create` makes the
// project's `.mlops/` when missing (`run`, which makes it anyway);
// `IfPresent` writes only into an existing one (commands that otherwise
// write nothing: `status`, `run --dry-run`).
enum class CacheWrite { Create, IfPresent };

// --no-compile-cache or MLOPS_NO_COMPILE_CACHE (not empty, not 0).
bool compileCacheDisabled();

// The graph and its pipeline.json text; null after printing why, with
// `exitCode` set (1: spec errors, 2: unreadable input).
std::unique_ptr<ir::PipelineGraph> loadPipeline(const std::string& input, const std::string& stdlib,
                                                std::string& irJson, int& exitCode,
                                                CacheWrite write = CacheWrite::IfPresent);

// A spec's pipeline.json text, its diagnostics printed: reused from the
// compile cache (`graph` stays null: parse `irJson` when the graph is
// needed) or compiled (`graph` set). False after printing why, with
// `exitCode` set. `cacheNote` (optional) says whether the cache was used
// and, if not, why (for --explain).
bool loadSpecIr(const std::string& spec, const std::string& stdlib, CacheWrite write, std::string& irJson,
                std::unique_ptr<ir::PipelineGraph>& graph, int& exitCode, std::string* cacheNote = nullptr);

// A pipeline.json already read as `text` (named `input` in messages).
std::unique_ptr<ir::PipelineGraph> parsePipeline(const std::string& input, std::string text, std::string& irJson,
                                                 int& exitCode);

}  // namespace mlops::driver

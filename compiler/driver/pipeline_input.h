// What `run` and `status` run on: a spec (checked and lowered; diagnostics
// printed) or a compiled pipeline.json (read as it is, without sources).
#pragma once

#include "ir/pipeline_graph.h"

#include <memory>
#include <string>

namespace mlops::driver {

// The graph and its pipeline.json text; null after printing why, with
// `exitCode` set (1: spec errors, 2: unreadable input).
std::unique_ptr<ir::PipelineGraph> loadPipeline(const std::string& input, const std::string& stdlib,
                                                std::string& irJson, int& exitCode);

// A pipeline.json already read as `text` (named `input` in messages).
std::unique_ptr<ir::PipelineGraph> parsePipeline(const std::string& input, std::string text, std::string& irJson,
                                                 int& exitCode);

}  // namespace mlops::driver

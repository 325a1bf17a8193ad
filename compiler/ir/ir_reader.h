// Reads pipeline.json back into the pipeline graph: what the runtime runs
// when it is given a compiled `pipeline.json` instead of the sources (and
// what CI jobs do). The reader checks `ir_version` first and the shape of
// everything it uses, and says where a document is wrong (a JSON pointer),
// so a hand-edited or truncated file is refused with a clear message
// instead of misread.
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>
#include <string_view>

namespace mlops::ir {

struct ReadError {
  std::string pointer;  // JSON pointer of the offending value ("/nodes/3/run"); "" for the document
  std::string message;  // lowercase, no trailing period
};

// Parses `text` (pipeline.json). On failure returns nullopt and fills `error`.
// Writing the result with writeJson gives `text` back byte for byte when it
// was written by mlopsc (tested on every example).
std::optional<PipelineGraph> readPipelineJson(std::string_view text, ReadError& error);

// "null", "a boolean", "a number", "a string", "an array" or "an object": how
// messages about JSON read by mlopsc (pipeline.json, result.json) name a value.
const char* jsonTypeName(const nlohmann::ordered_json& value);

}  // namespace mlops::ir

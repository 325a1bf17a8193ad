// Reading the project's parameters (ir::ProjectParams) by key path, for the
// compiler (which keys exist, for E0304 and did-you-mean), the runtime
// (`${params.a.b}` in commands, cache keys, `-P` overrides) and conditions
// (`when = params.a.b > 1`).
//
// A key path names a leaf (`train.n_est`) or a group of leaves (`train`):
// a group's value is the JSON object of its leaves, nested as in the file.
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::ir {

// The leaf named `key`, or null.
const ProjectParam* findParam(const ProjectParams& params, std::string_view key);

// Whether `key` names a leaf or a group.
bool hasParam(const ProjectParams& params, std::string_view key);

// Every name `${params.…}` may use: the leaves and the groups above them,
// in declaration order.
std::vector<std::string> paramNames(const ProjectParams& params);

// The value of a leaf or a group; nullopt when `key` names neither, or a
// leaf without a value (a typed param no `-P` gave).
std::optional<nlohmann::ordered_json> paramValue(const ProjectParams& params, std::string_view key);

// The current value of `key` in a graph, with the run's `-P` overrides
// (runtime/params.h applies them to the graph before anything runs): what a
// condition reads for `params.a.b`.
std::optional<nlohmann::ordered_json> paramValue(const PipelineGraph& graph, std::string_view key);

// A value as a command sees it: a string as it is, anything else as
// compact JSON (`50`, `0.2`, `true`, `[1,2]`).
std::string paramText(const nlohmann::ordered_json& value);

// Whether `type` is a param type: string, int, float, bool, list(T).
bool isParamType(std::string_view type);

// Whether `value` has `type` (an int is a float too); "" (untyped) takes
// anything.
bool valueHasType(const nlohmann::ordered_json& value, std::string_view type);

// Whether `key` can be one segment of `${params.a.b}`: letters, digits, `_`
// and `-`, not starting with `-`.
bool isParamKeySegment(std::string_view key);

// How a value is named in messages: "an integer", "a string", ...
std::string describeParamValue(const nlohmann::ordered_json& value);

}  // namespace mlops::ir

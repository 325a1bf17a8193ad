// `mlopsc run -P KEY=VALUE` (also `--param`): run-time values for the
// project's params (docs/language.md 5.1.1), applied to the graph before
// anything runs, so commands, cache keys and conditions all see them
// (ir::paramValue reads them by key path).
//
// A typed param's value must parse as its type (`int`, `float`, `bool`,
// `string`, `list(T)` as a JSON list) and hold its `where`; an untyped one
// keeps the type of the value it replaces (an int stays an int; a list takes
// a JSON list). Overridden entries are marked, and the run records the graph
// it ran (state: graphs), so which values came from `-P` stays on record.
#pragma once

#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::runtime {

// Applies `assignments` (each `KEY=VALUE`), then checks that every param
// value holds its `where`, and that every typed param without a default
// that a node reads (with `node`, that node; "" for any) was given. False
// with `error` (lowercase, names the param, says what was found and what
// was expected) when one is unknown, given twice, of the wrong type,
// refused by its `where`, or missing.
bool applyParamOverrides(ir::PipelineGraph& graph, const std::vector<std::string>& assignments,
                         const std::string& node, std::string& error);

}  // namespace mlops::runtime

// Expands each fanned-out step and model (sema/fan_out.h) into one node per
// item, so the runtime, the cache, the CI emitters and the report see plain
// nodes: `step:featurize@us` with `${item…}` substituted in its `run`,
// `outputs` and `params`, and `fan_out` naming its declaration and item.
// A test on a fanned-out node fans out with it (`test:auc@us` reads
// `model:train@us`); a node reading a fanned-out output reads every item's,
// in item order; everything else naming the declaration names all its items.
#pragma once

#include "ir/pipeline_graph.h"
#include "sema/program.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace mlops::ir {

struct FanOutExpansion {
  // A fanned-out declaration's node id → its items' node ids, in item order.
  std::unordered_map<std::string, std::vector<std::string>> items;
  // The ids standing for `id`: its items, or `id` itself.
  std::vector<std::string> ids(const std::string& id) const;
};

// Replaces the nodes, inputs and edges of `graph` (built one node per
// declaration) by their items. Call before the pipelines are computed.
FanOutExpansion expandFanOuts(const sema::Program& program, PipelineGraph& graph);

}  // namespace mlops::ir

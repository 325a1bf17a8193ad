// The visibility lines `status` ends with: each KPI of the graph against its
// target by its latest offline and online readings, and each A/B deploy's
// latest conclusion, from the record (docs/cli.md, status). The record's
// rows are hostile input: every string is shown escaped.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/state/record.h"

#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

// Prints nothing when the graph has no KPI and no A/B deploy.
void printKpiAndAbStatus(const ir::PipelineGraph& graph, const runtime::Record& record, llvm::raw_ostream& out);

}  // namespace mlops::driver

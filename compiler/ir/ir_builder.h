// Lowers a checked program (sema) to the pipeline graph. Only call it on a
// program without errors: every reference is then resolved.
#pragma once

#include "ir/pipeline_graph.h"
#include "sema/program.h"

namespace mlops::ir {

PipelineGraph buildPipelineGraph(const sema::Program& program);

// An expression as the IR stores it: its source text and a JSON tree.
Expression lowerExpression(const ast::Expr* e);

}  // namespace mlops::ir

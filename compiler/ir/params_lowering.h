// Lowers the project's params (sema::ParamsFacts) to the IR: locations,
// `where` trees and the params file's digest, and each node's reads.
#pragma once

#include "ir/pipeline_graph.h"
#include "sema/program.h"

namespace mlops::ir {

ProjectParams lowerProjectParams(const sema::Program& program);

// The project params `decl`'s `run`/`rollback` read, first use first.
std::vector<std::string> paramReadsOf(const sema::Program& program, const ast::Decl* decl);

}  // namespace mlops::ir

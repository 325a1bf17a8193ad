// Text dump of the checked program after a pass (`--dump-after=PASS`):
// modules, symbols, resolved references, role facts and graph edges, in a
// stable order.
#pragma once

#include "sema/program.h"

#include <llvm/Support/raw_ostream.h>

namespace mlops::sema {

void dumpProgram(llvm::raw_ostream& os, Program& program, llvm::StringRef afterPass);

}  // namespace mlops::sema

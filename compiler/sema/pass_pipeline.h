// The named pipeline of semantic passes (`mlopsc check --dump-after=PASS`).
#pragma once

#include "sema/pass.h"

#include <llvm/Support/raw_ostream.h>

#include <vector>

namespace mlops::sema {

// Pass names in the order they run.
std::vector<std::string> passNames();

// Runs every pass on `program` (whose root module is loaded). When
// `dumpAfter` names a pass, prints the program to `dump` after it.
void runSemaPipeline(Program& program, const SemaOptions& options, llvm::StringRef dumpAfter = {},
                     llvm::raw_ostream* dump = nullptr);

}  // namespace mlops::sema

// GitHub Actions workflow commands, one line per diagnostic:
//   ::error file=spec.mlops,line=3,col=9,endLine=3,endColumn=12,title=E0101::message
// Notes are appended to the message; endColumn is inclusive (the last column
// of the span), as GitHub annotations expect.
#pragma once

#include "diag/diagnostic.h"

#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::diag {

void renderGithub(llvm::raw_ostream& os, const llvm::SourceMgr& sources,
                  const std::vector<Diagnostic>& diagnostics);

// Escaping of workflow-command property values and messages.
std::string githubEscapeProperty(llvm::StringRef s);
std::string githubEscapeData(llvm::StringRef s);

}  // namespace mlops::diag

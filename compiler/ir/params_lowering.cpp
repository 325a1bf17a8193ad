#include "ir/params_lowering.h"

#include "diag/source_location.h"
#include "ir/ir_builder.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

namespace mlops::ir {

ProjectParams lowerProjectParams(const sema::Program& program) {
  if (!program.params) return {};
  const sema::ParamsFacts& facts = *program.params;
  ProjectParams out = facts.params;
  for (size_t i = 0; i < out.entries.size(); ++i) {
    diag::ResolvedRange r = diag::resolveRange(program.sources(), facts.ranges[i]);
    out.entries[i].location = {r.file, r.start.line, r.start.column, facts.ranges[i]};
    out.entries[i].where = lowerExpression(facts.conditions[i]);
  }
  if (facts.site && facts.bufferId) {
    llvm::SHA256 sha;
    sha.update(program.sources().getMemoryBuffer(facts.bufferId)->getBuffer());
    out.file = SourceFile{facts.path, llvm::toHex(sha.final(), /*LowerCase=*/true)};
  }
  return out;
}

std::vector<std::string> paramReadsOf(const sema::Program& program, const ast::Decl* decl) {
  auto it = program.paramReads.find(decl);
  return it == program.paramReads.end() ? std::vector<std::string>() : it->second;
}

}  // namespace mlops::ir

#include "sema/project_params.h"

#include "diag/suggest.h"
#include "ir/project_params.h"
#include "sema/program.h"

#include <algorithm>

namespace mlops::sema {

void checkProjectParam(Program& program, const ast::Decl* reader, llvm::StringRef key,
                       const std::vector<llvm::StringRef>& ownNames, llvm::SMRange at) {
  std::string k = key.trim().str();
  if (program.params && !k.empty() && ir::hasParam(program.params->params, k)) {
    std::vector<std::string>& reads = program.paramReads[reader];
    if (std::find(reads.begin(), reads.end(), k) == reads.end()) reads.push_back(k);
    return;
  }
  std::vector<std::string> projectNames;
  if (program.params) projectNames = ir::paramNames(program.params->params);
  std::vector<llvm::StringRef> options(ownNames.begin(), ownNames.end());
  options.insert(options.end(), projectNames.begin(), projectNames.end());
  std::string written = "params" + (key.empty() ? std::string() : "." + key.str());
  std::string why = k.empty() ? std::string("expected `params.NAME`")
                              : keyword(reader->kind()).str() + " `" + reader->name.text.str() + "` has no param `" + k +
                                    "`" + (program.params ? ", nor has the project" : " and the project has no `params`");
  auto d = program.diags().report(at, diag::kinds::InvalidInterpolation, written, why);
  if (!k.empty())
    if (auto s = diag::closestMatch(program.diags(), k, options)) d.note("did you mean `" + *s + "`?");
}

}  // namespace mlops::sema

#include "sema/pass_pipeline.h"

#include "sema/program_dump.h"

namespace mlops::sema {
namespace {

std::vector<std::unique_ptr<Pass>> makePasses(const SemaOptions& options) {
  std::vector<std::unique_ptr<Pass>> passes;
  passes.push_back(createImportsPass(options));
  passes.push_back(createNamesPass());
  passes.push_back(createPropertiesPass());
  passes.push_back(createReferencesPass());
  passes.push_back(createParamsPass(options));
  passes.push_back(createFanOutPass());
  passes.push_back(createInterpolationPass());
  passes.push_back(createCheckBindingPass());
  passes.push_back(createExpressionsPass());
  passes.push_back(createGraphPass());
  passes.push_back(createPathsPass());
  passes.push_back(createSignersPass(options));
  passes.push_back(createPolicyPass());
  passes.push_back(createParamsUsePass());
  passes.push_back(createWarningsPass());
  return passes;
}

}  // namespace

std::vector<std::string> passNames() {
  std::vector<std::string> names;
  for (const auto& p : makePasses({})) names.push_back(p->name().str());
  return names;
}

void runSemaPipeline(Program& program, const SemaOptions& options, llvm::StringRef dumpAfter,
                     llvm::raw_ostream* dump) {
  for (const auto& pass : makePasses(options)) {
    if (program.diags().tooManyErrors()) break;
    pass->run(program);
    if (dump && pass->name() == dumpAfter) dumpProgram(*dump, program, pass->name());
  }
}

}  // namespace mlops::sema

#include "driver/pipeline_input.h"

#include "driver/commands.h"
#include "ir/ir_reader.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

std::unique_ptr<ir::PipelineGraph> parsePipeline(const std::string& input, std::string text, std::string& irJson,
                                                 int& exitCode) {
  ir::ReadError error;
  std::optional<ir::PipelineGraph> read = ir::readPipelineJson(text, error);
  if (!read) {
    llvm::errs() << input << (error.pointer.empty() ? "" : " at " + error.pointer)
                 << ": error: not a pipeline.json mlopsc can run: " << error.message << '\n';
    exitCode = static_cast<int>(ExitCode::Usage);
    return nullptr;
  }
  irJson = std::move(text);
  return std::make_unique<ir::PipelineGraph>(std::move(*read));
}

std::unique_ptr<ir::PipelineGraph> loadPipeline(const std::string& input, const std::string& stdlib,
                                                std::string& irJson, int& exitCode) {
  llvm::StringRef name(input);
  if (name.endswith(".json")) {
    auto buffer = llvm::MemoryBuffer::getFile(input, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "mlopsc: error: cannot read `" << input << "`: " << buffer.getError().message() << '\n';
      exitCode = static_cast<int>(ExitCode::Usage);
      return nullptr;
    }
    return parsePipeline(input, (*buffer)->getBuffer().str(), irJson, exitCode);
  }
  if (!validateDiagnosticOptions()) {
    exitCode = static_cast<int>(ExitCode::Usage);
    return nullptr;
  }
  ExitCode failure = ExitCode::Success;
  std::unique_ptr<ir::PipelineGraph> graph = compileSpec(input, stdlib, failure);
  if (!graph) {
    exitCode = static_cast<int>(failure);
    return nullptr;
  }
  irJson = ir::writeJson(*graph);
  return graph;
}

}  // namespace mlops::driver

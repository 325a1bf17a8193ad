// mlopsc graph SPEC [--format=dot|svg|png] [-o FILE]: checks SPEC and draws
// its pipeline graph (emit/graph_emitter.h) to FILE or stdout. Without
// --format the picture is SVG, or DOT above kMaxLayoutNodes nodes (said on
// stderr), since laying out thousands of nodes is slow and the picture
// unreadable; an explicit --format is always honoured.
#include "driver/commands.h"
#include "emit/graph_emitter.h"

#include <llvm/Support/Process.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {
namespace {

llvm::cl::opt<std::string> graphSpec(llvm::cl::Positional, llvm::cl::desc("<spec.mlops>"), llvm::cl::Required,
                                     llvm::cl::sub(graphCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> graphFormat("format",
                                       llvm::cl::desc("Output format: dot, svg or png (default: svg; dot above "
                                                      "2000 nodes unless given)"),
                                       llvm::cl::value_desc("dot|svg|png"), llvm::cl::init("svg"),
                                       llvm::cl::sub(graphCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> graphOutput("o", llvm::cl::desc("Write to this file (default: stdout)"),
                                       llvm::cl::value_desc("file"), llvm::cl::sub(graphCommand),
                                       llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> graphStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                       llvm::cl::sub(graphCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runGraph() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  std::optional<emit::GraphFormat> format = emit::parseGraphFormat(graphFormat);
  if (!format) {
    llvm::errs() << "mlopsc: error: unknown --format `" << graphFormat << "`: expected dot, svg or png\n";
    return static_cast<int>(ExitCode::Usage);
  }
  bool toStdout = graphOutput.empty() || graphOutput == "-";
  if (toStdout && diagnosticsGoToStdout()) {
    llvm::errs() << "mlopsc: error: the graph and the diagnostics would both go to stdout: write the graph "
                    "with -o FILE, or use --diagnostics-format=text\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (toStdout && *format == emit::GraphFormat::Png && llvm::sys::Process::StandardOutIsDisplayed()) {
    llvm::errs() << "mlopsc: error: refusing to write PNG to a terminal: use -o FILE or redirect stdout\n";
    return static_cast<int>(ExitCode::Usage);
  }

  ExitCode failure = ExitCode::Success;
  std::unique_ptr<ir::PipelineGraph> graph = compileSpec(graphSpec, graphStdlib, failure);
  if (!graph) return static_cast<int>(failure);
  if (graph->nodes.size() > emit::kMaxLayoutNodes && graphFormat.getNumOccurrences() == 0) {
    llvm::errs() << "mlopsc: note: the graph has " << graph->nodes.size() << " nodes, more than "
                 << emit::kMaxLayoutNodes << ": writing DOT, since laying it out would be slow "
                 << "(--format=svg forces it)\n";
    format = emit::GraphFormat::Dot;
  }

  emit::GraphEmitter emitter(*graph);
  std::string error;
  std::optional<std::string> picture = emitter.render(*format, error);
  printGraphvizMessages(emitter.messages());
  if (!picture) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  if (toStdout) {
    llvm::outs() << *picture;
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      llvm::errs() << "mlopsc: error: cannot write to stdout: " << llvm::outs().error().message() << '\n';
      llvm::outs().clear_error();
      return static_cast<int>(ExitCode::Usage);
    }
    return static_cast<int>(ExitCode::Success);
  }
  if (!writeAtomically(graphOutput, *picture, error)) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  return static_cast<int>(ExitCode::Success);
}

}  // namespace mlops::driver

// mlopsc build SPEC -o OUT [--emit=ir,graph] [--check]: checks SPEC and
// writes what CI and the runtime need: the IR (OUT/pipeline.json) and the
// graph picture (OUT/graph/pipeline.dot, .svg). Output is deterministic;
// --check compares instead of writing and prints a unified diff of what
// would change (exit 1), for "generated files are up to date" CI jobs.
#include "driver/commands.h"
#include "driver/stdlib_locator.h"
#include "emit/graph_emitter.h"
#include "ir/ir_builder.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {
namespace {

llvm::cl::opt<std::string> buildSpec(llvm::cl::Positional, llvm::cl::desc("<spec.mlops>"), llvm::cl::Required,
                                     llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> outDir("o", llvm::cl::desc("Output folder"), llvm::cl::value_desc("dir"),
                                  llvm::cl::Required, llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> emit("emit",
                                 llvm::cl::desc("What to write (default: all): ir (pipeline.json), graph "
                                                "(graph/pipeline.dot and .svg)"),
                                 llvm::cl::value_desc("ir,graph"), llvm::cl::CommaSeparated,
                                 llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> checkOnly("check",
                              llvm::cl::desc("Write nothing; exit 1 with a diff when files on disk differ from "
                                             "what would be generated"),
                              llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> buildStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                       llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));

struct Output {
  std::string relativePath;
  std::string content;
};

// OUT/graph/pipeline.dot and .svg; the SVG only up to kMaxLayoutNodes nodes.
bool emitGraph(const ir::PipelineGraph& graph, std::vector<Output>& outputs) {
  emit::GraphEmitter emitter(graph);
  std::string error;
  std::optional<std::string> dot = emitter.render(emit::GraphFormat::Dot, error);
  std::optional<std::string> svg;
  if (dot && graph.nodes.size() <= emit::kMaxLayoutNodes) svg = emitter.render(emit::GraphFormat::Svg, error);
  printGraphvizMessages(emitter.messages());
  if (!dot || (!svg && graph.nodes.size() <= emit::kMaxLayoutNodes)) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return false;
  }
  outputs.push_back({"graph/pipeline.dot", std::move(*dot)});
  if (svg) outputs.push_back({"graph/pipeline.svg", std::move(*svg)});
  else
    llvm::errs() << "mlopsc: note: the graph has " << graph.nodes.size() << " nodes, more than "
                 << emit::kMaxLayoutNodes << ": wrote graph/pipeline.dot only, since laying it out would be "
                 << "slow (`mlopsc graph SPEC --format=svg` forces it)\n";
  return true;
}

}  // namespace

bool writeAtomically(const std::string& path, const std::string& content, std::string& error) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (std::error_code ec = dir.empty() ? std::error_code() : llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str().str() + ": " + ec.message();
    return false;
  }
  std::string tmp = path + ".tmp";
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(tmp, ec);
    if (ec) {
      error = "cannot write " + tmp + ": " + ec.message();
      return false;
    }
    out << content;
    out.close();
    if (out.has_error()) {
      error = "cannot write " + tmp + ": " + out.error().message();
      out.clear_error();
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
    return false;
  }
  return true;
}

namespace {

// Prints `diff -u` of the file on disk against the generated content.
void printDiff(const std::string& path, const std::string& content) {
  llvm::SmallString<128> tmp;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("mlopsc-expected", "txt", fd, tmp)) return;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << content;
  }
  llvm::ErrorOr<std::string> diff = llvm::sys::findProgramByName("diff");
  bool exists = llvm::sys::fs::exists(path);
  if (diff) {
    std::string label = "--label=" + path + " (generated)";
    std::string oldLabel = "--label=" + path;
    std::string old = exists ? path : "/dev/null";
    llvm::StringRef args[] = {*diff, "-u", oldLabel, label, old, tmp};
    llvm::outs().flush();
    llvm::sys::ExecuteAndWait(*diff, args);
  } else {
    llvm::outs() << path << (exists ? " differs" : " is missing") << '\n';
  }
  llvm::sys::fs::remove(tmp);
}

}  // namespace

std::optional<ir::PipelineGraph> compileSpec(const std::string& spec, const std::string& stdlibOverride,
                                             ExitCode& failure) {
  std::string stdlibError;
  std::optional<std::string> stdlib = findStdlib(stdlibOverride, stdlibError);
  if (!stdlib) {
    llvm::errs() << "mlopsc: error: " << stdlibError << '\n';
    failure = ExitCode::Usage;
    return std::nullopt;
  }
  Compilation compilation;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  if (!applyWarningFlags(compilation.diags())) {
    failure = ExitCode::Usage;
    return std::nullopt;
  }
  sema::SemaOptions options;
  options.stdlibDir = *stdlib;
  bool readable = compilation.checkFiles({spec}, options, parseOptionsFromFlags());
  emitDiagnostics(compilation.diags());
  if (!readable) {
    failure = ExitCode::Usage;
    return std::nullopt;
  }
  if (compilation.diags().hasErrors() || compilation.programs().empty()) {
    llvm::errs() << "mlopsc: nothing written: the spec has errors\n";
    failure = ExitCode::SpecErrors;
    return std::nullopt;
  }
  return ir::buildPipelineGraph(*compilation.programs().front());
}

void printGraphvizMessages(const std::vector<std::string>& messages) {
  for (const std::string& m : messages) llvm::errs() << "mlopsc: graphviz: " << m << '\n';
}

int runBuild() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  bool emitIr = emit.empty(), emitGraphs = emit.empty();
  for (const std::string& what : emit) {
    if (what == "ir") emitIr = true;
    else if (what == "graph") emitGraphs = true;
    else {
      llvm::errs() << "mlopsc: error: unknown --emit target `" << what << "`: expected ir or graph\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  ExitCode failure = ExitCode::Success;
  std::optional<ir::PipelineGraph> graph = compileSpec(buildSpec, buildStdlib, failure);
  if (!graph) return static_cast<int>(failure);
  std::vector<Output> outputs;
  if (emitIr)
    outputs.push_back(
        {"pipeline.json", ir::toJson(*graph).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"});
  if (emitGraphs && !emitGraph(*graph, outputs)) return static_cast<int>(ExitCode::Usage);

  bool differs = false;
  for (const Output& o : outputs) {
    llvm::SmallString<256> path(outDir.getValue());
    llvm::sys::path::append(path, o.relativePath);
    if (checkOnly) {
      auto onDisk = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
      if (!onDisk || (*onDisk)->getBuffer() != o.content) {
        differs = true;
        printDiff(path.str().str(), o.content);
      }
      continue;
    }
    std::string error;
    if (!writeAtomically(path.str().str(), o.content, error)) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
  }
  if (checkOnly && differs) {
    llvm::errs() << "mlopsc: generated files in " << outDir << " are out of date; run `mlopsc build " << buildSpec
                 << " -o " << outDir << "`\n";
    return static_cast<int>(ExitCode::SpecErrors);
  }
  return static_cast<int>(ExitCode::Success);
}

}  // namespace mlops::driver

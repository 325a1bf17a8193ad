// mlopsc log NODE [--project DIR]: prints the log of the latest run of a
// node that ran a command (`.mlops/logs/RUN/KIND-NAME.log`). On a terminal
// its control characters are shown as escapes (support/display_text.h): a
// command's output must not drive the terminal of whoever reads it. To a
// pipe or a file the bytes go as they are, a faithful copy.
#include "driver/commands.h"
#include "driver/project_state.h"
#include "support/display_text.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace mlops::driver {

namespace {

llvm::cl::opt<std::string> logNode(llvm::cl::Positional, llvm::cl::desc("<node>"), llvm::cl::Required,
                                   llvm::cl::sub(logCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runLog() {
  std::optional<ProjectState> project = openProjectState(projectOption, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  std::string id = logNode;
  if (project->graph) {
    const ir::Node* n = findNodeOrReport(*project->graph, logNode, nullptr);
    if (!n) return static_cast<int>(ExitCode::Usage);
    id = n->id;
  }
  std::string file = id;
  std::replace(file.begin(), file.end(), ':', '-');
  auto rows = project->store->nodeHistory(id);
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    std::string path = project->root + "/.mlops/logs/" + std::to_string(it->first) + "/" + file + ".log";
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) continue;
    llvm::errs() << "mlopsc: " << id << ", run " << it->first << " (" << support::escapeControls(it->second.status)
                 << "): " << support::escapeControls(path) << '\n';
    if (llvm::outs().is_displayed())
      llvm::outs() << support::escapeControls((*buffer)->getBuffer(), support::Lines::Multi);
    else
      llvm::outs() << (*buffer)->getBuffer();
    return 0;
  }
  llvm::errs() << "mlopsc: error: `" << id << "` has no log: "
               << (rows.empty() ? "it has not run yet" : "it has not run a command (it was cached, checked or evaluated)")
               << '\n';
  return static_cast<int>(ExitCode::Usage);
}

}  // namespace mlops::driver

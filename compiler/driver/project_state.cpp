#include "driver/project_state.h"

#include "ir/ir_reader.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

std::string projectNameOfCheckout(const std::string& root) {
  std::string error;
  if (!llvm::sys::fs::exists(root + "/.mlops/state.db")) return "";
  if (auto local = runtime::SqliteStore::open(root + "/.mlops/state.db", error, runtime::SqliteStore::Use::LocalCacheOnly))
    if (std::optional<std::string> json = local->newestGraph()) {
      ir::ReadError ignored;
      if (std::optional<ir::PipelineGraph> g = ir::readPipelineJson(*json, ignored)) return g->projectName;
    }
  return "";
}

std::optional<ProjectState> openProjectState(const std::string& projectOption,
                                             const runtime::StateSelection& selection) {
  ProjectState p;
  bool selected = !selection.isDefault();
  if (!projectOption.empty()) {
    p.root = projectOption;
    if (!selected && !llvm::sys::fs::exists(p.root + "/.mlops/state.db")) {
      llvm::errs() << "mlopsc: error: `" << p.root
                   << "` has no `.mlops/state.db`: run `mlopsc run` there first\n";
      return std::nullopt;
    }
  } else {
    llvm::SmallString<256> dir;
    llvm::sys::fs::current_path(dir);
    std::string here = dir.str().str();
    for (;;) {
      if (llvm::sys::fs::exists(dir + "/.mlops/state.db")) {
        p.root = dir.str().str();
        break;
      }
      llvm::StringRef parent = llvm::sys::path::parent_path(dir);
      if (parent.empty() || parent == dir) {
        if (selected) {
          p.root = here;
          break;
        }
        llvm::errs() << "mlopsc: error: no `.mlops/state.db` in this folder or any above it: run `mlopsc run "
                        "SPEC` first, or give --project DIR\n";
        return std::nullopt;
      }
      dir = parent.str();  // a copy first: `parent` points into `dir`
    }
  }
  if (selection.backend == runtime::StateBackend::Sqlite && selected &&
      !llvm::sys::fs::exists(selection.location)) {
    llvm::errs() << "mlopsc: error: no state at `" << selection.location
                 << "`: expected the SQLite file of a record (--state or MLOPS_STATE)\n";
    return std::nullopt;
  }
  std::string error;
  std::string projectName =
      selection.backend == runtime::StateBackend::Postgres ? projectNameOfCheckout(p.root) : std::string();
  p.store = runtime::openRecord(selection, p.root, projectName, error);
  if (!p.store) {
    llvm::errs() << "mlopsc: error: " << error << '\n';
    return std::nullopt;
  }
  if (std::optional<std::string> json = p.store->lastGraph()) {
    ir::ReadError readError;
    p.graph = ir::readPipelineJson(*json, readError);
    if (!p.graph) {
      llvm::errs() << "mlopsc: error: the pipeline graph of the latest run in `" << p.store->describe()
                   << "` is unreadable: " << readError.message << '\n';
      return std::nullopt;
    }
  }
  return p;
}

std::optional<ProjectState> openProjectWithGraph(const std::string& projectOption,
                                                 const runtime::StateSelection& selection) {
  std::optional<ProjectState> project = openProjectState(projectOption, selection);
  if (!project) return std::nullopt;
  if (!project->graph) {
    llvm::errs() << "mlopsc: error: no run recorded in `" << project->root << "`: give the spec\n";
    return std::nullopt;
  }
  project->graph->root = project->root;
  return project;
}

const ir::Node* findNodeOrReport(const ir::PipelineGraph& graph, const std::string& name, const char* kindWanted) {
  std::vector<const ir::Node*> matches, ofKind;
  for (const ir::Node& n : graph.nodes)
    if (n.id == name || n.name == name) {
      matches.push_back(&n);
      if (!kindWanted || std::string(ir::nodeKindName(n.kind)) == kindWanted) ofKind.push_back(&n);
    }
  if (ofKind.size() == 1) return ofKind.front();
  std::string what = kindWanted ? std::string(kindWanted) : "node";
  if (ofKind.size() > 1) {
    llvm::errs() << "mlopsc: error: `" << name << "` names several nodes: give the id (";
    for (size_t i = 0; i < ofKind.size(); ++i) llvm::errs() << (i ? ", " : "") << ofKind[i]->id;
    llvm::errs() << ")\n";
    return nullptr;
  }
  llvm::errs() << "mlopsc: error: no " << what << " `" << name << "` in the pipeline of the latest run";
  if (!matches.empty()) llvm::errs() << " (`" << matches.front()->id << "` is a " << ir::nodeKindName(matches.front()->kind) << ")";
  std::string known;
  if (kindWanted)
    for (const ir::Node& n : graph.nodes)
      if (std::string(ir::nodeKindName(n.kind)) == kindWanted) known += (known.empty() ? "" : ", ") + n.name;
  if (!known.empty()) llvm::errs() << "; its " << kindWanted << "s: " << known;
  llvm::errs() << '\n';
  return nullptr;
}

}  // namespace mlops::driver

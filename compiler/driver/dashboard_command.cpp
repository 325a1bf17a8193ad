// mlopsc dashboard [SPEC|pipeline.json] [--state URL] -o DIR: the team
// dashboard as a static site (emit/dashboard/dashboard_site.h,
// docs/dashboard.md), from the spec and the record; with --serve[=ADDR:PORT]
// the same pages over HTTP, live from the record, read-only, on 127.0.0.1
// unless --allow-remote (driver/dashboard_server.h). Without an input, the
// graph of the project's latest run.
#include "driver/commands.h"
#include "driver/dashboard_server.h"
#include "driver/dashboard_state.h"
#include "driver/keep_until_exit.h"
#include "driver/pipeline_input.h"
#include "driver/project_state.h"
#include "emit/dashboard/dashboard_site.h"
#include "emit/dashboard/page_layout.h"
#include "emit/graph_emitter.h"
#include "runtime/state/state_selection.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

namespace {

// A list, so that `--serve ADDR:PORT` (whose value llvm::cl leaves to the
// positionals) can be told from the input.
llvm::cl::list<std::string> dashboardInputs(llvm::cl::Positional, llvm::cl::desc("[spec.mlops|pipeline.json]"),
                                            llvm::cl::sub(dashboardCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> dashboardOut("o", llvm::cl::desc("Folder to write the site to (index.html, models.html, "
                                                            "model-NAME.html, data.html, teams.html, dashboard.css, "
                                                            "dashboard.js)"),
                                        llvm::cl::value_desc("dir"), llvm::cl::sub(dashboardCommand),
                                        llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> dashboardServe(
    "serve",
    llvm::cl::desc("Serve the pages over HTTP instead, live from the record, read-only, at ADDR:PORT (default "
                   "127.0.0.1:8080; port 0: any free port); --serve ADDR:PORT also works when no input file is "
                   "named ADDR:PORT"),
    llvm::cl::value_desc("addr:port"), llvm::cl::ValueOptional, llvm::cl::sub(dashboardCommand),
    llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> dashboardAllowRemote(
    "allow-remote",
    llvm::cl::desc("Let --serve listen on an address other computers reach (the pages show the team's record to "
                   "anyone who can connect; there is no login)"),
    llvm::cl::sub(dashboardCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> dashboardTimestamp("timestamp",
                                       llvm::cl::desc("Say on each page when it was made (off: the same record "
                                                      "gives the same bytes)"),
                                       llvm::cl::sub(dashboardCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> dashboardStdlib("stdlib", llvm::cl::desc("Standard library folder"),
                                           llvm::cl::value_desc("dir"), llvm::cl::sub(dashboardCommand),
                                           llvm::cl::cat(commandCategory));

// `--serve ADDR:PORT` with a space: llvm::cl gives the address to the
// positionals. Taken back when it looks like an address and no such file
// exists.
bool looksLikeAddress(const std::string& text) {
  if (text.empty() || llvm::sys::fs::exists(text)) return false;
  size_t colon = text.rfind(':');
  return colon != std::string::npos && colon + 1 < text.size() &&
         text.find_first_not_of("0123456789", colon + 1) == std::string::npos && text.find('/') == std::string::npos;
}

// The pipeline picture with each node a link to where the dashboard shows it.
std::string linkedSvg(const ir::PipelineGraph& g) {
  if (g.nodes.size() > emit::kMaxLayoutNodes) return "";
  emit::GraphEmitter emitter(g, [&](const ir::Node& n) { return emit::dashboard::nodeHref(g, n); });
  std::string error;
  std::optional<std::string> svg = emitter.render(emit::GraphFormat::Svg, error);
  if (!svg) {
    llvm::errs() << "mlopsc: warning: the graph could not be drawn: " << error << '\n';
    return "";
  }
  return *svg;
}

}  // namespace

int runDashboard() {
  std::string input;
  std::string listen = dashboardServe;
  bool serve = dashboardServe.getNumOccurrences() > 0;
  for (const std::string& positional : dashboardInputs) {
    if (serve && listen.empty() && looksLikeAddress(positional)) {
      listen = positional;
    } else if (input.empty()) {
      input = positional;
    } else {
      llvm::errs() << "mlopsc: error: more than one input (`" << input << "`, `" << positional
                   << "`): expected one spec or pipeline.json\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  if (serve == !dashboardOut.empty()) {
    llvm::errs() << "mlopsc: error: "
                 << (serve ? "-o and --serve: choose one (write the site, or serve it)"
                           : "no output: give -o DIR to write the site, or --serve to serve it")
                 << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  std::string host;
  int port = 0;
  if (serve) {
    std::string error;
    if (!parseListenAddress(listen, host, port, error)) {
      llvm::errs() << "mlopsc: error: --serve: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    if (!isLoopback(host) && !dashboardAllowRemote) {
      llvm::errs() << "mlopsc: error: --serve " << host
                   << " is not a loopback address: the dashboard has no login, so anyone who can reach it reads "
                      "the team's record; give --allow-remote to serve it there anyway (behind a proxy that "
                      "authenticates)\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }

  std::unique_ptr<ir::PipelineGraph> graph;
  std::unique_ptr<runtime::Record> record;
  std::string root;
  if (!input.empty()) {
    std::string irJson;
    int exitCode = 0;
    graph = loadPipeline(input, dashboardStdlib, irJson, exitCode);
    if (!graph) return exitCode;
    root = graph->root.empty() ? "." : graph->root;
    runtime::StateSelection selection = selectedState();
    std::string statePath = selection.isDefault() ? root + "/.mlops/state.db" : selection.location;
    if (!selection.isDefault() || llvm::sys::fs::exists(statePath)) {
      if (selection.backend == runtime::StateBackend::Sqlite && !llvm::sys::fs::exists(statePath)) {
        llvm::errs() << "mlopsc: error: no state store at `" << statePath << "`\n";
        return static_cast<int>(ExitCode::Usage);
      }
      std::string error;
      record = runtime::openRecord(selection, root, graph->projectName, error);
      if (!record) {
        llvm::errs() << "mlopsc: error: " << error << '\n';
        return static_cast<int>(ExitCode::Usage);
      }
    } else {
      llvm::errs() << "mlopsc: note: no run recorded in `" << root << "` yet: the dashboard shows the spec alone\n";
    }
  } else {
    std::optional<ProjectState> project = openProjectWithGraph(projectOption, selectedState());
    if (!project) return static_cast<int>(ExitCode::Usage);
    graph = std::make_unique<ir::PipelineGraph>(std::move(*project->graph));
    root = project->root;
    record = std::move(project->store);
  }

  const std::string svg = linkedSvg(*graph);
  auto build = [&]() {
    emit::dashboard::DashboardInput in = readDashboardInput(*graph, root, record.get());
    in.svg = svg;
    if (dashboardTimestamp) in.generatedAt = runtime::utcTimestamp();
    return emit::dashboard::renderDashboard(in);
  };

  if (serve) {
    SiteSource source;
    source.fingerprint = [&]() {
      if (!record) return std::string();
      std::vector<runtime::RunRecord> runs = record->runs();
      runtime::ApprovalHead head = record->approvalsHead();
      std::string text = std::to_string(runs.size()) + " " + std::to_string(head.id) + " " + head.hash;
      if (!runs.empty()) text += " " + std::to_string(runs.back().id) + " " + runs.back().status + " " + runs.back().finishedAt;
      return text;
    };
    bool reported = false;
    source.build = [&]() {
      SiteFiles files = build();
      // A record lost while serving (a server gone) stays lost: its errors
      // are sticky. Said once; the pages show what could be read.
      if (record && !record->ok() && !reported) {
        reported = true;
        llvm::errs() << "mlopsc: error: " << record->error() << " (the pages show what was read before)\n";
      }
      return files;
    };
    int code = serveDashboard(host, port, std::move(source));
    keepUntilExit(std::move(graph));
    return code;
  }

  SiteFiles files = build();
  if (record && !record->ok()) {
    llvm::errs() << "mlopsc: error: " << record->error() << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  for (const auto& [name, content] : files) {
    llvm::SmallString<256> path(dashboardOut.getValue());
    llvm::sys::path::append(path, name);
    std::string error;
    if (!writeAtomically(path.str().str(), content, error)) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
  }
  llvm::outs() << "wrote " << files.size() << " files to " << dashboardOut << " (open "
               << dashboardOut << "/index.html)\n";
  keepUntilExit(std::move(graph));
  return 0;
}

}  // namespace mlops::driver

// mlopsc report SPEC [-o DIR] [--format md,html,json] [--baseline OLD]
// [--state URL|FILE|none] [--timestamp]: the audit report for model risk managers
// (emit/audit_report.h, docs/report.md) from the spec and, when present,
// the project's run history.
#include "driver/audit_output.h"
#include "driver/commands.h"
#include "driver/keep_until_exit.h"
#include "driver/pipeline_input.h"
#include "driver/plot_files.h"
#include "driver/version.h"
#include "emit/audit_changes.h"
#include "emit/graph_emitter.h"
#include "emit/target_limits.h"
#include "runtime/state/state_selection.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>


namespace mlops::driver {

llvm::cl::SubCommand reportCommand("report",
                                   "Write the audit report (Markdown, HTML, JSON) of a spec and its run history");

namespace {

llvm::cl::opt<std::string> reportSpec(llvm::cl::Positional, llvm::cl::desc("<spec.mlops>"), llvm::cl::Required,
                                      llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> reportOut("o", llvm::cl::desc("Folder for report.md, report.html, report.json (default: audit)"),
                                     llvm::cl::value_desc("dir"), llvm::cl::init("audit"),
                                     llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::list<std::string> reportFormats("format", llvm::cl::desc("Formats to write: md, html, json (default: all)"),
                                          llvm::cl::value_desc("list"), llvm::cl::CommaSeparated,
                                          llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> reportBaseline(
    "baseline", llvm::cl::desc("An earlier spec or pipeline.json: the report lists what changed since"),
    llvm::cl::value_desc("old"), llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> reportState(
    "state",
    llvm::cl::desc("The run history to read: a PostgreSQL URL or libpq keyword string, or a SQLite file "
                   "(default: $MLOPS_STATE, else .mlops/state.db in the spec's folder, when present; "
                   "`none`: the spec's evidence only)"),
    llvm::cl::value_desc("url|file|none"), llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> reportTimestamp("timestamp", llvm::cl::desc("Record when the report was made (off: reports are reproducible)"),
                                    llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> reportStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                        llvm::cl::sub(reportCommand), llvm::cl::cat(commandCategory));

}  // namespace

int runReport() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  std::vector<AuditFormat> formats;
  for (const std::string& f : reportFormats) {
    if (f == "md" || f == "markdown") formats.push_back(AuditFormat::Markdown);
    else if (f == "html") formats.push_back(AuditFormat::Html);
    else if (f == "json") formats.push_back(AuditFormat::Json);
    else {
      llvm::errs() << "mlopsc: error: unknown --format `" << f << "`: expected md, html or json\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  if (formats.empty()) formats = {AuditFormat::Markdown, AuditFormat::Html, AuditFormat::Json};

  // The baseline first: a bad one is a usage error before any work.
  std::unique_ptr<ir::PipelineGraph> baseline;
  if (!reportBaseline.empty()) {
    std::string json;
    int exitCode = 0;
    baseline = loadPipeline(reportBaseline, reportStdlib, json, exitCode);
    if (!baseline) {
      llvm::errs() << "mlopsc: error: the baseline `" << reportBaseline << "` could not be read\n";
      return exitCode ? exitCode : static_cast<int>(ExitCode::Usage);
    }
  }

  emit::AuditInputs inputs;
  inputs.compilerVersion = kVersion;
  if (reportTimestamp) inputs.timestamp = runtime::utcTimestamp();
  std::string svgError;
  bool drawn = true;
  auto collect = [&](const ir::PipelineGraph& g, diag::DiagnosticEngine& diags) {
    for (emit::CiTarget t : {emit::CiTarget::GitHub, emit::CiTarget::GitLab, emit::CiTarget::Argo})
      emit::reportTargetLimits(g, t, diags);
    inputs.diagnostics = auditDiagnostics(diags);
    if (g.nodes.size() <= emit::kMaxLayoutNodes) {
      emit::GraphEmitter emitter(g);
      std::optional<std::string> svg = emitter.render(emit::GraphFormat::Svg, svgError);
      if (svg) inputs.svg = std::move(*svg);
      else drawn = false;
    }
  };
  ExitCode failure = ExitCode::Success;
  std::unique_ptr<ir::PipelineGraph> graph = compileSpec(reportSpec, reportStdlib, failure, collect);
  if (!graph) return static_cast<int>(failure);
  if (!drawn) llvm::errs() << "mlopsc: warning: the graph could not be drawn: " << svgError << '\n';
  inputs.graph = graph.get();
  inputs.irSha256 = sha256Hex(ir::writeJson(*graph));

  std::string root = graph->root.empty() ? "." : graph->root;
  runtime::StateSelection selection = runtime::selectState(reportState);
  std::string statePath = selection.isDefault() ? root + "/.mlops/state.db" : selection.location;
  if (reportState == "none") {
    // The spec's evidence only.
  } else if (!selection.isDefault() || llvm::sys::fs::exists(statePath)) {
    if (selection.backend == runtime::StateBackend::Sqlite && !llvm::sys::fs::exists(statePath)) {
      llvm::errs() << "mlopsc: error: no state store at `" << statePath << "`\n";
      return static_cast<int>(ExitCode::Usage);
    }
    std::string error;
    inputs.state = readAuditState(*graph, selection, root, error);
    if (!inputs.state) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
  }
  // The plot files as they are now; `--state none` is the spec's evidence alone.
  if (reportState != "none") inputs.plots = readPlotFiles(*graph, root);
  if (baseline) {
    inputs.changes = emit::diffGraphs(*baseline, *graph);
    inputs.baseline = reportBaseline;
  }

  for (const auto& [name, content] : auditFiles(inputs, formats)) {
    llvm::SmallString<256> path(reportOut.getValue());
    llvm::sys::path::append(path, name);
    std::string error;
    if (!writeAtomically(path.str().str(), content, error)) {
      llvm::errs() << "mlopsc: error: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    llvm::outs() << "wrote " << path << '\n';
  }
  keepUntilExit(std::move(graph));
  return 0;
}

}  // namespace mlops::driver

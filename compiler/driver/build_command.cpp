// mlopsc build SPEC -o OUT [--emit=ir,graph,github,gitlab,argo,audit,slurm] [--check]:
// checks SPEC and writes what CI and the runtime need: the IR
// (OUT/pipeline.json), the graph picture (OUT/graph/pipeline.dot, .svg),
// the CI configurations (OUT/github, OUT/gitlab, OUT/argo), the audit
// report of the spec (OUT/audit/report.{json,md,html}) and, when asked, the
// SLURM submit scripts (OUT/slurm/PIPELINE.sh), reporting what a
// CI platform cannot express as W07xx warnings. Output is deterministic;
// --check compares instead of writing and prints a unified diff of what
// would change (exit 1), for "generated files are up to date" CI jobs.
#include "driver/audit_output.h"
#include "driver/build_record.h"
#include "driver/commands.h"
#include "driver/compile_cache.h"
#include "driver/keep_until_exit.h"
#include "driver/pipeline_input.h"
#include "driver/repository_path.h"
#include "driver/version.h"
#include "driver/stdlib_locator.h"
#include "emit/argo_emitter.h"
#include "emit/github_emitter.h"
#include "emit/gitlab_emitter.h"
#include "emit/graph_emitter.h"
#include "emit/mlopsc_install.h"
#include "emit/slurm_script.h"
#include "emit/target_limits.h"
#include "ir/ir_builder.h"

#include <llvm/Support/FileSystem.h>
#include <algorithm>
#include <future>
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
                                 llvm::cl::desc("What to write (default: all but slurm): ir (pipeline.json), graph "
                                                "(graph/pipeline.dot and .svg), github (github/*.yml, "
                                                "environments.json), gitlab (gitlab/.gitlab-ci.yml, ...), argo "
                                                "(argo/*.yaml), audit (audit/report.json, .md, .html), slurm "
                                                "(slurm/PIPELINE.sh: a script that queues the pipeline on SLURM "
                                                "with sbatch; only when named)"),
                                 llvm::cl::value_desc("ir,graph,github,gitlab,argo,audit,slurm"), llvm::cl::CommaSeparated,
                                 llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> checkOnly("check",
                              llvm::cl::desc("Write nothing; exit 1 with a diff when files on disk differ from "
                                             "what would be generated"),
                              llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> buildExplain("explain",
                                  llvm::cl::desc("With --check: say whether the record of the last build answered "
                                                 "or why the spec was compiled again"),
                                  llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> buildStdlib("stdlib", llvm::cl::desc("Standard library folder"), llvm::cl::value_desc("dir"),
                                       llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));

llvm::cl::opt<std::string> ciIrPath(
    "ci-ir-path",
    llvm::cl::desc("Path of pipeline.json as the generated CI jobs see it, relative to the repository root "
                   "(default: OUT/pipeline.json relative to the git work tree holding the spec, or to the "
                   "spec's folder without git)"),
    llvm::cl::value_desc("path"), llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));

llvm::cl::opt<std::string> ciMlopscUrl(
    "ci-mlopsc-url",
    llvm::cl::desc("Where the generated jobs download the mlopsc release archive; {version} is replaced; https://, "
                   "http:// or file:// (default: the project's release address)"),
    llvm::cl::value_desc("template"), llvm::cl::init(emit::kDefaultReleaseUrl), llvm::cl::sub(buildCommand),
    llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> ciMlopscSha256(
    "ci-mlopsc-sha256",
    llvm::cl::desc("The release archive's sha256, which every job checks (default for a file:// address: computed "
                   "from the file now)"),
    llvm::cl::value_desc("hex"), llvm::cl::sub(buildCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> ciSetupAction(
    "ci-setup-action",
    llvm::cl::desc("The GitHub action that installs mlopsc; {version} is replaced (default: this repository's "
                   "actions/setup-mlopsc at the compiler's version)"),
    llvm::cl::value_desc("ref"), llvm::cl::init(emit::kDefaultSetupAction), llvm::cl::sub(buildCommand),
    llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> ciMlopscImage(
    "ci-mlopsc-image",
    llvm::cl::desc("The image Argo's init containers copy mlopsc from; {version} is replaced; pin it with "
                   "@sha256:DIGEST (default: the project's image, packaging/Containerfile)"),
    llvm::cl::value_desc("ref"), llvm::cl::init(emit::kDefaultImage), llvm::cl::sub(buildCommand),
    llvm::cl::cat(commandCategory));

// Where the generated jobs get mlopsc from; false after printing why.
bool releaseOptions(emit::MlopscRelease& release) {
  release.version = kVersion;
  release.urlTemplate = ciMlopscUrl;
  release.setupAction = ciSetupAction;
  release.image = ciMlopscImage;
  std::string url = emit::withVersion(release.urlTemplate, release.version);
  llvm::StringRef scheme(url);
  if (!scheme.startswith("https://") && !scheme.startswith("http://") && !scheme.startswith("file://")) {
    llvm::errs() << "mlopsc: error: --ci-mlopsc-url `" << ciMlopscUrl
                 << "`: expected an https://, http:// or file:// address\n";
    return false;
  }
  std::string sha = llvm::StringRef(ciMlopscSha256.getValue()).lower();
  if (!sha.empty() && (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    llvm::errs() << "mlopsc: error: --ci-mlopsc-sha256 `" << ciMlopscSha256 << "`: expected 64 hexadecimal digits\n";
    return false;
  }
  if (sha.empty() && scheme.startswith("file://")) {
    std::string path = url.substr(7);
    auto archive = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!archive) {
      llvm::errs() << "mlopsc: error: --ci-mlopsc-url `" << url << "`: cannot read " << path << ": "
                   << archive.getError().message() << " (make package writes the archive into dist/)\n";
      return false;
    }
    sha = sha256Hex((*archive)->getBuffer().str());
  }
  release.sha256 = sha;
  return true;
}

struct Output {
  std::string relativePath;
  std::string content;
};

// OUT/pipeline.json relative to the repository root (driver/repository_path.h),
// or nullopt after saying that OUT lies outside it.
std::optional<std::string> defaultCiIrPath() {
  RepositoryRoot root = repositoryRootOf(buildSpec);
  llvm::SmallString<256> file(resolvedPath(outDir));
  llvm::sys::path::append(file, "pipeline.json");
  if (std::optional<std::string> relative = relativeToRoot(root.path, file.str().str())) return relative;
  llvm::errs() << "mlopsc: error: the output folder `" << outDir << "` is outside "
               << (root.git ? "the repository `" + root.path + "` (the git work tree that holds the spec)"
                            : "the project folder `" + root.path + "` (the spec's folder; no git work tree holds it)")
               << ", so the CI jobs, which run at the root of a checkout, cannot find pipeline.json there: "
                  "pass --ci-ir-path PATH, pipeline.json's path relative to the repository root\n";
  return std::nullopt;
}

// A folder relative to the root ("" for the root itself); nullopt outside it.
std::optional<std::string> folderInRoot(const RepositoryRoot& root, const std::string& folder) {
  std::string path = resolvedPath(folder);
  if (llvm::StringRef(path).rtrim('/') == llvm::StringRef(root.path).rtrim('/')) return std::string();
  return relativeToRoot(root.path, path);
}

// Where and how this build ran, for the review job's `mlopsc build --check`
// (emit/review_job.h): the folder relative to the repository root, and the
// spec and OUT as given. A build from outside the repository or with
// absolute paths cannot be repeated there byte for byte; the job then runs
// from the root, and `note` says so.
emit::ReviewBuild reviewInvocation(const RepositoryRoot& root, const std::string& irPath, std::string& note) {
  emit::ReviewBuild r;
  std::optional<std::string> cwd = folderInRoot(root, ".");
  bool relative = !llvm::sys::path::is_absolute(buildSpec.getValue()) &&
                  !llvm::sys::path::is_absolute(outDir.getValue()) && buildSpec != "-";
  std::optional<std::string> out = folderInRoot(root, outDir);
  if (out && out->empty()) out = ".";
  if (cwd && relative && out) {
    r.workDir = cwd->empty() ? "." : *cwd;
    r.spec = buildSpec;
    r.out = outDir;
    r.outFromRoot = *out;
  } else {
    // From the root; OUT where the repository keeps pipeline.json (the
    // folder of --ci-ir-path) when this build wrote elsewhere.
    std::optional<std::string> spec = relativeToRoot(root.path, resolvedPath(buildSpec));
    llvm::StringRef irFolder = llvm::sys::path::parent_path(irPath, llvm::sys::path::Style::posix);
    r.workDir = ".";
    r.spec = spec ? *spec : buildSpec.getValue();
    r.out = out ? *out : irFolder.empty() ? std::string(".") : irFolder.str();
    r.outFromRoot = r.out;
    // Files written inside the repository are the ones it commits.
    if (out)
      note = ("mlopsc: note: the review job (github/mlops-review.yml, GitLab's mlops:review) repeats this build "
           "from the repository root; a build run from outside the repository, or given absolute paths, writes "
           "files that differ from what it writes there, so its `build --check` step would fail: run `mlopsc "
           "build` inside the repository with relative paths\n");
  }
  for (size_t i = 0; i < emit.size(); ++i) r.emit += (i ? "," : "") + emit[i];
  return r;
}

// The files of the spec in the repository (the spec and its imports, its
// params and signers files), for the review job and CODEOWNERS.
void reviewFiles(const RepositoryRoot& root, const ir::PipelineGraph& g, emit::ReviewBuild& r) {
  bool fromRoot = r.workDir == ".";  // the job's folder is the root: paths relative to it
  auto own = [&](const std::string& path) -> std::optional<std::string> {
    std::optional<std::string> rel = relativeToRoot(root.path, resolvedPath(path));
    if (rel && !rel->empty() && std::find(r.owned.begin(), r.owned.end(), *rel) == r.owned.end())
      r.owned.push_back(*rel);
    return rel;
  };
  for (const ir::SourceFile& f : g.sources) {
    std::optional<std::string> rel = own(f.path);
    if (!rel) continue;  // the standard library
    std::string shown = fromRoot || llvm::sys::path::is_absolute(f.path) ? *rel : f.path;
    if (std::find(r.sources.begin(), r.sources.end(), shown) == r.sources.end()) r.sources.push_back(shown);
  }
  std::string base = g.root.empty() ? "." : g.root;
  if (g.params.file) own(base + "/" + g.params.file->path);
  if (g.signers) own(base + "/" + g.signers->path);
}

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

std::unique_ptr<ir::PipelineGraph> compileSpec(const std::string& spec, const std::string& stdlibOverride,
                                               ExitCode& failure, const GraphLint& lint, CompileRecord* record) {
  std::string stdlibError;
  std::optional<std::string> stdlib = findStdlib(stdlibOverride, stdlibError);
  if (!stdlib) {
    llvm::errs() << "mlopsc: error: " << stdlibError << '\n';
    failure = ExitCode::Usage;
    return nullptr;
  }
  auto owner = std::make_unique<Compilation>();
  Compilation& compilation = *owner;
  compilation.diags().setMaxErrors(maxErrorsFromFlags());
  if (!applyWarningFlags(compilation.diags())) {
    failure = ExitCode::Usage;
    return nullptr;
  }
  sema::SemaOptions options;
  options.stdlibDir = *stdlib;
  if (record) *record = beginRecord(*stdlib);
  bool readable = compilation.checkFiles({spec}, options, parseOptionsFromFlags());
  if (!readable) {
    emitDiagnostics(compilation.diags(), spec);
    failure = ExitCode::Usage;
    return nullptr;
  }
  std::unique_ptr<ir::PipelineGraph> graph;
  if (!compilation.diags().hasErrors() && !compilation.programs().empty()) {
    graph = std::make_unique<ir::PipelineGraph>(ir::buildPipelineGraph(*compilation.programs().front()));
    // The backends' warnings (W07xx) join the others, in one report.
    if (lint) lint(*graph, compilation.diags());
  }
  RenderedDiagnostics printed = renderDiagnosticsFromFlags(compilation.diags(), spec);
  printRendered(printed);
  if (record) {
    finishRecord(*record, compilation);
    record->diagnostics = std::move(printed);
  }
  if (compilation.diags().hasErrors() || !graph) {
    llvm::errs() << "mlopsc: nothing written: the spec has errors\n";
    failure = ExitCode::SpecErrors;
    return nullptr;
  }
  keepUntilExit(std::move(owner));  // build and graph end the process next
  return graph;
}

void printGraphvizMessages(const std::vector<std::string>& messages) {
  for (const std::string& m : messages) llvm::errs() << "mlopsc: graphviz: " << m << '\n';
}

int runBuild() {
  if (!validateDiagnosticOptions()) return static_cast<int>(ExitCode::Usage);
  bool all = emit.empty();
  bool emitIr = all, emitGraphs = all, emitAudit = all;
  bool emitSlurmScripts = false;  // never by default: a site's choice, like the executor
  std::vector<emit::CiTarget> targets;
  if (all) targets = {emit::CiTarget::GitHub, emit::CiTarget::GitLab, emit::CiTarget::Argo};
  for (const std::string& what : emit) {
    if (what == "ir") emitIr = true;
    else if (what == "graph") emitGraphs = true;
    else if (what == "audit") emitAudit = true;
    else if (what == "github") targets.push_back(emit::CiTarget::GitHub);
    else if (what == "gitlab") targets.push_back(emit::CiTarget::GitLab);
    else if (what == "argo") targets.push_back(emit::CiTarget::Argo);
    else if (what == "slurm") emitSlurmScripts = true;
    else {
      llvm::errs() << "mlopsc: error: unknown --emit target `" << what
                   << "`: expected ir, graph, github, gitlab, argo, audit or slurm\n";
      return static_cast<int>(ExitCode::Usage);
    }
  }
  emit::SlurmScriptOptions slurm;
  if (emitSlurmScripts) {
    // Each job runs `mlopsc run SPEC` in the project root, the spec's folder.
    if (buildSpec == "-") {
      llvm::errs() << "mlopsc: error: --emit=slurm needs the spec as a file, not standard input: each SLURM job "
                      "runs `mlopsc run SPEC --node ID` in the spec's folder\n";
      return static_cast<int>(ExitCode::Usage);
    }
    slurm.specFile = llvm::sys::path::filename(buildSpec.getValue()).str();
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  emit::CiOptions ci;
  if (!ciIrPath.empty()) {
    std::string error;
    if (!isRepositoryRelative(ciIrPath, error)) {
      llvm::errs() << "mlopsc: error: --ci-ir-path `" << ciIrPath << "`: " << error << '\n';
      return static_cast<int>(ExitCode::Usage);
    }
    ci.irPath = ciIrPath;
  } else if (!targets.empty()) {
    std::optional<std::string> irPath = defaultCiIrPath();
    if (!irPath) return static_cast<int>(ExitCode::Usage);
    ci.irPath = std::move(*irPath);
  }
  if (!targets.empty() && !releaseOptions(ci.mlopsc)) return static_cast<int>(ExitCode::Usage);
  std::string reviewNote;
  std::optional<RepositoryRoot> repository;  // found once: it walks up the file system
  if (!targets.empty()) {
    repository = repositoryRootOf(buildSpec);
    ci.review = reviewInvocation(*repository, ci.irPath, reviewNote);
  }
  // --check first asks the build record (driver/build_record.h): unchanged
  // inputs and unchanged generated files need no compilation.
  std::string recordPath, recordKey;
  std::string stdlibError;
  std::optional<std::string> stdlibDir = findStdlib(buildStdlib, stdlibError);
  bool recordable = !compileCacheDisabled() && buildSpec != "-" && stdlibDir;
  if (recordable) {
    std::string options = "all " + std::to_string(all) + " ir " + std::to_string(emitIr) + " graph " +
                          std::to_string(emitGraphs) + " audit " + std::to_string(emitAudit) + " targets";
    for (emit::CiTarget t : targets) options += ' ' + std::to_string(static_cast<int>(t));
    if (emitSlurmScripts) options += " slurm " + slurm.specFile;
    options += "\nout " + outDir.getValue() + "\nci-ir-path " + ci.irPath + "\nmlopsc " + ci.mlopsc.urlTemplate +
               "\n" + ci.mlopsc.sha256 + "\n" + ci.mlopsc.setupAction + "\n" + ci.mlopsc.image + "\nreview " +
               ci.review.workDir + "\n" + ci.review.spec + "\n" + ci.review.out + "\n" + ci.review.emit;
    recordPath = buildRecordPath(buildSpec, outDir);
    recordKey = buildRecordKey(buildSpec, *stdlibDir, options);
    RenderedDiagnostics replay;
    std::string why;
    if (checkOnly && buildRecordHolds(recordPath, recordKey, outDir, replay, why)) {
      printRendered(replay);
      if (buildExplain)
        llvm::errs() << "mlopsc: build record: reused (no input of the spec and no generated file changed)\n";
      return static_cast<int>(ExitCode::Success);
    }
    if (checkOnly && buildExplain) llvm::errs() << "mlopsc: build record: compiled again: " << why << '\n';
  } else if (checkOnly && buildExplain) {
    llvm::errs() << "mlopsc: build record: compiled again: the compile cache is off\n";
  }
  // Notes printed outside the diagnostics, kept for the build record.
  std::string notes;
  auto note = [&notes](const std::string& text) {
    llvm::errs() << text;
    notes += text;
  };
  // The backends run while the compilation is alive, so what they find (the
  // W07xx warnings) points into the spec and is reported with the other
  // diagnostics. They only read the graph, so they run side by side: the IR
  // and the CI files on worker threads, the graph picture (Graphviz keeps
  // global state) on this one, and the diagnostics are printed while the
  // workers still write. Outputs keep a fixed order whatever finishes first.
  struct Work {
    std::future<std::vector<emit::GeneratedFile>> files;
  };
  std::vector<Work> workers;
  std::vector<Output> graphOutputs;
  bool graphOk = true;
  auto runBackends = [&](const ir::PipelineGraph& g, diag::DiagnosticEngine& diags) {
    for (emit::CiTarget t : targets) {
      emit::reportTargetLimits(g, t, diags);
      emit::reportReleaseSource(g, t, ci, diags);
    }
    if (diags.hasErrors()) return;  // -Werror=W07xx: nothing is written
    // Said when a CI target was asked for by name; `build` with the default
    // targets stays quiet for specs that only declare the graph.
    if (!all && !targets.empty() && g.pipelines.empty() && emit::scheduledMonitors(g).empty())
      note("mlopsc: note: the spec declares no pipeline and no monitor with `every`: the CI files hold only "
           "the review of pull requests, no pipeline jobs (declare `pipeline NAME { targets = [...] }`)\n");
    if (emitSlurmScripts && g.pipelines.empty())
      note("mlopsc: note: the spec declares no pipeline: no SLURM submit script written (declare `pipeline NAME "
           "{ targets = [...] }`)\n");
    if (!reviewNote.empty()) note(reviewNote);
    if (repository) reviewFiles(*repository, g, ci.review);
    g.find("");  // build the node index before the threads share the graph
    // pipeline.json is written once and shared by its file and the audit
    // report's digest of it.
    std::shared_future<std::string> irText;
    if (emitIr || emitAudit) irText = std::async(std::launch::async, [&g] { return ir::writeJson(g); }).share();
    if (emitIr)
      workers.push_back({std::async(std::launch::async, [irText] {
        return std::vector<emit::GeneratedFile>{{"pipeline.json", irText.get(), ""}};
      })});
    for (emit::CiTarget t : targets)
      workers.push_back({std::async(std::launch::async, [&g, &ci, t] {
        return t == emit::CiTarget::GitHub   ? emit::emitGitHub(g, ci)
               : t == emit::CiTarget::GitLab ? emit::emitGitLab(g, ci)
                                             : emit::emitArgo(g, ci);
      })});
    if (emitSlurmScripts)
      workers.push_back({std::async(std::launch::async, [&g, &slurm] { return emit::emitSlurm(g, slurm); })});
    graphOk = !emitGraphs || emitGraph(g, graphOutputs);
    // Like the SVG, the report is for people: a graph too large to draw is
    // too large to read as one report, and writing one would multiply the
    // build's time. `mlopsc report` writes it on request.
    bool auditNow = emitAudit && (!all || g.nodes.size() <= emit::kMaxLayoutNodes);
    if (emitAudit && !auditNow)
      note("mlopsc: note: the graph has " + std::to_string(g.nodes.size()) + " nodes, more than " +
           std::to_string(emit::kMaxLayoutNodes) +
           ": no audit/ report written (`mlopsc report SPEC` or `--emit=audit` writes it)\n");
    if (auditNow) {
      // The findings are taken now, while the diagnostics' sources are
      // alive; the report is built beside the other workers. It is the
      // spec's evidence only: `mlopsc report` adds the run history.
      emit::AuditInputs audit;
      audit.compilerVersion = kVersion;
      audit.diagnostics = auditDiagnostics(diags);
      for (const Output& o : graphOutputs)
        if (o.relativePath == "graph/pipeline.svg") audit.svg = o.content;
      workers.push_back({std::async(std::launch::async, [&g, irText, audit = std::move(audit)]() mutable {
        audit.graph = &g;
        audit.irSha256 = sha256Hex(irText.get());
        std::vector<emit::GeneratedFile> files;
        for (auto& [name, content] : auditFiles(audit, {AuditFormat::Json, AuditFormat::Markdown, AuditFormat::Html}))
          files.push_back({"audit/" + name, std::move(content), ""});
        return files;
      })});
    }
  };
  ExitCode failure = ExitCode::Success;
  CompileRecord record;
  std::unique_ptr<ir::PipelineGraph> graph =
      compileSpec(buildSpec, buildStdlib, failure, runBackends, recordable ? &record : nullptr);
  std::vector<Output> outputs;
  for (size_t i = 0; i < workers.size(); ++i) {
    std::vector<emit::GeneratedFile> files = workers[i].files.get();
    for (emit::GeneratedFile& f : files) outputs.push_back({std::move(f.path), std::move(f.content)});
    if (i == 0 && emitIr)  // pipeline.json first, then the graph, then CI files
      for (Output& o : graphOutputs) outputs.push_back(std::move(o));
  }
  if (!emitIr)
    for (Output& o : graphOutputs) outputs.push_back(std::move(o));
  if (!graph) return static_cast<int>(failure);
  if (!graphOk) return static_cast<int>(ExitCode::Usage);

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
  if (recordable && !differs) {
    std::vector<GeneratedDigest> digests;
    for (const Output& o : outputs) digests.push_back({o.relativePath, runtime::hashBytes(o.content)});
    record.diagnostics.err = notes + record.diagnostics.err;
    storeBuildRecord(recordPath, recordKey, std::move(record), digests);
  }
  if (checkOnly && differs) {
    llvm::errs() << "mlopsc: generated files in " << outDir << " are out of date; run `mlopsc build " << buildSpec
                 << " -o " << outDir << "`\n";
    return static_cast<int>(ExitCode::SpecErrors);
  }
  keepUntilExit(std::move(graph));
  return static_cast<int>(ExitCode::Success);
}

}  // namespace mlops::driver

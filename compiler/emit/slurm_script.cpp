#include "emit/slurm_script.h"

#include "ir/slurm_options.h"
#include "support/display_text.h"
#include "support/shell_quote.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace mlops::emit {
namespace {

using support::shellQuote;

bool isEvidence(const ir::Node& n) { return n.kind == ir::NodeKind::Test || n.kind == ir::NodeKind::Gate; }

// A data node whose file a run fetches first (runtime/sources): outside CI,
// `mlopsc run --node` fetches no source for a node's inputs, so the
// fetching is a job of its own.
bool isFetchedData(const ir::Node& n) {
  return n.kind == ir::NodeKind::Data && (n.source.kind == "http" || n.source.kind == "git");
}

bool runsSomething(const ir::Node& n) {
  switch (n.kind) {
    case ir::NodeKind::Step:
    case ir::NodeKind::Model:
    case ir::NodeKind::Deploy:
    case ir::NodeKind::Monitor: return true;
    case ir::NodeKind::Data: return isFetchedData(n);
    default: return false;
  }
}

// Text of a spec on one comment line: no newline, no control character.
std::string commentText(const std::string& text) { return support::escapeControls(text); }

// The node's log file under .mlops/logs/slurm/ (relative to the job's
// folder), `%j` the job id. Only [A-Za-z0-9._-] of the id are kept (`:` →
// `-`, others `_`): sbatch reads `%` and `\` in the name as patterns.
std::string logPattern(const ir::Node& n) {
  std::string name;
  for (char c : n.id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    name += ok ? c : c == ':' ? '-' : '_';
  }
  if (name.size() > 200) name.resize(200);
  if (name.empty() || name[0] == '.') name = "_" + name;
  return ".mlops/logs/slurm/" + name + ".%j.log";
}

}  // namespace

const std::vector<std::string>& slurmBaseExports() {
  static const std::vector<std::string> names = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
                                                 "LC_CTYPE", "TZ", "TMPDIR", "TERM", "MLOPS_STDLIB"};
  return names;
}

std::vector<SlurmJob> planSlurmJobs(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline) {
  std::vector<const ir::Node*> nodes;
  std::unordered_map<std::string, size_t> position;
  for (const std::string& id : pipeline.nodes)
    if (const ir::Node* n = graph.find(id); n && !position.count(id)) {
      position.emplace(id, nodes.size());
      nodes.push_back(n);
    }
  std::vector<std::vector<size_t>> upstream(nodes.size());
  for (const ir::Edge& e : graph.edges) {
    auto from = position.find(e.from), to = position.find(e.to);
    if (from == position.end() || to == position.end() || from->second == to->second) continue;
    if (std::find(upstream[to->second].begin(), upstream[to->second].end(), from->second) == upstream[to->second].end())
      upstream[to->second].push_back(from->second);
  }
  // The tests and gates `mlopsc run --node` evaluates with node i: those
  // upstream of it through tests and gates only (runtime/runner.cpp).
  auto evaluatedBy = [&](size_t i) {
    std::set<size_t> seen;
    std::vector<size_t> stack = {i};
    while (!stack.empty()) {
      size_t at = stack.back();
      stack.pop_back();
      for (size_t up : upstream[at])
        if (isEvidence(*nodes[up]) && seen.insert(up).second) stack.push_back(up);
    }
    return seen;
  };
  std::vector<bool> isJob(nodes.size(), false);
  std::vector<bool> covered(nodes.size(), false);
  for (size_t i = 0; i < nodes.size(); ++i)
    if (runsSomething(*nodes[i])) {
      isJob[i] = true;
      for (size_t e : evaluatedBy(i)) covered[e] = true;
    }
  // A test or gate nothing evaluates runs as a job; the most downstream
  // first, so it evaluates those upstream of it.
  for (size_t i = nodes.size(); i-- > 0;)
    if (isEvidence(*nodes[i]) && !covered[i]) {
      isJob[i] = true;
      for (size_t e : evaluatedBy(i)) covered[e] = true;
    }

  std::vector<SlurmJob> jobs;
  std::vector<int> jobIndex(nodes.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!isJob[i]) continue;
    SlurmJob job;
    job.node = nodes[i];
    // The nearest jobs upstream, through the nodes this job does not
    // submit (the tests and gates it evaluates, data read in place).
    std::set<size_t> seen;
    std::vector<size_t> stack = {i};
    std::set<size_t> after;
    while (!stack.empty()) {
      size_t at = stack.back();
      stack.pop_back();
      for (size_t up : upstream[at]) {
        if (!seen.insert(up).second) continue;
        if (isJob[up]) {
          // The pipeline's order is topological: a job upstream is submitted first.
          if (jobIndex[up] >= 0) after.insert(static_cast<size_t>(jobIndex[up]));
        } else {
          stack.push_back(up);
        }
      }
    }
    job.after.assign(after.begin(), after.end());
    std::set<size_t> evaluated = evaluatedBy(i);
    bool record = ir::needsRecord(*nodes[i]);
    std::vector<std::string> secrets = nodes[i]->secrets;
    for (size_t e : evaluated) {  // ascending: pipeline order
      job.evaluates.push_back(nodes[e]->id);
      record = record || ir::needsRecord(*nodes[e]);
      secrets.insert(secrets.end(), nodes[e]->secrets.begin(), nodes[e]->secrets.end());
    }
    job.exports = slurmBaseExports();
    // The team's record (docs/ci.md section 2): only where a node reads or
    // writes it, as the CI files do.
    if (record) job.exports.insert(job.exports.end(), {"MLOPS_STATE", "PGPASSWORD"});
    for (const std::string& s : secrets)
      if (support::isShellName(s) && std::find(job.exports.begin(), job.exports.end(), s) == job.exports.end())
        job.exports.push_back(s);
    jobIndex[i] = static_cast<int>(jobs.size());
    jobs.push_back(std::move(job));
  }
  return jobs;
}

namespace {

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

// The case pattern matching the options the script sets itself.
std::string reservedPattern() {
  std::vector<std::string> alternatives;
  for (const std::string& option : ir::slurmReservedOptions()) {
    if (option.size() > 2 && option.compare(0, 2, "--") == 0) {
      alternatives.push_back(option);
      alternatives.push_back(option + "=*");
    } else {
      alternatives.push_back(option + "*");  // -oFILE, -o FILE
    }
  }
  return joined(alternatives, "|");
}

std::string script(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline, const SlurmScriptOptions& options) {
  std::vector<SlurmJob> jobs = planSlurmJobs(graph, pipeline);
  std::string specWord = shellQuote("./" + options.specFile);
  std::string o;
  auto line = [&o](const std::string& text = "") { o += text + "\n"; };
  auto comment = [&o](const std::string& text = "") { o += text.empty() ? "#\n" : "# " + text + "\n"; };

  line("#!/bin/sh");
  std::string header = kGeneratedHeader;
  for (size_t at = 0; at <= header.size();) {
    size_t end = header.find('\n', at);
    if (end == std::string::npos) end = header.size();
    comment(header.substr(at, end - at));
    at = end + 1;
  }
  comment();
  comment("Queues pipeline `" + commentText(pipeline.name) + "` of project `" + commentText(graph.projectName) +
          "` on SLURM (docs/slurm.md, \"Submit script\"):");
  comment("one sbatch job per node below, each running `mlopsc run ./" + commentText(options.specFile) +
          " --node NODE`");
  comment("in the project root once the jobs it waits for succeeded (afterok).");
  comment();
  comment("Run it from the project root (the folder of " + commentText(options.specFile) +
          "), which the compute nodes share:");
  comment("  sh OUT/slurm/" + commentText(pipeline.name) + ".sh [SBATCH-OPTION...]    (OUT: where mlopsc build wrote)");
  comment("SBATCH-OPTIONs (--qos=high, --constraint=a100) go to every sbatch, before the script's own;");
  comment("SBATCH_PARTITION and SBATCH_ACCOUNT in the environment choose the partition and the");
  comment("account (sbatch reads them); MLOPSC is the mlopsc the jobs run (default: mlopsc on their PATH);");
  comment("MLOPS_SLURM_SERIAL=1 makes each job wait for the one queued before it.");
  comment("The jobs get environment variables by name (--export), never a value from this file; each");
  comment("job's output is .mlops/logs/slurm/NODE.JOBID.log. It prints each job id, cancels the jobs");
  comment("already queued when a submission fails, and ends with a summary line.");
  comment();
  comment("Jobs, in submission order:");
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::string text = "  " + std::to_string(i + 1) + ". " + commentText(jobs[i].node->id);
    std::vector<std::string> after;
    for (size_t a : jobs[i].after) after.push_back(std::to_string(a + 1));
    if (!after.empty()) text += "; after " + joined(after, ", ");
    if (!jobs[i].evaluates.empty()) {
      std::vector<std::string> ids;
      for (const std::string& id : jobs[i].evaluates) ids.push_back(commentText(id));
      text += "; evaluates " + joined(ids, ", ");
    }
    comment(text);
  }
  line("set -eu");
  line();
  // A `$` or a backquote in the file name is literal inside its quotes;
  // shellcheck's note that it does not expand there is expected.
  if (specWord.find_first_of("$`") != std::string::npos)
    line("# shellcheck disable=SC2016 # the spec's file name, single-quoted: nothing in it expands");
  line("spec=" + specWord);
  line("mlopsc=${MLOPSC:-mlopsc}");
  line("# MLOPS_SLURM_SERIAL=1: each job also waits for the one queued before it to end (afterany),");
  line("# so one job runs at a time: `mlopsc run` holds the project's .mlops/lock for the whole run, and");
  line("# a job waiting for it would spend its --time limit waiting (docs/slurm.md).");
  line("serial=${MLOPS_SLURM_SERIAL:-0}");
  line("# They would change what a job is: an array, a submission that waits for the job, its input,");
  line("# its errors apart from its log.");
  line("unset SBATCH_ARRAY_INX SBATCH_WAIT SBATCH_INPUT SBATCH_ERROR");
  line();
  line("fail() {");
  line("  printf 'mlopsc slurm: error: %s\\n' \"$1\" >&2");
  line("  exit 2");
  line("}");
  line("# Options the script sets for each job itself (the ones `mlopsc run --slurm-opt` refuses too).");
  line("for arg in \"$@\"; do");
  line("  case $arg in");
  line("    " + reservedPattern() + ")");
  line("      fail \"$arg: the script sets this option for each job itself\" ;;");
  line("  esac");
  line("done");
  line("[ -f \"$spec\" ] || fail \"$spec not found: run this script from the project root, the folder that holds it\"");
  // The secrets the jobs need, checked before anything is queued: a job
  // whose secret is missing would fail after its upstream ran.
  std::vector<std::pair<std::string, std::string>> secrets;  // name, the first node needing it
  for (const SlurmJob& j : jobs)
    for (const std::string& s : j.node->secrets)
      if (support::isShellName(s) &&
          std::none_of(secrets.begin(), secrets.end(), [&](const auto& e) { return e.first == s; }))
        secrets.emplace_back(s, j.node->id);
  for (const auto& [name, node] : secrets)
    line("[ -n \"${" + name + "+set}\" ] || fail " +
         shellQuote("the secret " + name + " of " + support::escapeControls(node) +
                    " is not set: export it here first (the job gets it by name, never in a file)"));
  line("root=$(pwd -P)");
  line("mkdir -p .mlops/logs/slurm");
  line();
  line("# Every job runs `exec \"$@\"`: mlopsc and its arguments reach the job as its argv, never as");
  line("# shell text. sbatch keeps a copy of the script; the file goes when this script ends.");
  line("jobscript=");
  line("printed=");
  line("previous=");
  line("queued=");
  line("finished=0");
  line("cleanup() {");
  line("  status=$?");
  line("  [ -z \"$jobscript\" ] || rm -f \"$jobscript\"");
  line("  # A job sbatch queued just before a signal stopped the script is cancelled too.");
  line("  id=${printed%%;*}");
  line("  case $id in");
  line("    '' | *[!0-9]*) ;;");
  line("    *) case \"$queued \" in *\" $id \"*) ;; *) queued=\"$queued $id\" ;; esac ;;");
  line("  esac");
  line("  if [ \"$finished\" -ne 1 ] && [ -n \"$queued\" ]; then");
  line("    printf 'mlopsc slurm: cancelling the jobs already queued:%s\\n' \"$queued\" >&2");
  line("    # shellcheck disable=SC2086 # job ids (digits), one argument each");
  line("    scancel $queued || printf 'mlopsc slurm: scancel failed: cancel them yourself\\n' >&2");
  line("    [ \"$status\" -ne 0 ] || status=1");
  line("  fi");
  line("  exit \"$status\"");
  line("}");
  line("trap cleanup EXIT");
  line("trap 'exit 129' HUP");
  line("trap 'exit 130' INT");
  line("trap 'exit 143' TERM");
  line("jobscript=$(mktemp \"${TMPDIR:-/tmp}/mlopsc-slurm.XXXXXX\")");
  line("printf '%s\\n' '#!/bin/sh' 'exec \"$@\"' >\"$jobscript\"");
  line("# sbatch --parsable prints ID or ID;CLUSTER.");
  line("job_id() {");
  line("  id=${printed%%;*}");
  line("  case $id in");
  line("    '' | *[!0-9]*) fail \"sbatch printed no job id for $1: $printed\" ;;");
  line("  esac");
  line("  queued=\"$queued $id\"");
  line("  printf '%s\\t%s\\n' \"$id\" \"$1\"");
  line("}");
  std::vector<bool> waitedFor(jobs.size(), false);
  for (const SlurmJob& j : jobs)
    for (size_t a : j.after) waitedFor[a] = true;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const SlurmJob& j = jobs[i];
    const ir::Node& n = *j.node;
    std::string var = "j" + std::to_string(i + 1);
    line();
    comment(std::to_string(i + 1) + ". " + commentText(n.id));
    std::string dependency;
    for (size_t a : j.after) dependency += (dependency.empty() ? "afterok:$j" : ":$j") + std::to_string(a + 1);
    line("after=" + (dependency.empty() ? std::string() : "\"" + dependency + "\""));
    line("[ \"$serial\" != 1 ] || [ -z \"$previous\" ] || after=\"${after:+$after,}afterany:$previous\"");
    std::string args = "printed=$(sbatch --parsable \"$@\" --job-name=" + shellQuote(ir::slurmJobName(graph, n)) +
                       " --output=" + shellQuote(logPattern(n)) + " --chdir=\"$root\" --export=" +
                       shellQuote(joined(j.exports, ","));
    for (const std::string& r : ir::slurmResourceOptions(n)) args += " " + shellQuote(r);
    args += " ${after:+\"--dependency=$after\"} ${after:+--kill-on-invalid-dep=yes}";
    args += " \"$jobscript\" \"$mlopsc\" run \"$spec\" --node " + shellQuote(n.id) + ")";
    line(args);
    line("job_id " + shellQuote(support::escapeControls(n.id)));
    if (waitedFor[i]) line(var + "=$id");  // for the jobs that wait for this one
    line("previous=$id");
  }
  line();
  line("finished=1");
  line("printf 'mlopsc slurm: queued %s jobs of pipeline %s:%s (squeue --jobs=%s; logs in %s)\\n' " +
       std::to_string(jobs.size()) + " " + shellQuote(support::escapeControls(pipeline.name)) +
       " \"$queued\" \"$(printf '%s' \"$queued\" | tr ' ' ',' | cut -c2-)\" \"$root/.mlops/logs/slurm\"");
  return o;
}

}  // namespace

std::vector<GeneratedFile> emitSlurm(const ir::PipelineGraph& graph, const SlurmScriptOptions& options) {
  std::vector<GeneratedFile> files;
  for (const ir::Pipeline& p : graph.pipelines)
    files.push_back({"slurm/" + p.name + ".sh", script(graph, p, options), p.name});
  return files;
}

}  // namespace mlops::emit

// The SLURM submit script of `build --emit slurm` (emit/slurm_script.h):
// which nodes become jobs, what each waits for and is handed, and the text:
// spec text only as single-quoted words (support/shell_quote.h, checked by
// reading them back through /bin/sh), comments without a newline from the
// spec, deterministic bytes. tests/e2e/slurm_script.sh runs shellcheck on
// the scripts and runs them against a recording sbatch and a real cluster.
#include "driver/compilation.h"
#include "emit/slurm_script.h"
#include "ir/ir_builder.h"
#include "ir/slurm_options.h"
#include "support/shell_quote.h"

#include <catch2/catch.hpp>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace mlops;

namespace {

ir::PipelineGraph compile(llvm::StringRef text) {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText("spec.mlops", text, options);
  REQUIRE(program);
  std::string listing;
  for (const diag::Diagnostic& d : c.diags().diagnostics()) listing += d.message + "\n";
  INFO("diagnostics:\n" << listing);
  REQUIRE(!c.diags().hasErrors());
  return ir::buildPipelineGraph(*program);
}

std::string readFile(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

// What /bin/sh prints for `script`.
std::string runShell(const std::string& script) {
  llvm::SmallString<128> in, out;
  int fd;
  REQUIRE(!llvm::sys::fs::createTemporaryFile("slurm-quote", "sh", fd, in));
  {
    llvm::raw_fd_ostream s(fd, /*shouldClose=*/true);
    s << script;
  }
  REQUIRE(!llvm::sys::fs::createTemporaryFile("slurm-quote", "out", out));
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::None, llvm::StringRef(out), llvm::None};
  llvm::StringRef args[] = {"/bin/sh", in};
  int status = llvm::sys::ExecuteAndWait("/bin/sh", args, llvm::None, redirects, 10);
  std::string printed = readFile(out.str().str());
  llvm::sys::fs::remove(in);
  llvm::sys::fs::remove(out);
  REQUIRE(status == 0);
  return printed;
}

const emit::SlurmJob& jobOf(const std::vector<emit::SlurmJob>& jobs, const std::string& id) {
  auto it = std::find_if(jobs.begin(), jobs.end(), [&](const emit::SlurmJob& j) { return j.node->id == id; });
  REQUIRE(it != jobs.end());
  return *it;
}

std::vector<std::string> jobIds(const std::vector<emit::SlurmJob>& jobs) {
  std::vector<std::string> ids;
  for (const emit::SlurmJob& j : jobs) ids.push_back(j.node->id);
  return ids;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const char* kSpec = R"(
project shop { version = "1.0.0"  risk_tier = low }
use std.roles
use std.checks
role eng : data_engineer      { members = ["ana@shop.example"] }
role ds  : data_scientist     { members = ["bo@shop.example"] }
role mrm : model_risk_manager { members = ["di@shop.example"] }
role ops : devops             { members = ["cy@shop.example"] }
data sales {
  owner  = eng
  source = file("data/sales.csv")
  schema { region : string  amount : float }
}
data prices {
  owner  = eng
  source = http("https://data.example/prices.csv", sha256 = "0000000000000000000000000000000000000000000000000000000000000000")
  schema { item : string  price : float }
}
step clean {
  owner   = eng
  inputs  = [sales, prices]
  run     = "cat ${inputs.sales} ${inputs.prices} > ${outputs.table}"
  outputs { table = "build/clean.csv" }
  resources { cpu = 2  memory = 1Gi  timeout = 90s }
}
model m {
  owner   = ds
  inputs  = [clean.table]
  run     = "train ${inputs.clean.table} ${outputs.model} ${outputs.metrics}"
  outputs { model = "build/m.bin"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
  secrets = [TRAIN_TOKEN]
}
test auc on m { expect metrics.auc >= 0.7 }
test rows_ok on sales uses rows { min = 1 }
test accuracy on m {
  expect metrics.accuracy >= 0.5
  severity = warning
}
gate release for m {
  require   = [auc, rows_ok]
  approvals = [mrm]
}
deploy prod {
  owner   = ops
  model   = m
  after   = release
  run     = "./deploy.sh ${model.outputs.model}"
  secrets = [DEPLOY_KEY]
}
pipeline main {
  owner   = ops
  targets = [prod, accuracy]
}
pipeline train {
  owner   = ops
  targets = [auc]
}
)";

}  // namespace

TEST_CASE("a single-quoted word reads back exactly through /bin/sh", "[slurm]") {
  CHECK(support::shellQuote("") == "''");
  CHECK(support::shellQuote("plain") == "'plain'");
  CHECK(support::shellQuote("it's") == "'it'\\''s'");
  CHECK(support::shellQuote("''") == "''\\'''\\'''");
  const std::vector<std::string> hostile = {
      "$(touch pwned)", "`touch pwned`", "${HOME}", "$HOME", "a'b\"c", "'", "\\", "\\'", "line\nbreak\n",
      "tab\there", "*", "-n", "!x", "a;b&c|d>e<f", "#comment", "~root", "\r\x1b[31m", "ünïcödé 🚀"};
  for (const std::string& text : hostile) {
    INFO(text);
    // Without a command substitution: `$(…)` would strip trailing newlines.
    CHECK(runShell("printf '%s|' " + support::shellQuote(text) + "\n") == text + "|");
  }
}

TEST_CASE("shell names are what sbatch --export and ${NAME+x} accept", "[slurm]") {
  CHECK(support::isShellName("API_TOKEN"));
  CHECK(support::isShellName("_x1"));
  CHECK_FALSE(support::isShellName(""));
  CHECK_FALSE(support::isShellName("1X"));
  CHECK_FALSE(support::isShellName("A-B"));
  CHECK_FALSE(support::isShellName("A,B"));
  CHECK_FALSE(support::isShellName("A}$(id)"));
}

TEST_CASE("jobs: nodes that run something, tests and gates evaluated where they are needed", "[slurm]") {
  ir::PipelineGraph g = compile(kSpec);
  const ir::Pipeline* main = nullptr;
  for (const ir::Pipeline& p : g.pipelines)
    if (p.name == "main") main = &p;
  REQUIRE(main);
  std::vector<emit::SlurmJob> jobs = emit::planSlurmJobs(g, *main);
  // The http source is fetched by a job of its own; the file source is read
  // in place; the gate and its tests run in the deploy's job; the warning
  // test nothing requires gets a job.
  CHECK(jobIds(jobs) == std::vector<std::string>{"data:prices", "step:clean", "model:m", "test:accuracy", "deploy:prod"});
  for (size_t i = 0; i < jobs.size(); ++i)
    for (size_t a : jobs[i].after) CHECK(a < i);  // submitted after what it waits for

  const emit::SlurmJob& clean = jobOf(jobs, "step:clean");
  CHECK(clean.after == std::vector<size_t>{0});
  CHECK(clean.evaluates.empty());
  CHECK(clean.exports == emit::slurmBaseExports());  // no record, no secret

  const emit::SlurmJob& model = jobOf(jobs, "model:m");
  CHECK(model.after == std::vector<size_t>{1});
  CHECK(contains(model.exports, "TRAIN_TOKEN"));
  CHECK(contains(model.exports, "MLOPS_STATE"));  // a model records its artifact
  CHECK(contains(model.exports, "PGPASSWORD"));
  CHECK_FALSE(contains(model.exports, "DEPLOY_KEY"));

  const emit::SlurmJob& deploy = jobOf(jobs, "deploy:prod");
  CHECK(deploy.after == std::vector<size_t>{2});  // through the gate and its tests, to the model
  CHECK(deploy.evaluates == std::vector<std::string>{"test:auc", "test:rows_ok", "gate:release"});
  CHECK(contains(deploy.exports, "DEPLOY_KEY"));
  CHECK_FALSE(contains(deploy.exports, "TRAIN_TOKEN"));  // a secret reaches only its node's job

  const emit::SlurmJob& accuracy = jobOf(jobs, "test:accuracy");
  CHECK(accuracy.after == std::vector<size_t>{2});
  CHECK_FALSE(contains(accuracy.exports, "MLOPS_STATE"));  // a plain threshold test needs no record

  // A pipeline whose target is a test: the test runs as its job.
  const ir::Pipeline* train = nullptr;
  for (const ir::Pipeline& p : g.pipelines)
    if (p.name == "train") train = &p;
  REQUIRE(train);
  CHECK(jobIds(emit::planSlurmJobs(g, *train)) ==
        std::vector<std::string>{"data:prices", "step:clean", "model:m", "test:auc"});
}

TEST_CASE("the script: one sbatch per job with the mapping, deterministic", "[slurm]") {
  ir::PipelineGraph g = compile(kSpec);
  emit::SlurmScriptOptions options;
  options.specFile = "shop.mlops";
  std::vector<emit::GeneratedFile> files = emit::emitSlurm(g, options);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "slurm/main.sh");
  CHECK(files[0].pipeline == "main");
  CHECK(files[1].path == "slurm/train.sh");
  const std::string& s = files[0].content;
  CHECK(s.rfind("#!/bin/sh\n# Generated by mlopsc", 0) == 0);
  CHECK(s.find("\nset -eu\n") != std::string::npos);
  CHECK(s.find("\nspec='./shop.mlops'\n") != std::string::npos);
  CHECK(s.find("mlopsc=${MLOPSC:-mlopsc}") != std::string::npos);
  size_t submissions = 0;
  for (size_t at = s.find("=$(sbatch --parsable \"$@\" "); at != std::string::npos;
       at = s.find("=$(sbatch --parsable \"$@\" ", at + 1))
    ++submissions;
  CHECK(submissions == 5);
  // The step's job: the shared mapping, its log, the project root, names only.
  CHECK(s.find("# 2. step:clean\nafter=\"afterok:$j1\"\n"
               "[ \"$serial\" != 1 ] || [ -z \"$previous\" ] || after=\"${after:+$after,}afterany:$previous\"\n"
               "printed=$(sbatch --parsable \"$@\" --job-name='mlops.shop.step:clean' "
               "--output='.mlops/logs/slurm/step-clean.%j.log' --chdir=\"$root\" "
               "--export='PATH,HOME,USER,LOGNAME,LANG,LC_ALL,LC_CTYPE,TZ,TMPDIR,TERM,MLOPS_STDLIB' "
               "'--cpus-per-task=2' '--mem=1024M' '--time=2' ${after:+\"--dependency=$after\"} "
               "${after:+--kill-on-invalid-dep=yes} \"$jobscript\" \"$mlopsc\" run \"$spec\" --node 'step:clean')\n"
               "job_id 'step:clean'\nj2=$id\nprevious=$id\n") != std::string::npos);
  // A job without upstream jobs has no dependency.
  CHECK(s.find("# 1. data:prices\nafter=\n") != std::string::npos);
  CHECK(s.find("# 5. deploy:prod\nafter=\"afterok:$j3\"\n") != std::string::npos);
  // Each secret is checked before anything is queued, by name.
  CHECK(s.find("[ -n \"${TRAIN_TOKEN+set}\" ] || fail") != std::string::npos);
  CHECK(s.find("[ -n \"${DEPLOY_KEY+set}\" ] || fail") != std::string::npos);
  CHECK(s.find("trap cleanup EXIT") < s.find("printed=$(sbatch"));
  CHECK(s.find("scancel $queued") != std::string::npos);
  // Every option the script sets is refused among the arguments.
  for (const std::string& option : ir::slurmReservedOptions()) {
    INFO(option);
    CHECK(s.find(option.size() > 2 ? option + "|" + option + "=*|" : "|" + option + "*") != std::string::npos);
  }
  CHECK(emit::emitSlurm(g, options)[0].content == s);
}

TEST_CASE("hostile spec text reaches the script only single-quoted, comments only escaped", "[slurm]") {
  ir::PipelineGraph g = compile(readFile(MLOPS_SOURCE_DIR "/tests/unit/data/adversarial_ci.mlops"));
  emit::SlurmScriptOptions options;
  options.specFile = "adv'$(touch pwned)`touch pwned`\"q\"\n# x\r.mlops";
  std::vector<emit::GeneratedFile> files = emit::emitSlurm(g, options);
  REQUIRE(files.size() == 1);
  const std::string& s = files[0].content;
  // The file name, raw, appears once: inside its quoted word.
  std::string word = support::shellQuote("./" + options.specFile);
  CHECK(s.find("\nspec=" + word + "\n") != std::string::npos);
  CHECK(s.find("touch pwned`\"q\"\n") == s.find(word) + word.find("touch pwned`\"q\"\n"));
  size_t raw = 0;
  for (size_t at = s.find("$(touch pwned)"); at != std::string::npos; at = s.find("$(touch pwned)", at + 1)) ++raw;
  CHECK(raw == 3);  // the word, and twice escaped in comments (no newline there)
  CHECK(s.find("\\n# x\\r.mlops") != std::string::npos);
  // The spec= line holds the name as sh reads it back.
  size_t start = s.find("\nspec=") + 1;
  size_t end = start + std::string("spec=").size() + word.size();
  CHECK(runShell(s.substr(start, end - start) + "\nprintf '%s' \"$spec\"\n") == "./" + options.specFile);
  // No comment line carries a raw control character (the quoted word's
  // lines are not comments: they are inside its quotes).
  std::string rest = s;
  rest.replace(rest.find(word), word.size(), "WORD");
  size_t lineStart = 0;
  while (lineStart < rest.size()) {
    size_t lineEnd = rest.find('\n', lineStart);
    std::string line = rest.substr(lineStart, lineEnd - lineStart);
    if (!line.empty() && line[0] == '#') CHECK(line.find('\r') == std::string::npos);
    lineStart = lineEnd + 1;
  }
  // The secrets of the adversarial spec are handed by name.
  CHECK(s.find("[ -n \"${API_TOKEN+set}\" ]") != std::string::npos);
  CHECK(s.find("[ -n \"${DEPLOY_KEY+set}\" ]") != std::string::npos);
}

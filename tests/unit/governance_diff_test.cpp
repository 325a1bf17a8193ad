// The governance diff of `mlopsc diff` (emit/governance_diff.h,
// diff_markdown.h, diff_json.h): property positions from the IR builder,
// renames, the order of declarations, who must review, the verdict, and
// the bounds of the Markdown. The goldens in tests/golden/diff/ show every
// kind of change end to end; these pin the rules behind them.
#include "driver/compilation.h"
#include "emit/diff_json.h"
#include "emit/diff_markdown.h"
#include "emit/governance_diff.h"
#include "ir/ir_builder.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <string>

using namespace mlops;
using Direction = emit::AuditChange::Direction;

namespace {

const char* kExample = MLOPS_SOURCE_DIR "/examples/credit-risk/credit_risk.mlops";

std::string readFile(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  INFO("not in the spec: " << from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string example() {
  std::string teams = edited(readFile(MLOPS_SOURCE_DIR "/examples/credit-risk/teams.mlops"), "use std.roles\n", "");
  return edited(readFile(kExample), "import \"teams.mlops\"\n", teams);
}

ir::PipelineGraph compile(const std::string& text) {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText(kExample, text, options);
  REQUIRE(program);
  std::string listing;
  for (const diag::Diagnostic& d : c.diags().diagnostics()) listing += d.message + "\n";
  INFO("diagnostics:\n" << listing);
  REQUIRE(!c.diags().hasErrors());
  return ir::buildPipelineGraph(*program);
}

emit::GovernanceDiff diff(const ir::PipelineGraph& before, const ir::PipelineGraph& after) {
  return emit::computeGovernanceDiff({&before, emit::DiffSide::Spec, "base.mlops", ""},
                                     {&after, emit::DiffSide::Spec, "new.mlops", ""});
}

unsigned lineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

}  // namespace

TEST_CASE("the IR builder records where each property is written", "[diff]") {
  std::string text = example();
  ir::PipelineGraph g = compile(text);
  const ir::Node* gate = g.find("gate:production");
  REQUIRE(gate);
  const ir::PropertyPosition* approvals = ir::findProperty(gate->properties, "approvals");
  REQUIRE(approvals);
  CHECK(approvals->line == lineOf(text, "approvals   = [2 of validators"));
  CHECK(approvals->column == 3);
  CHECK(ir::findProperty(gate->properties, "model"));  // `for scorer`
  const ir::Node* drift = g.find("test:income_drift");
  REQUIRE(drift);
  REQUIRE(ir::findProperty(drift->properties, "threshold"));
  CHECK(ir::findProperty(drift->properties, "threshold")->line == lineOf(text, "threshold = 0.2"));
  const ir::Node* deploy = g.find("deploy:scorer_prod");
  REQUIRE(deploy);
  CHECK(ir::findProperty(deploy->properties, "strategy.steps"));
  bool quota = false;
  for (const ir::Role& r : g.roles)
    if (r.name == "modelers") quota = ir::findProperty(r.properties, "quota.cpu") != nullptr;
  CHECK(quota);
  CHECK(ir::findProperty(g.projectProperties, "risk_tier"));
  // Not serialised: pipeline.json is unchanged by them.
  CHECK(ir::writeJson(g).find("\"properties\"") == std::string::npos);
}

TEST_CASE("a rename is one change, and references to it are none", "[diff]") {
  std::string base = example();
  std::string renamed = edited(edited(base, "test auc_floor on scorer", "test auc_minimum on scorer"),
                               "require     = [auc_floor,", "require     = [auc_minimum,");
  emit::GovernanceDiff d = diff(compile(base), compile(renamed));
  REQUIRE(d.declarations.size() == 1);
  CHECK(d.declarations[0].declaration == "test:auc_minimum");
  CHECK(d.declarations[0].renamedFrom == "auc_floor");
  CHECK(d.edges.empty());
  CHECK(d.renamed == 1);
  CHECK(d.loosened == 0);
  CHECK(emit::verdictText(d.verdict) == "no control loosened or tightened: 1 change in 1 declaration");

  // Renamed and changed: removed (loosened) and added (tightened).
  std::string changed = edited(renamed, "expect metrics.auc >= 0.75", "expect metrics.auc >= 0.7");
  emit::GovernanceDiff e = diff(compile(base), compile(changed));
  CHECK(e.renamed == 0);
  CHECK(e.loosened >= 1);
  REQUIRE(!e.declarations.empty());
  CHECK(e.declarations.front().direction == Direction::Loosened);  // loosened first
}

TEST_CASE("a quota change asks the ML architects", "[diff]") {
  std::string base = edited(example(), "/// Data engineers who own",
                            "role architects : ml_architect {\n  members = [\"erin@bank.example\"]\n}\n\n"
                            "/// Data engineers who own");
  std::string raised = edited(base, "quota   { cpu = 16", "quota   { cpu = 32");
  emit::GovernanceDiff d = diff(compile(base), compile(raised));
  CHECK(d.loosened == 1);
  bool architects = false;
  for (const emit::DiffReviewer& r : d.reviewers)
    if (r.role == "architects") architects = r.members == std::vector<std::string>{"erin@bank.example"};
  CHECK(architects);
  CHECK(emit::verdictText(d.verdict).rfind("loosens 1 control on high-risk role `modelers`: needs review by", 0) == 0);
}

TEST_CASE("identical graphs: no governance change, deterministic JSON", "[diff]") {
  ir::PipelineGraph g = compile(example());
  emit::GovernanceDiff d = diff(g, g);
  CHECK(!d.hasChanges());
  CHECK(emit::verdictText(d.verdict) == "no governance change");
  CHECK(emit::renderDiffJson(d) == emit::renderDiffJson(diff(g, g)));
  CHECK(emit::diffJson(d)["governance_change"] == false);
}

TEST_CASE("the Markdown stays within its bound and its tables", "[diff]") {
  std::string base = example(), after = base;
  std::string tests;
  for (int i = 0; i < 60; ++i)
    tests += "/// a | b ` c <x>\ntest t" + std::to_string(i) + " on scorer {\n  expect metrics.auc >= 0.5\n  severity = warning\n}\n";
  base += tests;
  after += tests;
  for (int i = 0; i < 60; ++i)
    after = edited(after, "test t" + std::to_string(i) + " on scorer {\n  expect metrics.auc >= 0.5",
                   "test t" + std::to_string(i) + " on scorer {\n  expect metrics.auc >= 0.25");
  emit::GovernanceDiff d = diff(compile(base), compile(after));
  CHECK(d.loosened == 60);
  std::string full = emit::renderDiffMarkdown(d);
  CHECK(full.find("not shown") == std::string::npos);
  std::string cut = emit::renderDiffMarkdown(d, 3000);
  CHECK(cut.size() <= 3000);
  CHECK(cut.find("changes not shown:**") != std::string::npos);
  CHECK(cut.find("**loosens 60 controls on high-risk model `scorer`") != std::string::npos);
}

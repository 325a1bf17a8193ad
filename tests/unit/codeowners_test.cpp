// Who must review a spec change (emit/spec_reviewers.h) and the CODEOWNERS
// fragment naming them (emit/codeowners.h): the approvers of the gates and
// the ML architects for quotas, owners only in a form GitHub and GitLab
// accept, and paths that cannot inject a line or a pattern.
#include "driver/compilation.h"
#include "emit/codeowners.h"
#include "emit/review_job.h"
#include "emit/spec_reviewers.h"
#include "emit/target_limits.h"
#include "ir/ir_builder.h"

#include <catch2/catch.hpp>

#include <string>

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

const char* kSpec = R"(project churn { version = "1.0.0"  risk_tier = medium }
use std.roles
role engineers  : data_engineer      { members = ["ana@shop.example"] }
role scientists : data_scientist     { members = ["bo@shop.example"]  quota { cpu = 8 } }
role risk       : model_risk_manager { members = ["carol@shop.example", "grace@shop.example"] }
role business   : sme                { members = ["dan@shop.example"] }
role architects : ml_architect       { members = ["ada@shop.example", "ada#lovelace@shop.example"] }
data customers {
  owner  = engineers
  source = file("data/customers.csv")
  schema { id : int  churned : bool }
}
model churn_model {
  owner   = scientists
  inputs  = [customers]
  run     = "python3 train.py --data ${inputs.customers} --out ${outputs.model} --metrics ${outputs.metrics}"
  outputs { model = "build/model.pkl"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test auc_floor on churn_model { expect metrics.auc >= 0.7 }
gate release for churn_model { require = [auc_floor]  approvals = [2 of risk, business] }
)";

}  // namespace

TEST_CASE("the reviewers of a spec are its gates' approvers, then the ML architects when quotas exist",
          "[codeowners]") {
  ir::PipelineGraph g = compile(kSpec);
  std::vector<emit::SpecReviewer> r = emit::specReviewers(g);
  REQUIRE(r.size() == 3);
  CHECK(r[0].role == "risk");
  CHECK(r[0].standardRole == "model_risk_manager");
  CHECK(r[0].reason == "approves gate `release`");
  CHECK(r[1].role == "business");
  CHECK(r[1].standardRole == "sme");
  CHECK(r[2].role == "architects");
  CHECK(r[2].reason == "allocates the quotas (ML architect)");
  CHECK(r[2].members == std::vector<std::string>{"ada@shop.example", "ada#lovelace@shop.example"});
}

TEST_CASE("without a quota the ML architects are not reviewers", "[codeowners]") {
  std::string spec = kSpec;
  const std::string quota = "  quota { cpu = 8 }";
  spec.replace(spec.find(quota), quota.size(), "");
  ir::PipelineGraph g = compile(spec);
  for (const emit::SpecReviewer& r : emit::specReviewers(g)) CHECK(r.role != "architects");
}

TEST_CASE("code owners are e-mail addresses or handles", "[codeowners]") {
  for (const char* ok : {"carol@bank.example", "a.b+c@x.co.uk", "@alice", "@org/team", "@group/sub/team"}) {
    INFO(ok);
    CHECK(emit::isCodeOwner(ok));
  }
  for (const char* bad : {"", "Carol Jones", "carol", "@", "@org/", "@/team", "carol@", "@bank.example carol",
                          "carol@bank", "carol@bank..example", "a@b@c.example", "x@y.example\n/* @evil",
                          "#carol@bank.example", "carol@bank.example #", "caröl@bank.example", "@org//team"}) {
    INFO(bad);
    CHECK_FALSE(emit::isCodeOwner(bad));
  }
}

TEST_CASE("paths become anchored patterns with the syntax escaped, never a new line", "[codeowners]") {
  CHECK(emit::codeOwnersPattern("examples/credit-risk/credit_risk.mlops") == "/examples/credit-risk/credit_risk.mlops");
  CHECK(emit::codeOwnersPattern("my specs/#1 [a]*?.mlops") == "/my\\ specs/\\#1\\ \\[a\\]\\*\\?.mlops");
  CHECK(emit::codeOwnersPattern("a\n* @evil") == "");
  CHECK(emit::codeOwnersPattern("a\rb") == "");
  CHECK(emit::codeOwnersPattern("") == "");
}

TEST_CASE("the CODEOWNERS fragment names every valid member once, on each owned path", "[codeowners]") {
  ir::PipelineGraph g = compile(kSpec);
  std::string github = emit::codeOwnersFile(g, {"specs/churn.mlops", "specs/teams.mlops", "a\nb"}, emit::CiTarget::GitHub);
  INFO(github);
  const std::string owners = " carol@shop.example grace@shop.example dan@shop.example ada@shop.example\n";
  CHECK(github.find("\n/specs/churn.mlops" + owners) != std::string::npos);
  CHECK(github.find("\n/specs/teams.mlops" + owners) != std::string::npos);
  CHECK(github.find("lovelace") == std::string::npos);
  CHECK(github.find("\nb") == std::string::npos);  // the path with a newline is left out
  CHECK(github.find("#   risk (model_risk_manager): approves gate `release`\n") != std::string::npos);
  CHECK(github.find("[mlops") == std::string::npos);
  // Every line is a comment, empty, or a pattern with owners.
  size_t start = 0;
  while (start < github.size()) {
    size_t end = github.find('\n', start);
    std::string line = github.substr(start, end - start);
    CHECK((line.empty() || line[0] == '#' || line[0] == '/'));
    start = end + 1;
  }
  std::string gitlab = emit::codeOwnersFile(g, {"specs/churn.mlops"}, emit::CiTarget::GitLab);
  CHECK(gitlab.find("\n[mlops churn]\n/specs/churn.mlops" + owners) != std::string::npos);
}

TEST_CASE("without reviewers the paths stay comments", "[codeowners]") {
  std::string spec = kSpec;
  const std::string quota = "  quota { cpu = 8 }";
  spec.replace(spec.find(quota), quota.size(), "");
  spec.replace(spec.find("risk_tier = medium"), 18, "risk_tier = low");
  spec.replace(spec.find("approvals = [2 of risk, business]"), 33, "approvals = []");
  ir::PipelineGraph g = compile(spec);
  std::string file = emit::codeOwnersFile(g, {"churn.mlops"}, emit::CiTarget::GitHub);
  INFO(file);
  CHECK(file.find("\n# /churn.mlops\n") != std::string::npos);
  CHECK(file.find("\n/churn.mlops") == std::string::npos);
}

TEST_CASE("W0712 names each member that cannot be a code owner, once for both platforms", "[codeowners]") {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText("spec.mlops", kSpec, options);
  REQUIRE(program);
  ir::PipelineGraph g = ir::buildPipelineGraph(*program);
  emit::reportCodeOwners(g, c.diags());
  emit::reportCodeOwners(g, c.diags());
  size_t count = 0;
  for (const diag::Diagnostic& d : c.diags().diagnostics())
    if (d.code == diag::kinds::NotCodeOwner.code) {
      ++count;
      CHECK(d.message == "member `ada#lovelace@shop.example` of role `architects` cannot be a code owner: a CODEOWNERS file cannot hold this address (a `#`, a backslash, a quote, a letter outside ASCII, or a domain of other characters than letters, digits, `-` and `.`)");
    }
  CHECK(count == 1);
}

TEST_CASE("the review job's path filters match exactly the spec's files", "[codeowners]") {
  CHECK(emit::reviewPathPattern("specs/credit_risk.mlops") == "specs/credit_risk.mlops");
  CHECK(emit::reviewPathPattern("specs/[x]*{a,b}?!+.mlops") == "specs/\\[x\\]\\*\\{a,b\\}\\?\\!\\+.mlops");
  CHECK(emit::reviewPathPattern("build/mlops", true) == "build/mlops/**");
  CHECK(emit::reviewPathPattern(".", true) == "**");
  emit::ReviewBuild r;
  r.owned = {"a.mlops", "teams.mlops", "allowed_signers"};
  r.outFromRoot = "out";
  CHECK(emit::reviewWatchedPaths(r) == std::vector<std::string>{"a.mlops", "teams.mlops", "allowed_signers", "out/**"});
}

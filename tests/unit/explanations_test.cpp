// `mlopsc explain`: every diagnostic code has an explanation, and every
// explanation's examples do what they claim: `wrong` produces the code,
// `right` checks without errors (and without the code). Examples are checked
// like `mlopsc build` with every CI target, so the backends' W07xx count.
#include "diag/explanations.h"
#include "driver/compilation.h"
#include "emit/mlopsc_install.h"
#include "emit/target_limits.h"
#include "ir/ir_builder.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace mlops;

namespace {

struct Checked {
  std::set<std::string> codes;  // every code reported
  unsigned errors = 0;
  std::string listing;          // code: message, one a line (for failures)
};

// The build options of the examples: W0706 is about how `mlopsc build` is
// called (where the jobs get mlopsc), not about the spec, so every example
// is built with a pinned mirror except W0706's wrong one (the defaults).
emit::CiOptions pinnedMirror() {
  emit::CiOptions o;
  o.mlopsc.version = "1.0.0";
  o.mlopsc.urlTemplate = "https://mirror.example/mlopsc-{version}-linux-x86_64.tar.gz";
  o.mlopsc.sha256 = std::string(64, 'a');
  o.mlopsc.setupAction = "shop/ci-actions/setup-mlopsc@v1";
  o.mlopsc.image = "registry.example/mlopsc@sha256:" + std::string(64, 'b');
  return o;
}

emit::CiOptions defaults() {
  emit::CiOptions o;
  o.mlopsc.version = "1.0.0";
  return o;
}

// The examples' `signers = file("allowed_signers")`: public keys for every
// address they use; and their `params = file("params.yaml")`.
const llvm::StringMap<std::string>& exampleFiles() {
  static const llvm::StringMap<std::string> files = [] {
    std::ifstream in(MLOPS_SOURCE_DIR "/tests/unit/data/example.allowed_signers", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    llvm::StringMap<std::string> m;
    m["allowed_signers"] = bytes.str();
    m["params.yaml"] = "train:\n  n_est: 50\n";  // E0310's right example
    return m;
  }();
  return files;
}

Checked check(const char* text, const emit::CiOptions& ci = pinnedMirror()) {
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  options.virtualFiles = &exampleFiles();
  sema::Program* program = c.checkText("example.mlops", text, options);
  if (program && !c.diags().hasErrors()) {
    ir::PipelineGraph graph = ir::buildPipelineGraph(*program);
    for (emit::CiTarget t : {emit::CiTarget::GitHub, emit::CiTarget::GitLab, emit::CiTarget::Argo}) {
      emit::reportTargetLimits(graph, t, c.diags());
      emit::reportReleaseSource(graph, t, ci, c.diags());
    }
  }
  Checked out;
  out.errors = c.diags().errorCount();
  for (const diag::Diagnostic& d : c.diags().diagnostics()) {
    out.codes.insert(diag::codeInfo(d.code).name);
    out.listing += std::string(diag::codeInfo(d.code).name) + ": " + d.message + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("every diagnostic code has an explanation, in code order", "[explain]") {
  for (const diag::CodeInfo& info : diag::allCodes()) {
    INFO(info.name);
    CHECK(diag::findExplanation(info.code) != nullptr);
  }
  const auto& all = diag::allExplanations();
  REQUIRE(all.size() == diag::allCodes().size());
  for (size_t i = 0; i < all.size(); ++i) {
    INFO(diag::codeInfo(all[i].code).name);
    CHECK(all[i].code == diag::allCodes()[i].code);
    CHECK(std::string(all[i].text).size() > 80);
    CHECK(std::string(all[i].wrong) != std::string(all[i].right));
  }
}

TEST_CASE("each explanation's wrong example produces its code", "[explain]") {
  for (const diag::Explanation& e : diag::allExplanations()) {
    const char* code = diag::codeInfo(e.code).name;
    Checked wrong = check(e.wrong, std::string(code) == "W0706" ? defaults() : pinnedMirror());
    INFO(code << " wrong example reported:\n" << wrong.listing);
    CHECK(wrong.codes.count(code) == 1);
  }
}

TEST_CASE("each explanation's right example checks without errors", "[explain]") {
  for (const diag::Explanation& e : diag::allExplanations()) {
    const char* code = diag::codeInfo(e.code).name;
    Checked right = check(e.right);
    INFO(code << " right example reported:\n" << right.listing);
    CHECK(right.errors == 0);
    CHECK(right.codes.count(code) == 0);
    // Warnings are tolerated by the contract, but the examples are kept clean
    // (of everything but what a CI platform cannot express, which examples
    // of other codes may well contain).
    for (const std::string& other : right.codes) CHECK((other.rfind("W07", 0) == 0 && other != code));
  }
}

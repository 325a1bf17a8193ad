// The formatter: its style rules, comment placement, refusal of files with
// syntax errors, and, over every .mlops file of the repository respaced and
// commented at random, that it keeps the meaning (same AST, same comments)
// and is idempotent. Also the line diff behind --diff and the LSP's edits.
#include "diag/diagnostic_engine.h"
#include "format/formatter.h"
#include "format/line_diff.h"
#include "syntax/lexer.h"
#include "syntax/spec_files.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <random>

using namespace mlops;
using format::FormatResult;

namespace {

FormatResult formatText(const std::string& text) {
  llvm::SourceMgr sources;
  diag::DiagnosticEngine diags(sources);
  unsigned id = sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "test.mlops"), {});
  return format::formatBuffer(diags, id);
}

std::string fmt(const std::string& text) {
  FormatResult r = formatText(text);
  INFO(r.problem);
  REQUIRE(r.status == FormatResult::Status::Formatted);
  return r.text;
}

std::vector<std::string> repositorySpecs() {
  std::vector<std::string> out;
  for (const char* dir : {"examples", "stdlib", "tests/golden"}) {
    std::string root = std::string(MLOPS_SOURCE_DIR) + "/" + dir;
    std::error_code ec;
    for (std::string& file : syntax::findSpecFiles(root, ec)) out.push_back(std::move(file));
    REQUIRE(!ec);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

// The file's tokens and comments in order, joined by random whitespace;
// with `comments`, new block and line comments are put between tokens too.
std::string respace(const std::string& text, std::mt19937& rng, bool comments) {
  llvm::SourceMgr sources;
  diag::DiagnosticEngine diags(sources);
  syntax::LexedFile lexed = syntax::Lexer(text, diags).lex();
  struct Piece { uint32_t offset, length; bool lineComment; };
  std::vector<Piece> pieces;
  for (const auto& t : lexed.tokens)
    if (t.kind != syntax::TokenKind::EndOfFile) pieces.push_back({t.offset, t.length, false});
  for (const auto& c : lexed.comments) pieces.push_back({c.offset, c.length, c.kind != syntax::CommentKind::Block});
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
  static const char* gaps[] = {" ", "  ", "\n", "\n\n", "\t", "\n   ", " \n\n\n "};
  std::string out;
  int added = 0;
  for (const Piece& p : pieces) {
    out += text.substr(p.offset, p.length);
    if (comments && rng() % 6 == 0) {
      if (rng() % 2) out += " /* c" + std::to_string(added++) + " */";
      else out += " // c" + std::to_string(added++) + "\n";
    }
    std::string gap = gaps[rng() % (sizeof gaps / sizeof *gaps)];
    if (p.lineComment && gap.find('\n') == std::string::npos) gap = "\n";
    out += gap;
  }
  return out;
}

}  // namespace

TEST_CASE("formatter: indentation, one member per line, aligned `=`", "[format]") {
  CHECK(fmt("project p { version = \"1\"\n risk_tier=low }") ==
        "project p {\n  version   = \"1\"\n  risk_tier = low\n}\n");
  // A blank line ends an alignment run; two blank lines become one.
  CHECK(fmt("step s {\n  owner = a\n\n\n\n  inputs = [x]\n}") == "step s {\n  owner = a\n\n  inputs = [x]\n}\n");
}

TEST_CASE("formatter: inline blocks and lists stay inline when written so and they fit", "[format]") {
  CHECK(fmt("step s {\nresources {cpu=1 memory=512Mi}\n}") == "step s {\n  resources { cpu = 1  memory = 512Mi }\n}\n");
  CHECK(fmt("step s {\nresources {\ncpu=1 memory=512Mi}\n}") ==
        "step s {\n  resources {\n    cpu    = 1\n    memory = 512Mi\n  }\n}\n");
  CHECK(fmt("gate g for m { require = [a,b ,c] }") == "gate g for m {\n  require = [a, b, c]\n}\n");
  CHECK(fmt("gate g for m { require = [\na,b] }") == "gate g for m {\n  require = [\n    a,\n    b,\n  ]\n}\n");
  // Too long for 100 columns: one item per line.
  std::string items;
  for (int i = 0; i < 12; ++i) items += (i ? ", " : "") + std::string("test_number_") + std::to_string(i);
  std::string out = fmt("gate g for m { require = [" + items + "] }");
  CHECK(out.find("  require = [\n    test_number_0,\n") != std::string::npos);
  CHECK(out.find("    test_number_11,\n  ]\n") != std::string::npos);
}

TEST_CASE("formatter: expressions, headers and spacing", "[format]") {
  CHECK(fmt("test t on m{expect metrics.auc>=baseline.auc-0.01 and not(x<1)}") ==
        "test t on m {\n  expect metrics.auc >= baseline.auc - 0.01 and not (x < 1)\n}\n");
  CHECK(fmt("gate p for m { approvals=[2   of v,r] }") == "gate p for m {\n  approvals = [2 of v, r]\n}\n");
  CHECK(fmt("check c(a:int=1,b : string)on data{expect a>0}") ==
        "check c(a: int = 1, b: string) on data {\n  expect a > 0\n}\n");
  CHECK(fmt("role r:sme{members=[\"a@x\"]}") == "role r : sme {\n  members = [\"a@x\"]\n}\n");
  CHECK(fmt("use std . roles\nimport \"t.mlops\"\ntest x on d uses rows") ==
        "use std.roles\nimport \"t.mlops\"\ntest x on d uses rows\n");
  CHECK(fmt("kpi k { owner = o  target>=30% }") == "kpi k {\n  owner  = o\n  target >= 30%\n}\n");
  CHECK(fmt("data d { schema { a:int where value>=0 bb : string } }") ==
        "data d {\n  schema { a : int where value >= 0  bb : string }\n}\n");
  CHECK(fmt("data d { schema {\n a:int where value>=0 bb : string } }") ==
        "data d {\n  schema {\n    a  : int where value >= 0\n    bb : string\n  }\n}\n");
  CHECK(fmt("deploy d { strategy = canary{steps=[10%,100%] interval=1h} }") ==
        "deploy d {\n  strategy = canary { steps = [10%, 100%]  interval = 1h }\n}\n");
  CHECK(fmt("data d { source = file( \"x.csv\" , table = \"t\" ) }") ==
        "data d {\n  source = file(\"x.csv\", table = \"t\")\n}\n");
}

TEST_CASE("formatter: declarations with a body are set apart by one blank line", "[format]") {
  CHECK(fmt("use std.roles\nuse std.checks\nproject p {}\nkpi k {}") ==
        "use std.roles\nuse std.checks\n\nproject p {}\n\nkpi k {}\n");
}

TEST_CASE("formatter: comments stay where they were", "[format]") {
  std::string in =
      "// header\n\n/// doc of p\nproject p { // after brace\n  a = 1 // one\n  bb = 2   // two\n\n"
      "  // own line\n  c = [x, // first\n  y]\n  /* before close */\n}\n// end\n";
  std::string out = fmt(in);
  CHECK(out ==
        "// header\n\n/// doc of p\nproject p {\n  // after brace\n  a  = 1  // one\n  bb = 2  // two\n\n"
        "  // own line\n  c = [\n    x,  // first\n    y,\n  ]\n  /* before close */\n}\n// end\n");
  CHECK(format::astFingerprint(in) == format::astFingerprint(out));
}

TEST_CASE("formatter: raw strings are kept byte for byte", "[format]") {
  std::string in = "step s {\n  owner = o\n  run = \"\"\"a \\\n     b ${x}\"\"\"\n}\n";
  std::string out = fmt(in);
  CHECK(out == "step s {\n  owner = o\n  run   = \"\"\"a \\\n     b ${x}\"\"\"\n}\n");
}

TEST_CASE("formatter: files with syntax errors are refused", "[format]") {
  CHECK(formatText("project p { version \"1\" }").status == FormatResult::Status::SyntaxErrors);
  CHECK(formatText("model m {").status == FormatResult::Status::SyntaxErrors);
  CHECK(format::astFingerprint("model m {").empty());
}

TEST_CASE("formatter: empty and comment-only files", "[format]") {
  CHECK(fmt("") == "");
  CHECK(fmt("\n\n  \n") == "");
  CHECK(fmt("// only\n\n\n/* two */") == "// only\n\n/* two */\n");
}

TEST_CASE("formatter: every repository spec, respaced and commented at random, keeps its meaning and is "
          "idempotent",
          "[format][fuzz]") {
  std::vector<std::string> files = repositorySpecs();
  REQUIRE(files.size() > 20);
  // MLOPS_FORMAT_SEED=N explores other variants (the default is fixed).
  const char* seed = std::getenv("MLOPS_FORMAT_SEED");
  std::mt19937 rng(seed ? static_cast<unsigned>(std::strtoul(seed, nullptr, 10)) : 20261127u);
  size_t formatted = 0, variants = 0;
  for (const std::string& path : files) {
    std::string original = readFile(path);
    std::string base = format::astFingerprint(original);
    if (base.empty()) continue;  // the expected-error goldens
    for (int round = 0; round < 12; ++round) {
      std::string input = round == 0 ? original : respace(original, rng, round % 2 == 0);
      std::string before = format::astFingerprint(input);
      if (before.empty()) continue;
      ++variants;
      FormatResult once = formatText(input);
      if (once.status != FormatResult::Status::Formatted) {
        // Left in the test's working folder for `mlopsc fmt` to reproduce.
        std::error_code ec;
        llvm::raw_fd_ostream("formatter-failure.mlops", ec) << input;
      }
      INFO(path << " round " << round << ": " << once.problem << "\n--- input\n" << input);
      REQUIRE(once.status == FormatResult::Status::Formatted);
      CHECK(format::astFingerprint(once.text) == before);
      FormatResult twice = formatText(once.text);
      if (twice.text != once.text) {
        std::error_code ec;
        llvm::raw_fd_ostream("formatter-failure.mlops", ec) << input;
      }
      REQUIRE(twice.status == FormatResult::Status::Formatted);
      CHECK(twice.text == once.text);
    }
    ++formatted;
  }
  CHECK(formatted > 20);
  CHECK(variants > formatted * 10);
}

TEST_CASE("line diff: changes reproduce the new text", "[format]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> a, b;
    for (int i = 0; i < 30; ++i) a.push_back("l" + std::to_string(rng() % 8) + "\n");
    b = a;
    for (int e = 0; e < 6; ++e) {
      size_t at = rng() % (b.size() + 1);
      if (rng() % 2 && at < b.size()) b.erase(b.begin() + static_cast<long>(at));
      else b.insert(b.begin() + static_cast<long>(at), "n" + std::to_string(rng() % 5) + "\n");
    }
    std::vector<llvm::StringRef> ra(a.begin(), a.end()), rb(b.begin(), b.end());
    std::vector<format::LineChange> changes = format::diffLines(ra, rb);
    std::vector<std::string> rebuilt;
    size_t at = 0;
    for (const auto& c : changes) {
      REQUIRE(c.oldStart >= at);
      for (; at < c.oldStart; ++at) rebuilt.push_back(a[at]);
      for (size_t k = 0; k < c.newCount; ++k) rebuilt.push_back(b[c.newStart + k]);
      at = c.oldStart + c.oldCount;
    }
    for (; at < a.size(); ++at) rebuilt.push_back(a[at]);
    CHECK(rebuilt == b);
  }
}

TEST_CASE("line diff: unified format", "[format]") {
  CHECK(format::unifiedDiff("a\nb\n", "a\nb\n", "x", "y").empty());
  CHECK(format::unifiedDiff("a\nb\nc\n", "a\nB\nc\n", "a/f", "b/f") ==
        "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  CHECK(format::unifiedDiff("a", "a\n", "a/f", "b/f") ==
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n");
}

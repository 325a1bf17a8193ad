// The diagnostics engine and its renderers, checked on exact output.
#include "diag/codequality_renderer.h"
#include "diag/diagnostic_engine.h"
#include "diag/explanations.h"
#include "diag/github_renderer.h"
#include "diag/json_renderer.h"
#include "diag/sarif_renderer.h"
#include "diag/source_location.h"
#include "diag/suggest.h"
#include "diag/text_renderer.h"
#include "support/display_text.h"

#include <catch2/catch.hpp>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/MemoryBuffer.h>

using namespace mlops;
using namespace mlops::diag;

namespace {

struct Fixture {
  llvm::SourceMgr sources;
  DiagnosticEngine diags{sources};
  llvm::StringRef text;

  explicit Fixture(llvm::StringRef input, llvm::StringRef name = "spec.mlops") {
    unsigned id = sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(input, name), {});
    text = sources.getMemoryBuffer(id)->getBuffer();
  }
  llvm::SMRange range(size_t begin, size_t end) {
    return {llvm::SMLoc::getFromPointer(text.data() + begin), llvm::SMLoc::getFromPointer(text.data() + end)};
  }
  std::string renderText(bool color = false) {
    std::string out;
    llvm::raw_string_ostream os(out);
    TextOptions options;
    options.color = color;
    diag::renderText(os, sources, diags.sorted(), options);
    os.flush();
    return out;
  }
};

}  // namespace

TEST_CASE("text: header with code, source line, caret and range underline", "[diag][text]") {
  Fixture f("model m {\n  owner \"x\"\n}\n");
  f.diags.report(f.range(18, 21), kinds::ExpectedAfter, "`=` or `{`", "property name `owner`", "string literal");
  CHECK(f.renderText() ==
        "spec.mlops:2:9: error[E0101]: expected `=` or `{` after property name `owner`, found string literal\n"
        "  owner \"x\"\n"
        "        ^~~\n"
        "1 error emitted\n");
}

TEST_CASE("text: notes have their own locations; fix-its are shown", "[diag][text]") {
  Fixture f("model a {}\nmodel a {}\n");
  f.diags.report(f.range(17, 18), kinds::ExpectedFound, "a name", "`a`")
      .note(f.range(6, 7), "first defined here")
      .fixit(f.range(17, 18), "b");
  CHECK(f.renderText() ==
        "spec.mlops:2:7: error[E0101]: expected a name, found `a`\n"
        "model a {}\n"
        "      ^\n"
        "      b\n"
        "spec.mlops:1:7: note: first defined here\n"
        "model a {}\n"
        "      ^\n"
        "1 error emitted\n");
}

TEST_CASE("text: tabs and CRLF keep the caret under the right character", "[diag][text]") {
  Fixture f("data d {\r\n\tx = @\r\n}\r\n");
  f.diags.report(f.range(15, 16), kinds::InvalidCharacter, "`@` (U+0040)");
  std::string out = f.renderText();
  CHECK(llvm::StringRef(out).startswith("spec.mlops:2:6: error[E0103]: invalid character `@` (U+0040) in source\n"));
  // The tab is expanded to the next multiple of 8, the caret follows it.
  CHECK(llvm::StringRef(out).contains("        x = @\n            ^\n"));
}

TEST_CASE("text: colour only when asked", "[diag][text]") {
  Fixture f("x");
  f.diags.report(f.range(0, 1), kinds::ExpectedFound, "a declaration", "identifier `x`");
  CHECK(f.renderText(false).find('\x1b') == std::string::npos);
  CHECK(f.renderText(true).find('\x1b') != std::string::npos);
}

TEST_CASE("columns count code points, not bytes", "[diag][location]") {
  Fixture f("a = \"é\" @");
  Position p = resolvePosition(f.sources, llvm::SMLoc::getFromPointer(f.text.data() + 9));
  CHECK(p.line == 1);
  CHECK(p.column == 9);
  CHECK(p.offset == 9);
}

TEST_CASE("diagnostics are sorted by position; counts are kept", "[diag][engine]") {
  Fixture f("aaa bbb ccc");
  f.diags.report(f.range(8, 11), kinds::ExpectedFound, "x", "ccc");
  f.diags.report(f.range(0, 3), kinds::ExpectedFound, "x", "aaa");
  auto sorted = f.diags.sorted();
  CHECK(sorted[0].message == "expected x, found aaa");
  CHECK(f.diags.errorCount() == 2);
}

TEST_CASE("the error limit stops collection", "[diag][engine]") {
  Fixture f("abc");
  f.diags.setMaxErrors(2);
  for (int i = 0; i < 5; ++i) f.diags.report(f.range(0, 1), kinds::ExpectedFound, "x", "y");
  CHECK(f.diags.diagnostics().size() == 2);
  CHECK(f.diags.tooManyErrors());
}

TEST_CASE("json: code, severity, message, file, range, notes, fix-its", "[diag][json]") {
  Fixture f("model a {}\nmodel a {}\n");
  f.diags.report(f.range(17, 18), kinds::ExpectedFound, "a name", "`a`")
      .note(f.range(6, 7), "first defined here")
      .fixit(f.range(17, 18), "b");
  nlohmann::json j = renderJson(f.sources, f.diags.sorted());
  CHECK(j["version"] == 1);
  CHECK(j["errors"] == 1);
  CHECK(j["warnings"] == 0);
  const auto& d = j["diagnostics"][0];
  CHECK(d["code"] == "E0101");
  CHECK(d["severity"] == "error");
  CHECK(d["message"] == "expected a name, found `a`");
  CHECK(d["file"] == "spec.mlops");
  CHECK(d["range"]["start"] == nlohmann::json({{"line", 2}, {"column", 7}, {"offset", 17}}));
  CHECK(d["range"]["end"] == nlohmann::json({{"line", 2}, {"column", 8}, {"offset", 18}}));
  CHECK(d["notes"][0]["message"] == "first defined here");
  CHECK(d["notes"][0]["range"]["start"]["line"] == 1);
  CHECK(d["fixits"][0]["replacement"] == "b");
}

TEST_CASE("json: a file-level diagnostic has a null range", "[diag][json]") {
  Fixture f("");
  f.diags.reportFile("missing.mlops", kinds::FileUnreadable, "missing.mlops", "No such file or directory");
  nlohmann::json j = renderJson(f.sources, f.diags.sorted());
  CHECK(j["diagnostics"][0]["file"] == "missing.mlops");
  CHECK(j["diagnostics"][0]["range"].is_null());
  CHECK(j["diagnostics"][0]["code"] == "E0105");
}

TEST_CASE("sarif: one run, rules for every code, results with regions", "[diag][sarif]") {
  Fixture f("model a {}\nx\n");
  f.diags.report(f.range(11, 12), kinds::ExpectedFound, "a declaration", "identifier `x`")
      .note(f.range(0, 5), "context")
      .fixit(f.range(11, 12), "model");
  nlohmann::json log = renderSarif(f.sources, f.diags.sorted(), "0.1.0");
  CHECK(log["version"] == "2.1.0");
  const auto& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "mlopsc");
  CHECK(run["tool"]["driver"]["rules"].size() == allCodes().size());
  CHECK(run["columnKind"] == "unicodeCodePoints");
  const auto& r = run["results"][0];
  CHECK(r["ruleId"] == "E0101");
  CHECK(run["tool"]["driver"]["rules"][r["ruleIndex"].get<size_t>()]["id"] == "E0101");
  CHECK(r["level"] == "error");
  const auto& region = r["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startLine"] == 2);
  CHECK(region["startColumn"] == 1);
  CHECK(region["endColumn"] == 2);
  CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "spec.mlops");
  CHECK(r["relatedLocations"][0]["message"]["text"] == "context");
  CHECK(r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "model");
}

TEST_CASE("sarif: artifact URIs are percent-encoded; absolute paths become file URIs", "[diag][sarif]") {
  CHECK(sarifUri("dir/a b.mlops") == "dir/a%20b.mlops");
  CHECK(sarifUri("/abs/x.mlops") == "file:///abs/x.mlops");
}

TEST_CASE("sarif: rules carry what GitHub Advanced Security requires", "[diag][sarif]") {
  Fixture f("");
  nlohmann::json log = renderSarif(f.sources, {}, "1.2.3");
  const auto& driver = log["runs"][0]["tool"]["driver"];
  CHECK(driver["informationUri"] == kProjectUri);
  for (const auto& rule : driver["rules"]) {
    INFO(rule["id"]);
    const CodeInfo* info = findCode(rule["id"].get<std::string>());
    REQUIRE(info);
    const Explanation* explanation = findExplanation(info->code);
    REQUIRE(explanation);
    CHECK(rule["fullDescription"]["text"] == explanation->text);
    CHECK(rule["fullDescription"]["markdown"] == explanation->text);
    CHECK(llvm::StringRef(rule["help"]["text"].get<std::string>()).startswith(explanation->text));
    std::string markdown = rule["help"]["markdown"];
    // Both examples, in code blocks (bytes that are not UTF-8 as escapes).
    CHECK(markdown.find(support::escapeControls(explanation->wrong, support::Lines::Multi)) != std::string::npos);
    CHECK(markdown.find(support::escapeControls(explanation->right, support::Lines::Multi)) != std::string::npos);
    CHECK(rule["helpUri"] == "https://github.com/mlopsc/mlopsc/blob/v1.2.3/docs/diagnostics.md#" +
                                 llvm::StringRef(info->name).lower());
    std::string name = rule["name"];
    REQUIRE(!name.empty());
    CHECK((name[0] >= 'A' && name[0] <= 'Z'));
    CHECK(std::all_of(name.begin(), name.end(), [](char c) { return llvm::isAlnum(c); }));
    for (size_t i = 1; i < name.size(); ++i)  // Pascal case: no two capitals in a row
      CHECK(!(name[i - 1] >= 'A' && name[i - 1] <= 'Z' && name[i] >= 'A' && name[i] <= 'Z'));
  }
  // Valid UTF-8 throughout (E0105's example holds a byte that is not).
  CHECK_NOTHROW(log.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
  CHECK(sarifRuleName("file unreadable, not UTF-8, or over the size limit") == "FileUnreadableNotUtf8OrOverTheSizeLimit");
  CHECK(sarifRuleName("unused declaration") == "UnusedDeclaration");
  CHECK(sarifRuleName("gate requires a test not upstream of its model") == "GateRequiresTestNotUpstreamOfItsModel");
  CHECK(sarifRuleName("resources exceed the owner's quota") == "ResourcesExceedTheOwnersQuota");
}

TEST_CASE("sarif: files inside the root are relative to %SRCROOT%, the rest keep their path", "[diag][sarif]") {
  Fixture f("model a {}\nx\n", "/repo/ml/spec.mlops");
  f.diags.report(f.range(11, 12), kinds::ExpectedFound, "a declaration", "identifier `x`").fixit(f.range(11, 12), "model");
  f.diags.reportFile("/elsewhere/lib.mlops", kinds::FileUnreadable, "/elsewhere/lib.mlops", "No such file or directory");
  SourceRoot root;
  root.path = "/repo";
  root.relative = [](llvm::StringRef file) -> std::optional<std::string> {
    if (file.consume_front("/repo/")) return file.str();
    return std::nullopt;
  };
  nlohmann::json log = renderSarif(f.sources, f.diags.sorted(), "0.1.0", root);
  const auto& run = log["runs"][0];
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/");
  const auto& outside = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(outside["uri"] == "file:///elsewhere/lib.mlops");
  CHECK(!outside.contains("uriBaseId"));
  const auto& inside = run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(inside["uri"] == "ml/spec.mlops");
  CHECK(inside["uriBaseId"] == "%SRCROOT%");
  CHECK(run["results"][1]["fixes"][0]["artifactChanges"][0]["artifactLocation"] == inside);
}

TEST_CASE("sarif: regions carry their text and lines, except for a credential", "[diag][sarif]") {
  Fixture f("model a {\n  key = \"AKIAABCDEFGHIJKLMNOP\"\n  x = 1\n}\n");
  f.diags.report(f.range(43, 44), kinds::ExpectedFound, "a property", "`x`");          // line 3
  f.diags.report(f.range(18, 40), kinds::CredentialLiteral, "an AWS access key id");  // line 2
  nlohmann::json log = renderSarif(f.sources, f.diags.sorted(), "0.1.0");
  const auto& results = log["runs"][0]["results"];
  const auto& secret = results[0]["locations"][0]["physicalLocation"];
  CHECK(results[0]["ruleId"] == "E0506");
  CHECK(!secret["region"].contains("snippet"));
  CHECK(!secret.contains("contextRegion"));
  CHECK(log.dump().find("AKIA") == std::string::npos);
  const auto& plain = results[1]["locations"][0]["physicalLocation"];
  CHECK(plain["region"]["snippet"]["text"] == "x");
  CHECK(plain["contextRegion"]["snippet"]["text"] == "  x = 1");
  CHECK(plain["contextRegion"]["startLine"] == 3);
  CHECK(plain["contextRegion"]["startColumn"] == 1);
  CHECK(plain["contextRegion"]["endColumn"] == 8);
}

TEST_CASE("gitlab code quality: one issue per diagnostic with the documented fields", "[diag][codequality]") {
  Fixture f("model a {}\nx\nx\n", "/repo/ml/spec.mlops");
  f.diags.report(f.range(11, 12), kinds::ExpectedFound, "a declaration", "identifier `x`");
  f.diags.report(f.range(13, 14), kinds::ExpectedFound, "a declaration", "identifier `x`");
  f.diags.report(f.range(6, 7), kinds::UnusedDeclaration, "model", "a");
  SourceRoot root;
  root.path = "/repo";
  root.relative = [](llvm::StringRef file) -> std::optional<std::string> {
    if (file.consume_front("/repo/")) return file.str();
    return std::nullopt;
  };
  nlohmann::json issues = renderCodeQuality(f.sources, f.diags.sorted(), root);
  REQUIRE(issues.is_array());
  REQUIRE(issues.size() == 3);
  const auto& warning = issues[0];  // 1:7, sorted first
  CHECK(warning["check_name"] == "W0601");
  CHECK(warning["severity"] == "minor");
  CHECK(warning["location"]["path"] == "ml/spec.mlops");
  CHECK(warning["location"]["lines"]["begin"] == 1);
  CHECK(issues[1]["check_name"] == "E0101");
  CHECK(issues[1]["severity"] == "critical");
  CHECK(issues[1]["description"] == "expected a declaration, found identifier `x`");
  CHECK(issues[1]["location"]["lines"]["begin"] == 2);
  CHECK(issues[2]["location"]["lines"]["begin"] == 3);
  // The same message twice in a file: two findings, not one.
  CHECK(issues[1]["fingerprint"] != issues[2]["fingerprint"]);
  CHECK(issues[1]["fingerprint"] == codeQualityFingerprint("E0101", "ml/spec.mlops", issues[1]["description"].get<std::string>(), 0));
  CHECK(issues[2]["fingerprint"] == codeQualityFingerprint("E0101", "ml/spec.mlops", issues[1]["description"].get<std::string>(), 1));
  CHECK(issues[1]["fingerprint"].get<std::string>().size() == 64);
  CHECK(codeQualitySeverity(Severity::Note) == std::string("info"));
  // No line in the fingerprint: the same finding further down is the same finding.
  Fixture moved("\n\nmodel a {}\nx\n", "/repo/ml/spec.mlops");
  moved.diags.report(moved.range(13, 14), kinds::ExpectedFound, "a declaration", "identifier `x`");
  nlohmann::json again = renderCodeQuality(moved.sources, moved.diags.sorted(), root);
  CHECK(again[0]["location"]["lines"]["begin"] == 4);
  CHECK(again[0]["fingerprint"] == issues[1]["fingerprint"]);
  // Parts are separated: moving text between code, path and message changes the hash.
  CHECK(codeQualityFingerprint("E0101", "a", "bc", 0) != codeQualityFingerprint("E0101", "ab", "c", 0));
}

TEST_CASE("gitlab code quality: no diagnostics is an empty array; a missing file is at line 1", "[diag][codequality]") {
  Fixture f("");
  CHECK(renderCodeQuality(f.sources, {}).dump() == "[]");
  f.diags.reportFile("missing.mlops", kinds::FileUnreadable, "missing.mlops", "No such file or directory");
  nlohmann::json issues = renderCodeQuality(f.sources, f.diags.sorted());
  CHECK(issues[0]["location"]["path"] == "missing.mlops");
  CHECK(issues[0]["location"]["lines"]["begin"] == 1);
  CHECK(issues[0]["severity"] == "critical");
}

TEST_CASE("github: workflow command with escaped properties and message", "[diag][github]") {
  Fixture f("model m {\n  owner \"x\"\n}\n", "dir,with:odd.mlops");
  f.diags.report(f.range(18, 21), kinds::ExpectedFound, "`=`", "50% off\nnext");
  std::string out;
  llvm::raw_string_ostream os(out);
  renderGithub(os, f.sources, f.diags.sorted());
  os.flush();
  CHECK(out ==
        "::error file=dir%2Cwith%3Aodd.mlops,line=2,col=9,endLine=2,endColumn=11,title=E0101::"
        "expected `=`, found 50%25 off%0Anext\n");
}

TEST_CASE("did-you-mean picks the closest candidate within the edit budget", "[diag][suggest]") {
  llvm::SourceMgr sources;
  DiagnosticEngine diags{sources};
  std::vector<llvm::StringRef> names = {"model", "role", "monitor"};
  CHECK(closestMatch(diags, "modle", names) == std::optional<std::string>("model"));
  CHECK(closestMatch(diags, "monitr", names) == std::optional<std::string>("monitor"));
  CHECK_FALSE(closestMatch(diags, "pipeline", names).has_value());
  CHECK(editDistance("ab", "ba") == 1);
}

TEST_CASE("security item 8: the bounded edit distance stops past its bound and agrees below it", "[diag][suggest]") {
  CHECK(editDistance("kitten", "sitting") == 3);
  CHECK(editDistance("kitten", "sitting", 3) == 3);
  CHECK(editDistance("kitten", "sitting", 2) == 3);  // bound + 1: too far
  CHECK(editDistance("kitten", "sitting", 1) == 2);
  CHECK(editDistance("abcdef", "badcfe", 3) == 3);   // three swaps
  CHECK(editDistance(std::string(100000, 'a'), std::string(100000, 'b'), 2) == 3);
  CHECK(editDistance("a", std::string(5000, 'a'), 10) == 11);
}

TEST_CASE("security item 8: did-you-mean skips over-long words and stops once errors are dropped or the budget is "
          "spent",
          "[diag][suggest]") {
  llvm::SourceMgr sources;
  DiagnosticEngine diags{sources};
  std::string name(kMaxSuggestedLength, 'm');
  std::vector<llvm::StringRef> names = {"model", name};
  CHECK(closestMatch(diags, name.substr(1) + "x", names) == std::optional<std::string>(name));
  CHECK_FALSE(closestMatch(diags, name + "x", names).has_value());  // one character over the cap

  // After --max-errors is reached (an error dropped), no suggestion at all.
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy("x\n", "spec.mlops");
  sources.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  diags.setMaxErrors(1);
  llvm::SMRange at;
  diags.report(at, kinds::UndefinedName, "a");
  diags.report(at, kinds::UndefinedName, "b");
  REQUIRE(diags.droppedErrors() == 1);
  CHECK_FALSE(closestMatch(diags, "modle", names).has_value());

  // The budget: once spent on one run, later suggestions are skipped.
  DiagnosticEngine spent{sources};
  std::vector<std::string> many(1000, "modxl");
  std::vector<llvm::StringRef> refs(many.begin(), many.end());
  size_t calls = 0;
  while (spent.suggestionsAllowed() && calls < DiagnosticEngine::kSuggestionBudget) {
    closestMatch(spent, "model", refs);
    ++calls;
  }
  CHECK(calls <= DiagnosticEngine::kSuggestionBudget / refs.size() + 1);
  CHECK_FALSE(closestMatch(spent, "modxl", std::vector<llvm::StringRef>{"model"}).has_value());
}

TEST_CASE("text: lines with non-ASCII text still get a caret under the right character", "[diag][text]") {
  Fixture f("name = \"café\" @x\n");
  f.diags.report(f.range(15, 16), kinds::InvalidCharacter, "`@` (U+0040)");
  CHECK(f.renderText() ==
        "spec.mlops:1:15: error[E0103]: invalid character `@` (U+0040) in source\n"
        "name = \"café\" @x\n"
        "              ^\n"
        "1 error emitted\n");
}

TEST_CASE("text: invalid bytes are shown escaped, a BOM is not shown", "[diag][text]") {
  Fixture f("\xEF\xBB\xBFx = \xFF y\n");
  f.diags.report(f.range(7, 8), kinds::FileNotUtf8, "FF", 7);
  std::string out = f.renderText();
  CHECK(llvm::StringRef(out).contains("spec.mlops:1:5: error[E0105]"));
  CHECK(llvm::StringRef(out).contains("x = \\xFF y\n    ^~~~\n"));
}

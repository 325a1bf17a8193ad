#include "diag/sarif_renderer.h"

#include "diag/explanations.h"
#include "diag/source_location.h"
#include "support/display_text.h"

#include <llvm/ADT/StringExtras.h>

namespace mlops::diag {
namespace {

const char* sarifLevel(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

nlohmann::json region(const ResolvedRange& r) {
  return {{"startLine", r.start.line},
          {"startColumn", r.start.column},
          {"endLine", r.end.line},
          {"endColumn", r.end.column},
          {"byteOffset", r.start.offset},
          {"byteLength", r.end.offset - r.start.offset}};
}

// A code block that no run of backticks inside `code` can close. An
// example may hold bytes that are not UTF-8 (E0105's does): they are shown
// as escapes, so the log stays UTF-8.
std::string fenced(llvm::StringRef example) {
  std::string code = support::escapeControls(std::string_view(example.data(), example.size()), support::Lines::Multi);
  size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string out = fence + "mlops\n" + code;
  if (!llvm::StringRef(code).endswith("\n")) out += '\n';
  return out + fence + '\n';
}

// The rule of one catalogue entry: GitHub shows `help` beside each alert.
nlohmann::json rule(const CodeInfo& info, llvm::StringRef toolVersion) {
  const Explanation* explanation = findExplanation(info.code);
  std::string about = explanation ? explanation->text : info.title;
  std::string text = about + "\n\nRun `mlopsc explain " + info.name +
                     "` for a spec that triggers it and the same spec fixed.";
  std::string markdown = "**" + std::string(info.name) + ": " + info.title + "** (" +
                         severityName(info.severity).str() + ")\n\n" + about + "\n";
  if (explanation) {
    markdown += "\nA spec that triggers it:\n\n" + fenced(explanation->wrong) + "\nThe same spec fixed:\n\n" +
                fenced(explanation->right);
  }
  markdown += "\n`mlopsc explain " + std::string(info.name) + "` prints this from the command line.\n";
  return {{"id", info.name},
          {"name", sarifRuleName(info.title)},
          {"shortDescription", {{"text", info.title}}},
          {"fullDescription", {{"text", about}, {"markdown", about}}},
          {"help", {{"text", text}, {"markdown", markdown}}},
          {"helpUri", sarifHelpUri(info.name, toolVersion)},
          {"defaultConfiguration", {{"level", sarifLevel(info.severity)}}}};
}

// An artifactLocation: relative to %SRCROOT% when the file is inside the
// root, else its absolute path as a file:// URI (the path as given, without
// a root).
class ArtifactLocations {
 public:
  explicit ArtifactLocations(const SourceRoot& root) : root_(root) {}

  nlohmann::json operator()(const std::string& file) const {
    if (std::optional<std::string> relative = root_.insidePath(file))
      return {{"uri", sarifUri(*relative)}, {"uriBaseId", kSarifRootId}};
    return {{"uri", sarifUri(root_.absolutePath(file))}};
  }

 private:
  const SourceRoot& root_;
};

// At most this many bytes of source go into a snippet; a longer region or
// context (a whole block) gets none rather than bloating the log.
constexpr size_t kMaxSnippetBytes = 4096;

// The region's text as `snippet` and the whole lines around it as
// `contextRegion` (SARIF 3.30.13, 3.29.5): viewers without the checkout can
// show the code.
void addSnippets(nlohmann::json& loc, const llvm::SourceMgr& sources, SourceLocator& locator, llvm::SMRange range,
                 const ResolvedRange& r) {
  if (!range.isValid() || !r.valid) return;
  unsigned buffer = sources.FindBufferContainingLoc(range.Start);
  if (buffer == 0 || sources.FindBufferContainingLoc(range.End) != buffer) return;
  const llvm::MemoryBuffer* text = sources.getMemoryBuffer(buffer);
  const char* begin = range.Start.getPointer();
  const char* end = range.End.getPointer();
  if (end < begin) return;
  if (static_cast<size_t>(end - begin) <= kMaxSnippetBytes)
    loc["region"]["snippet"] = {{"text", std::string(begin, end)}};
  const char* lineBegin = begin;
  while (lineBegin > text->getBufferStart() && lineBegin[-1] != '\n') --lineBegin;
  const char* lineEnd = end;
  while (lineEnd < text->getBufferEnd() && *lineEnd != '\n') ++lineEnd;
  if (lineEnd > end && lineEnd[-1] == '\r') --lineEnd;
  if (static_cast<size_t>(lineEnd - lineBegin) > kMaxSnippetBytes) return;
  Position last = locator.position(llvm::SMLoc::getFromPointer(lineEnd));
  loc["contextRegion"] = {{"startLine", r.start.line},
                          {"startColumn", 1},
                          {"endLine", last.line},
                          {"endColumn", last.column},
                          {"snippet", {{"text", std::string(lineBegin, lineEnd)}}}};
}

nlohmann::json physicalLocation(const ResolvedRange& r, const ArtifactLocations& artifact) {
  nlohmann::json loc = {{"artifactLocation", artifact(r.file)}};
  if (r.valid) loc["region"] = region(r);
  return loc;
}

}  // namespace

std::string sarifUri(llvm::StringRef path) {
  std::string out;
  bool absolute = path.startswith("/");
  if (absolute) out = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += llvm::hexdigit(c >> 4);
      out += llvm::hexdigit(c & 15);
    }
  }
  return out;
}

std::string sarifRuleName(llvm::StringRef title) {
  // Words are runs of letters and digits (an apostrophe does not end one:
  // "owner's" is "Owners"). A one-letter word ("a") is left out: Pascal
  // case has no two capitals in a row, so "ATest" would not be one.
  std::string name, word;
  auto flush = [&] {
    if (word.size() > 1 || (word.size() == 1 && llvm::isDigit(word[0]))) {
      name += llvm::toUpper(word[0]);
      for (size_t i = 1; i < word.size(); ++i) name += llvm::toLower(word[i]);
    }
    word.clear();
  };
  for (char c : title) {
    if (llvm::isAlnum(c)) word += c;
    else if (c != '\'') flush();
  }
  flush();
  return name;
}

std::string sarifHelpUri(llvm::StringRef code, llvm::StringRef toolVersion) {
  return std::string(kProjectUri) + "/blob/v" + toolVersion.str() + "/docs/diagnostics.md#" + code.lower();
}

nlohmann::json renderSarif(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                           llvm::StringRef toolVersion, const SourceRoot& root) {
  nlohmann::json rules = nlohmann::json::array();
  for (const CodeInfo& info : allCodes()) rules.push_back(rule(info, toolVersion));
  SourceLocator locator(sources);
  ArtifactLocations artifact(root);
  nlohmann::json results = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    ResolvedRange where = locator.range(d.range, d.file);
    nlohmann::json result = {{"ruleId", codeInfo(d.code).name},
                             {"ruleIndex", static_cast<unsigned>(d.code)},
                             {"level", sarifLevel(d.severity)},
                             {"message", {{"text", d.message}}}};
    // No source text for a literal that looks like a credential: the log is
    // uploaded and kept elsewhere, and must not carry the secret.
    bool quote = d.code != DiagCode::E0506;
    if (!where.file.empty()) {
      nlohmann::json loc = physicalLocation(where, artifact);
      if (quote) addSnippets(loc, sources, locator, d.range, where);
      result["locations"] = nlohmann::json::array({{{"physicalLocation", std::move(loc)}}});
    }
    nlohmann::json related = nlohmann::json::array();
    int id = 0;
    for (const Note& n : d.notes) {
      ResolvedRange nr = locator.range(n.range);
      nlohmann::json loc = {{"id", id++}, {"message", {{"text", n.message}}}};
      if (!nr.file.empty()) {
        loc["physicalLocation"] = physicalLocation(nr, artifact);
        if (quote) addSnippets(loc["physicalLocation"], sources, locator, n.range, nr);
      }
      related.push_back(std::move(loc));
    }
    if (!related.empty()) result["relatedLocations"] = std::move(related);
    nlohmann::json fixes = nlohmann::json::array();
    for (const FixIt& f : d.fixits) {
      ResolvedRange fr = locator.range(f.range);
      if (!fr.valid) continue;
      nlohmann::json replacement = {{"deletedRegion", region(fr)},
                                    {"insertedContent", {{"text", f.replacement}}}};
      fixes.push_back({{"description", {{"text", "replace with `" + f.replacement + "`"}}},
                       {"artifactChanges",
                        nlohmann::json::array({{{"artifactLocation", artifact(fr.file)},
                                                {"replacements", nlohmann::json::array({replacement})}}})}});
    }
    if (!fixes.empty()) result["fixes"] = std::move(fixes);
    results.push_back(std::move(result));
  }
  nlohmann::json driver = {{"name", "mlopsc"},
                           {"version", toolVersion.str()},
                           {"semanticVersion", toolVersion.str()},
                           {"informationUri", kProjectUri},
                           {"rules", std::move(rules)}};
  nlohmann::json run = {{"tool", {{"driver", std::move(driver)}}},
                        {"columnKind", "unicodeCodePoints"},
                        {"results", std::move(results)}};
  if (!root.path.empty()) {
    // Where %SRCROOT% was on the machine that wrote the log (SARIF 3.14.14):
    // a file URI ending in `/`.
    std::string rootUri = sarifUri(root.path);
    if (!llvm::StringRef(rootUri).endswith("/")) rootUri += '/';
    run["originalUriBaseIds"] = {{kSarifRootId, {{"uri", rootUri}}}};
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({std::move(run)})}};
}

}  // namespace mlops::diag

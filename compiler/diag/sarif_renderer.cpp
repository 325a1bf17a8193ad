#include "diag/sarif_renderer.h"

#include "diag/source_location.h"

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

nlohmann::json physicalLocation(const ResolvedRange& r) {
  nlohmann::json loc = {{"artifactLocation", {{"uri", sarifUri(r.file)}}}};
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

nlohmann::json renderSarif(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                           llvm::StringRef toolVersion) {
  nlohmann::json rules = nlohmann::json::array();
  for (const CodeInfo& info : allCodes()) {
    rules.push_back({{"id", info.name},
                     {"name", info.title},
                     {"shortDescription", {{"text", info.title}}},
                     {"defaultConfiguration", {{"level", sarifLevel(info.severity)}}}});
  }
  SourceLocator locator(sources);
  nlohmann::json results = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    ResolvedRange where = locator.range(d.range, d.file);
    nlohmann::json result = {{"ruleId", codeInfo(d.code).name},
                             {"ruleIndex", static_cast<unsigned>(d.code)},
                             {"level", sarifLevel(d.severity)},
                             {"message", {{"text", d.message}}}};
    if (!where.file.empty())
      result["locations"] = nlohmann::json::array({{{"physicalLocation", physicalLocation(where)}}});
    nlohmann::json related = nlohmann::json::array();
    int id = 0;
    for (const Note& n : d.notes) {
      ResolvedRange nr = locator.range(n.range);
      nlohmann::json loc = {{"id", id++}, {"message", {{"text", n.message}}}};
      if (!nr.file.empty()) loc["physicalLocation"] = physicalLocation(nr);
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
                        nlohmann::json::array({{{"artifactLocation", {{"uri", sarifUri(fr.file)}}},
                                                {"replacements", nlohmann::json::array({replacement})}}})}});
    }
    if (!fixes.empty()) result["fixes"] = std::move(fixes);
    results.push_back(std::move(result));
  }
  nlohmann::json driver = {{"name", "mlopsc"},
                           {"version", toolVersion.str()},
                           {"semanticVersion", toolVersion.str()},
                           {"rules", std::move(rules)}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({{{"tool", {{"driver", std::move(driver)}}},
                                           {"columnKind", "unicodeCodePoints"},
                                           {"results", std::move(results)}}})}};
}

}  // namespace mlops::diag

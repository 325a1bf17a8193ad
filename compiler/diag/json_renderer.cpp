#include "diag/json_renderer.h"

#include "diag/source_location.h"

namespace mlops::diag {
namespace {

nlohmann::json position(const Position& p) {
  return {{"line", p.line}, {"column", p.column}, {"offset", p.offset}};
}

// Adds "file" and, when known, "range" to `out`.
void addLocation(nlohmann::json& out, const ResolvedRange& r) {
  out["file"] = r.file;
  if (r.valid) out["range"] = {{"start", position(r.start)}, {"end", position(r.end)}};
  else out["range"] = nullptr;
}

}  // namespace

nlohmann::json renderJson(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics) {
  SourceLocator locator(sources);
  nlohmann::json list = nlohmann::json::array();
  unsigned errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    nlohmann::json j;
    j["code"] = codeInfo(d.code).name;
    j["severity"] = severityName(d.severity).str();
    j["message"] = d.message;
    addLocation(j, locator.range(d.range, d.file));
    nlohmann::json notes = nlohmann::json::array();
    for (const Note& n : d.notes) {
      nlohmann::json jn;
      jn["message"] = n.message;
      addLocation(jn, locator.range(n.range));
      notes.push_back(std::move(jn));
    }
    j["notes"] = std::move(notes);
    nlohmann::json fixits = nlohmann::json::array();
    for (const FixIt& f : d.fixits) {
      nlohmann::json jf;
      jf["replacement"] = f.replacement;
      addLocation(jf, locator.range(f.range));
      fixits.push_back(std::move(jf));
    }
    j["fixits"] = std::move(fixits);
    list.push_back(std::move(j));
  }
  return {{"version", kJsonDiagnosticsVersion},
          {"diagnostics", std::move(list)},
          {"errors", errors},
          {"warnings", warnings}};
}

}  // namespace mlops::diag

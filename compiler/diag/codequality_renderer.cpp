#include "diag/codequality_renderer.h"

#include "diag/source_location.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <map>
#include <tuple>

namespace mlops::diag {

const char* codeQualitySeverity(Severity severity) {
  switch (severity) {
    case Severity::Error: return "critical";
    case Severity::Warning: return "minor";
    case Severity::Note: return "info";
  }
  return "critical";
}

std::string codeQualityFingerprint(llvm::StringRef code, llvm::StringRef path, llvm::StringRef message,
                                   unsigned occurrence) {
  // Each part is followed by a NUL, which none of them contains (a message
  // with a NUL byte would have been refused as a file that is not text), so
  // ("a", "b\0c") and ("a\0b", "c") cannot collide.
  llvm::SHA256 sha;
  std::string occurrenceText = std::to_string(occurrence);
  for (llvm::StringRef part : {llvm::StringRef("mlopsc-codequality-1"), code, path, message,
                               llvm::StringRef(occurrenceText)}) {
    sha.update(part);
    sha.update(llvm::StringRef("\0", 1));
  }
  return llvm::toHex(sha.final(), /*LowerCase=*/true);
}

nlohmann::json renderCodeQuality(const llvm::SourceMgr& sources, const std::vector<Diagnostic>& diagnostics,
                                 const SourceRoot& root) {
  // A diagnostic without any file (none today) is put on the first file
  // read, the spec named first: GitLab requires a path.
  std::string firstFile;
  if (sources.getNumBuffers() > 0)
    firstFile = sources.getMemoryBuffer(sources.getMainFileID())->getBufferIdentifier().str();
  SourceLocator locator(sources);
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> seen;
  nlohmann::json issues = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    ResolvedRange where = locator.range(d.range, d.file);
    std::string file = where.file.empty() ? firstFile : where.file;
    std::string path = root.relativePath(file).value_or(file);
    std::string code = codeInfo(d.code).name;
    unsigned& occurrence = seen[{code, path, d.message}];
    nlohmann::json lines = {{"begin", where.valid ? where.start.line : 1u}};
    if (where.valid) lines["end"] = std::max(where.start.line, where.end.line);
    issues.push_back({{"description", d.message},
                      {"check_name", code},
                      {"severity", codeQualitySeverity(d.severity)},
                      {"fingerprint", codeQualityFingerprint(code, path, d.message, occurrence++)},
                      {"location", {{"path", path}, {"lines", std::move(lines)}}}});
  }
  return issues;
}

}  // namespace mlops::diag

#include "runtime/sources/fetch_source.h"

#include "ir/source_kinds.h"
#include "runtime/sources/git_source.h"
#include "runtime/sources/http_source.h"

namespace mlops::runtime {

bool isFetchedSource(const ir::Source& source) { return source.kind == "http" || source.kind == "git"; }

std::optional<std::string> fetchSource(const std::string& root, const ir::Source& source, bool dryRun,
                                       std::string& error) {
  std::optional<std::string> local = ir::localDataPath(source);
  auto argument = [&](const char* name) {
    const std::string* v = ir::sourceArgument(source, name);
    return v ? *v : std::string();
  };
  if (!local || !isFetchedSource(source)) {
    error = "a " + source.kind + " source is not fetched by this runtime";
    return std::nullopt;
  }
  if (source.kind == "http") return ensureHttpSource(root, *local, argument("url"), argument("sha256"), dryRun, error);
  return ensureGitSource(root, *local, argument("url"), argument("rev"), argument("path"), dryRun, error);
}

}  // namespace mlops::runtime

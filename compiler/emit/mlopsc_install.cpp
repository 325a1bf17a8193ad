#include "emit/mlopsc_install.h"

#include "emit/ci_plan.h"
#include "emit/install_script.h"
#include "emit/target_limits.h"

namespace mlops::emit {
namespace {

// Where a warning about the whole CI goes: the first pipeline, else the
// first scheduled monitor; null when there are no jobs to write.
const ir::Location* jobsLocation(const ir::PipelineGraph& graph) {
  if (!graph.pipelines.empty()) return &graph.pipelines.front().location;
  std::vector<const ir::Node*> monitors = scheduledMonitors(graph);
  if (!monitors.empty()) return &monitors.front()->location;
  return nullptr;
}

}  // namespace

std::string withVersion(const std::string& text, const std::string& version) {
  static constexpr std::string_view kPlaceholder = "{version}";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, kPlaceholder.size(), kPlaceholder) == 0) {
      out += version;
      i += kPlaceholder.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

const char* installScript() { return kInstallScript; }

void reportReleaseSource(const ir::PipelineGraph& graph, CiTarget target, const CiOptions& options,
                         diag::DiagnosticEngine& diags) {
  const ir::Location* where = jobsLocation(graph);
  if (!where) return;
  const MlopscRelease& r = options.mlopsc;
  const char* platform = ciTargetTitle(target);
  std::string url = withVersion(r.urlTemplate, r.version);
  // An address at the project's defaults, where nothing is published yet.
  std::string unpublished;
  if (!kDefaultReleasePublished) {
    if (target == CiTarget::GitHub && r.setupAction == kDefaultSetupAction)
      unpublished = withVersion(r.setupAction, r.version);
    else if (target == CiTarget::Argo && r.image == kDefaultImage)
      unpublished = withVersion(r.image, r.version);
    else if (target != CiTarget::Argo && r.urlTemplate == kDefaultReleaseUrl)
      unpublished = url;
  }
  if (!unpublished.empty()) {
    diags.report(where->range, diag::kinds::ReleaseNotPublished, platform, r.version, unpublished)
        .note(std::string("mirror the release (`make package` writes the archive") +
              (target == CiTarget::Argo ? "; packaging/Containerfile builds the image" : "") +
              ") and pass " +
              (target == CiTarget::GitHub ? "`--ci-mlopsc-url` and `--ci-setup-action`"
               : target == CiTarget::Argo ? "`--ci-mlopsc-image`"
                                          : "`--ci-mlopsc-url`") +
              " to `mlopsc build`; `file://` works for runners that share a disk");
    return;
  }
  if (target == CiTarget::Argo) {
    if (r.image.find("@sha256:") == std::string::npos)
      diags.report(where->range, diag::kinds::ImageNotPinned, withVersion(r.image, r.version))
          .note("a tag can be moved to other bytes; pass `--ci-mlopsc-image REGISTRY/NAME@sha256:DIGEST`");
    return;
  }
  if (r.sha256.empty())
    diags.report(where->range, diag::kinds::ReleaseNotPinned, platform, url)
        .note("the jobs check the archive against `" + url +
              ".sha256` from the same server, which proves no more than that server does; pass "
              "`--ci-mlopsc-sha256` with the checksum `make package` wrote");
}

}  // namespace mlops::emit

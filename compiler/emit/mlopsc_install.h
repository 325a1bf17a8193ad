// How a generated CI job gets the mlopsc that runs its node: the release
// archive of the compiler's own version (packaging/make-release-archive),
// downloaded and verified by sha256 before anything runs (docs/ci.md §2).
//   GitHub: the composite action actions/setup-mlopsc of this repository,
//           the first step after checkout;
//   GitLab: the same install script (actions/setup-mlopsc/install-mlopsc.sh)
//           as the jobs' before_script;
//   Argo:   an init container copies the binary from the mlopsc image
//           (packaging/Containerfile) into an emptyDir the node's own image
//           runs it from.
// Where the archive, the action and the image come from are build options
// (`--ci-mlopsc-url`, `--ci-setup-action`, `--ci-mlopsc-image`), so a
// company can mirror them; `{version}` in each is the compiler's version.
#pragma once

#include "diag/diagnostic_engine.h"
#include "ir/pipeline_graph.h"

#include <string>

namespace mlops::emit {

enum class CiTarget;
struct CiOptions;

inline constexpr const char* kDefaultReleaseUrl =
    "https://github.com/mlopsc/mlopsc/releases/download/v{version}/mlopsc-{version}-linux-x86_64.tar.gz";
inline constexpr const char* kDefaultSetupAction = "mlopsc/mlopsc/actions/setup-mlopsc@v{version}";
inline constexpr const char* kDefaultImage = "ghcr.io/mlopsc/mlopsc:{version}";
// No release has been published at the default addresses yet: a build that
// uses them says so (W0706) instead of writing CI that fails at its first
// step. Set when the project publishes its releases there.
inline constexpr bool kDefaultReleasePublished = false;

// Where the release comes from, for the jobs of every target.
struct MlopscRelease {
  std::string version;                        // the compiler's own
  std::string urlTemplate = kDefaultReleaseUrl;
  std::string sha256;                         // of the archive; "" when not pinned
  std::string setupAction = kDefaultSetupAction;
  std::string image = kDefaultImage;
};

// `{version}` replaced by `version` everywhere in `text`.
std::string withVersion(const std::string& text, const std::string& version);

// The install script (actions/setup-mlopsc/install-mlopsc.sh).
const char* installScript();

// W0706 for what the jobs of `target` cannot install: an address where no
// release is published yet, an archive not pinned by checksum, an image not
// pinned by digest. Reported once, at the first pipeline (or scheduled
// monitor) of the graph; nothing when the graph has no jobs.
void reportReleaseSource(const ir::PipelineGraph& graph, CiTarget target, const CiOptions& options,
                         diag::DiagnosticEngine& diags);

}  // namespace mlops::emit

// The review job `mlopsc build` writes for every spec (docs/ci.md section
// 3.1 and 4.1): on each pull (merge) request that touches the spec, its
// imports, its params or signers file or the generated files, it runs
//   mlopsc check      (diagnostics inline: GitHub annotations and code
//                      scanning from SARIF, GitLab Code Quality),
//   mlopsc fmt --check,
//   mlopsc build --check (fails with the diff when generated files are stale),
//   mlopsc diff       (the governance diff against the target branch, posted
//                      as one pull-request comment that each push updates, or
//                      a merge-request note).
// This file holds what both platforms share: the job's variables (every
// value from the spec or the command line reaches the shell only through
// them) and the scripts, which are fixed text. github_emitter.cpp and
// gitlab_emitter.cpp lay them out as their platform wants.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mlops::emit {

struct CiOptions;

// How the review job reproduces `mlopsc build` (filled by the build command
// from its own command line): it runs in `workDir` with the same arguments.
struct ReviewBuild {
  std::string workDir = ".";         // where `mlopsc build` ran, relative to the repository root
  std::string spec = "spec.mlops";   // as given, relative to workDir
  std::string out = "out";           // `-o` as given, relative to workDir
  std::string emit;                  // `--emit` as given, comma-separated; "" for everything
  std::vector<std::string> sources;  // the spec and its imports in the repository, relative to workDir
  // Repository-relative: the spec files, the params and signers files (what
  // CODEOWNERS names), in that order.
  std::vector<std::string> owned;
  std::string outFromRoot;  // OUT, repository-relative
};

// The repository-relative paths whose change starts the review job: the
// owned files and everything under OUT.
std::vector<std::string> reviewWatchedPaths(const ReviewBuild& review);

// `path` as a GitHub `paths` filter or a GitLab `changes` pattern matching
// exactly that path: the glob characters escaped with `\`. `recursive`
// appends `/**`.
std::string reviewPathPattern(const std::string& path, bool recursive = false);

// The job's variables, in order: MLOPS_WORKDIR, MLOPS_SPEC, MLOPS_OUT,
// MLOPS_SOURCES (one path per line), MLOPS_EMIT, MLOPSC_SETUP_ACTION,
// MLOPSC_IMAGE, and (`withRelease`, for GitHub, where the pipeline
// workflows pass them to the setup action instead) MLOPSC_URL and MLOPSC_SHA256.
std::vector<std::pair<std::string, std::string>> reviewVariables(const CiOptions& options, bool withRelease);

// POSIX sh, fixed text. Each reads the variables above (and MLOPS_IR).
extern const char* const kReviewCheckScript;       // mlopsc check, GitHub annotations
extern const char* const kReviewFormatScript;      // mlopsc fmt --check of MLOPS_SOURCES
extern const char* const kReviewBuildCheckScript;  // mlopsc build --check with the build's arguments
extern const char* const kReviewSarifScript;       // SARIF into $RUNNER_TEMP/mlops.sarif
extern const char* const kReviewDiffScript;        // governance diff into $RUNNER_TEMP/mlops-diff.md and the job summary
extern const char* const kReviewCommentScript;     // actions/github-script: create or update the comment
extern const char* const kGitLabReviewScript;      // the whole GitLab job

// Where the GitLab job writes its report files (artifacts), relative to
// the project folder.
inline constexpr const char* kGitLabReviewFolder = "mlops-review";

}  // namespace mlops::emit

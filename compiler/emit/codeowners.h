// The CODEOWNERS fragment `mlopsc build` writes (OUT/github/CODEOWNERS,
// OUT/gitlab/CODEOWNERS): the spec, its imports, its params file and its
// signers file, owned by the members of the roles that must review a change
// to them (emit/spec_reviewers.h). With branch protection's "require review
// from code owners" (GitHub) or code owner approval on the protected branch
// (GitLab), a change that could loosen a control cannot merge without a
// model risk manager's review. Layout and merging into an existing file:
// docs/ci.md section 3.2.
#pragma once

#include "diag/diagnostic_engine.h"
#include "ir/pipeline_graph.h"

#include <string>
#include <vector>

namespace mlops::emit {

enum class CiTarget;

// Whether `member` can stand in a CODEOWNERS file as an owner: an e-mail
// address (`local@domain.tld`, no spaces, no `#`) or a handle `@user` /
// `@org/team`.
bool isCodeOwner(const std::string& member);

// `path` (repository-relative, `/` separators) as a CODEOWNERS pattern
// anchored at the root, with the characters the format reads as syntax
// escaped (spaces, `#`, `*`, `?`, `[`, `\`); "" for a path no pattern can
// name (a control character, a newline).
std::string codeOwnersPattern(const std::string& path);

// The fragment for `paths` (repository-relative). GitHub gets plain lines,
// GitLab one section named after the project.
std::string codeOwnersFile(const ir::PipelineGraph& graph, const std::vector<std::string>& paths, CiTarget target);

// W0712 for each member of a reviewing role that cannot be a code owner.
void reportCodeOwners(const ir::PipelineGraph& graph, diag::DiagnosticEngine& diags);

}  // namespace mlops::emit

#include "emit/codeowners.h"

#include "emit/ci_plan.h"
#include "emit/spec_reviewers.h"
#include "emit/target_limits.h"

#include <algorithm>
#include <string_view>

namespace mlops::emit {
namespace {

bool isControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// The characters of a domain label or a GitHub/GitLab handle.
bool isHandleChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

void commentLines(std::string& out, std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    out += line.empty() ? "#\n" : "# " + std::string(line) + "\n";
    start = end + 1;
  }
}

}  // namespace

bool isCodeOwner(const std::string& member) {
  if (member.empty() || member.size() > 254) return false;
  if (member[0] == '@') {  // @user, @org/team, @group/subgroup/team
    if (member.size() < 2) return false;
    size_t slashes = 0;
    for (size_t i = 1; i < member.size(); ++i) {
      if (member[i] == '/') {
        if (i == 1 || member[i - 1] == '/' || i + 1 == member.size()) return false;
        ++slashes;
      } else if (!isHandleChar(member[i])) {
        return false;
      }
    }
    return slashes <= 8;
  }
  size_t at = member.find('@');
  if (at == 0 || at == std::string::npos || member.find('@', at + 1) != std::string::npos) return false;
  for (unsigned char c : member)
    if (isControl(c) || c == ' ' || c == '#' || c == '\\' || c == '"' || c >= 0x80) return false;
  std::string_view domain(member);
  domain.remove_prefix(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' || domain.find('.') == std::string_view::npos ||
      domain.find("..") != std::string_view::npos)
    return false;
  return std::all_of(domain.begin(), domain.end(), isHandleChar);
}

std::string codeOwnersPattern(const std::string& path) {
  if (path.empty()) return "";
  std::string out = "/";
  for (unsigned char c : path) {
    if (isControl(c)) return "";
    if (c == ' ' || c == '#' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '!') out += '\\';
    out += static_cast<char>(c);
  }
  return out;
}

std::string codeOwnersFile(const ir::PipelineGraph& graph, const std::vector<std::string>& paths, CiTarget target) {
  std::vector<SpecReviewer> reviewers = specReviewers(graph);
  std::vector<std::string> owners;
  for (const SpecReviewer& r : reviewers)
    for (const std::string& m : r.members)
      if (isCodeOwner(m) && std::find(owners.begin(), owners.end(), m) == owners.end()) owners.push_back(m);

  std::string out;
  commentLines(out, kGeneratedHeader);
  out += "#\n";
  out += "# Who must review a change to the spec of project " + graph.projectName + " (docs/ci.md section 3.2):\n";
  for (const SpecReviewer& r : reviewers)
    out += "#   " + shortName(r.role) + (r.standardRole.empty() ? "" : " (" + r.standardRole + ")") + ": " + r.reason +
           "\n";
  if (reviewers.empty())
    out += "#   nobody: no gate needs an approval and no role allocates quotas, so these lines name no owner\n";
  out += "# Merge these lines into the repository's CODEOWNERS file (or .github/CODEOWNERS, .gitlab/CODEOWNERS);\n";
  out += "# the last matching line wins, so put them after broader patterns.\n";
  if (target == CiTarget::GitLab) out += "\n[mlops " + graph.projectName + "]\n";
  else out += "\n";
  std::string ownerText;
  for (const std::string& o : owners) ownerText += " " + o;
  std::vector<std::string> seen;
  for (const std::string& p : paths) {
    std::string pattern = codeOwnersPattern(p);
    if (pattern.empty() || std::find(seen.begin(), seen.end(), pattern) != seen.end()) continue;
    seen.push_back(pattern);
    // A pattern with no owner removes the ownership broader lines give;
    // without reviewers that is wrong, so the line stays a comment.
    out += owners.empty() ? "# " + pattern + "\n" : pattern + ownerText + "\n";
  }
  return out;
}

void reportCodeOwners(const ir::PipelineGraph& graph, diag::DiagnosticEngine& diags) {
  // Both CI targets write the fragment; the warning is said once.
  for (const diag::Diagnostic& d : diags.diagnostics())
    if (d.code == diag::kinds::NotCodeOwner.code) return;
  for (const SpecReviewer& r : specReviewers(graph)) {
    const ir::Role* role = nullptr;
    for (const ir::Role& candidate : graph.roles)
      if (candidate.name == r.role) role = &candidate;
    if (!role) continue;
    for (const std::string& m : r.members)
      if (!isCodeOwner(m))
        diags.report(role->location.range, diag::kinds::NotCodeOwner, m, shortName(r.role))
            .note("its role " + r.reason + ", so its members own the spec's files in github/CODEOWNERS and "
                  "gitlab/CODEOWNERS; this member is left out of them");
  }
}

}  // namespace mlops::emit

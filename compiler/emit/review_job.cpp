#include "emit/review_job.h"

#include "emit/ci_plan.h"

namespace mlops::emit {

std::vector<std::string> reviewWatchedPaths(const ReviewBuild& review) {
  std::vector<std::string> paths;
  for (const std::string& p : review.owned) paths.push_back(reviewPathPattern(p));
  if (!review.outFromRoot.empty()) paths.push_back(reviewPathPattern(review.outFromRoot, /*recursive=*/true));
  return paths;
}

std::string reviewPathPattern(const std::string& path, bool recursive) {
  std::string out;
  for (char c : path) {
    // GitHub's filter patterns and GitLab's (Ruby fnmatch) read these as syntax.
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}' || c == '!' || c == '+' || c == '\\')
      out += '\\';
    out += c;
  }
  if (out == ".") out.clear();
  if (recursive) out += out.empty() ? "**" : "/**";
  return out;
}

std::vector<std::pair<std::string, std::string>> reviewVariables(const CiOptions& options, bool withRelease) {
  const ReviewBuild& r = options.review;
  std::string sources;
  for (const std::string& s : r.sources) sources += s + "\n";
  std::vector<std::pair<std::string, std::string>> vars = {
      {"MLOPS_WORKDIR", r.workDir},
      {"MLOPS_SPEC", r.spec},
      {"MLOPS_OUT", r.out},
      {"MLOPS_SOURCES", sources},
      {"MLOPS_EMIT", r.emit},
      {"MLOPSC_SETUP_ACTION", options.mlopsc.setupAction},
      {"MLOPSC_IMAGE", options.mlopsc.image},
  };
  if (withRelease) {
    vars.emplace_back("MLOPSC_URL", options.mlopsc.urlTemplate);
    vars.emplace_back("MLOPSC_SHA256", options.mlopsc.sha256);
  }
  return vars;
}

// From the root: annotations name files by repository-relative paths.
const char* const kReviewCheckScript = R"sh(spec="$MLOPS_SPEC"
[ "$MLOPS_WORKDIR" = . ] || spec="$MLOPS_WORKDIR/$MLOPS_SPEC"
mlopsc check --diagnostics-format=github "$spec"
)sh";

const char* const kReviewFormatScript = R"sh(cd "$MLOPS_WORKDIR"
set --
while IFS= read -r file; do
  [ -z "$file" ] || set -- "$@" "$file"
done <<EOF
$MLOPS_SOURCES
EOF
mlopsc fmt --check "$@"
)sh";

const char* const kReviewBuildCheckScript = R"sh(cd "$MLOPS_WORKDIR"
mlopsc build "$MLOPS_SPEC" -o "$MLOPS_OUT" --check ${MLOPS_EMIT:+"--emit=$MLOPS_EMIT"} \
  --ci-ir-path "$MLOPS_IR" --ci-mlopsc-url "$MLOPSC_URL" --ci-mlopsc-sha256 "$MLOPSC_SHA256" \
  --ci-setup-action "$MLOPSC_SETUP_ACTION" --ci-mlopsc-image "$MLOPSC_IMAGE"
)sh";

const char* const kReviewSarifScript = R"sh(cd "$MLOPS_WORKDIR"
status=0
mlopsc check --diagnostics-format=sarif "$MLOPS_SPEC" >"$RUNNER_TEMP/mlops.sarif" || status=$?
# 1: the spec has errors, and the SARIF file holds them; above 1: no SARIF
[ "$status" -le 1 ]
)sh";

const char* const kReviewDiffScript = R"sh(base_tree="$RUNNER_TEMP/mlops-base"
mkdir -p "$base_tree"
git archive -o "$RUNNER_TEMP/mlops-base.tar" "$MLOPS_BASE_SHA"
tar -xf "$RUNNER_TEMP/mlops-base.tar" -C "$base_tree"
cd "$MLOPS_WORKDIR"
base="$base_tree/$MLOPS_WORKDIR/$MLOPS_SPEC"
[ -f "$base" ] || base=/dev/null
head="$MLOPS_SPEC"
[ -f "$head" ] || head=/dev/null
mlopsc diff "$base" "$head" -o "$RUNNER_TEMP/mlops-diff.md"
cat "$RUNNER_TEMP/mlops-diff.md" >>"$GITHUB_STEP_SUMMARY"
)sh";

const char* const kReviewCommentScript = R"sh(const fs = require('fs');
const spec = process.env.MLOPS_WORKDIR + '/' + process.env.MLOPS_SPEC;
const marker = '<!-- mlopsc governance diff: ' + encodeURIComponent(spec) + ' -->';
const body = marker + '\n' + fs.readFileSync(process.env.MLOPS_DIFF, 'utf8');
const { owner, repo } = context.repo;
const issue_number = context.issue.number;
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const previous = comments.find((c) => c.user && c.user.login === 'github-actions[bot]' &&
  typeof c.body === 'string' && c.body.startsWith(marker));
if (previous) {
  await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
} else {
  await github.rest.issues.createComment({ owner, repo, issue_number, body });
}
)sh";

const char* const kGitLabReviewScript = R"sh((
set -u
review="$CI_PROJECT_DIR/mlops-review"
mkdir -p "$review"
cd "$MLOPS_WORKDIR"
status=0

# 1. diagnostics: the Code Quality report (the merge request's widget), and text in the log
code=0
mlopsc check --diagnostics-format=gitlab-codequality "$MLOPS_SPEC" >"$review/codequality.json" || code=$?
[ "$code" -le 1 ] || echo '[]' >"$review/codequality.json"
mlopsc check "$MLOPS_SPEC" || status=1

# 2. formatting of the spec and its imports
set --
while IFS= read -r file; do
  [ -z "$file" ] || set -- "$@" "$file"
done <<EOF
$MLOPS_SOURCES
EOF
mlopsc fmt --check "$@" || status=1

# 3. the generated files, as `mlopsc build` wrote them
mlopsc build "$MLOPS_SPEC" -o "$MLOPS_OUT" --check ${MLOPS_EMIT:+"--emit=$MLOPS_EMIT"} \
  --ci-ir-path "$MLOPS_IR" --ci-mlopsc-url "$MLOPSC_URL" --ci-mlopsc-sha256 "$MLOPSC_SHA256" \
  --ci-setup-action "$MLOPSC_SETUP_ACTION" --ci-mlopsc-image "$MLOPSC_IMAGE" || status=1

# 4. the governance diff against the merge request's base (where the branch forked from the target)
base_sha="${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}"
diff_file="$review/governance-diff.md"
if [ -z "$base_sha" ]; then
  echo "mlops review: no CI_MERGE_REQUEST_DIFF_BASE_SHA (not a merge request pipeline): no governance diff"
  status=1
else
  base_tree=$(mktemp -d)
  if git archive -o "$base_tree.tar" "$base_sha" && tar -xf "$base_tree.tar" -C "$base_tree"; then
    base="$base_tree/$MLOPS_WORKDIR/$MLOPS_SPEC"
    [ -f "$base" ] || base=/dev/null
    head="$MLOPS_SPEC"
    [ -f "$head" ] || head=/dev/null
    if mlopsc diff "$base" "$head" -o "$diff_file"; then
      cat "$diff_file"
    else
      status=1
    fi
  else
    echo "mlops review: cannot read the base commit $base_sha (the job fetches the whole history: GIT_DEPTH 0)"
    status=1
  fi
  rm -rf "$base_tree" "$base_tree.tar"
fi

# 5. the diff as a merge request note, updated in place (jq finds the earlier one), when a token
#    with the api scope is set as the CI/CD variable MLOPS_REVIEW_TOKEN; else the job's artifact
if [ -f "$diff_file" ] && [ -n "${MLOPS_REVIEW_TOKEN:-}" ]; then
  notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
  marker="<!-- mlopsc governance diff: $MLOPS_WORKDIR/$MLOPS_SPEC -->"
  secret=$(mktemp -d)
  (umask 077 && printf 'PRIVATE-TOKEN: %s\n' "$MLOPS_REVIEW_TOKEN" >"$secret/header")
  { printf '%s\n' "$marker"; cat "$diff_file"; } >"$secret/body.md"
  note=
  if command -v jq >/dev/null 2>&1; then
    me=$(curl -fsS -H "@$secret/header" "$CI_API_V4_URL/user" | jq -r '.id') || me=
    if [ -n "$me" ]; then
      note=$(curl -fsS -H "@$secret/header" "$notes?per_page=100&sort=asc&order_by=created_at" |
        jq -r --arg m "$marker" --argjson me "$me" \
          '[.[] | select(.author.id == $me and (.body | type == "string") and (.body | startswith($m)))][0].id // empty') ||
        note=
    fi
  else
    echo "mlops review: jq is not installed: adding a new note instead of updating the earlier one"
  fi
  if [ -n "$note" ]; then
    curl -fsS -X PUT -H "@$secret/header" --data-urlencode "body@$secret/body.md" "$notes/$note" >/dev/null || status=1
  else
    curl -fsS -X POST -H "@$secret/header" --data-urlencode "body@$secret/body.md" "$notes" >/dev/null || status=1
  fi
  rm -rf "$secret"
fi
exit "$status"
)
)sh";

}  // namespace mlops::emit

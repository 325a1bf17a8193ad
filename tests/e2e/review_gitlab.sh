#!/usr/bin/env bash
# The generated review job `mlops:review` (docs/ci.md section 4.1), run for
# real by gitlab-ci-local (shell executor) on merge requests of a throwaway
# repository: branch `main` (the base, also `origin/main`, which
# gitlab-ci-local compares `rules: changes:` against) holds a copy of
# examples/credit-risk built with `--emit=ir,gitlab`; each branch below is
# one merge request, run as a merge request pipeline
# (CI_PIPELINE_SOURCE=merge_request_event, CI_MERGE_REQUEST_DIFF_BASE_SHA =
# main's commit), the job installing mlopsc from this build's release
# archive with nothing of the build tree on PATH:
#   loosen     `2 of validators` → `validators` and 0.75 → 0.7, rebuilt:
#              the job passes; the diff names both loosenings with their
#              lines and the code owners who must review; the Code Quality
#              report is valid and empty;
#   comment    a comment changed: passes, "no governance change";
#   broken     a reference broken: fails; the Code Quality report holds the
#              error on its line;
#   stale      a threshold changed without rebuilding: fails with the diff
#              of the stale generated files;
#   unrelated  only the README changed: no review job (rules: changes);
#   hostile    a spec built into a folder named with $(…) and backticks,
#              with a comment change: the job passes and runs nothing of
#              the names.
# Labelled `slow`; no gitlab-ci-local or job is left running, pass or fail.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/lib_gcl.bash
source "$MLOPS_SOURCE_DIR/tests/e2e/lib_gcl.bash"

validator=$MLOPS_SHARED_DIR/tools/validate-json
cq_schema=$MLOPS_SOURCE_DIR/tests/schemas/gitlab-codequality.json

# mr REPO BRANCH LOG: the whole merge request pipeline of BRANCH against
# main (no job named: gitlab-ci-local runs a named job whatever its rules), in
# which the rules select the review job alone, or nothing.
mr() {
  local repo=$1 branch=$2 log=$3 base
  base=$(git -C "$repo" rev-parse main)
  git -C "$repo" checkout -q "$branch"
  gcl "$repo" "$log" --variable CI_PIPELINE_SOURCE=merge_request_event \
    --ignore-predefined-vars CI_PIPELINE_SOURCE \
    --variable "CI_MERGE_REQUEST_DIFF_BASE_SHA=$base" --variable CI_MERGE_REQUEST_IID=7
  local others
  others=$(job_list "$log" | awk '$2 != "mlops:review"')
  expect_eq "$others" "" "$branch: the merge request pipeline runs no pipeline job"
}

# artifact REPO FILE: the review job's artifact file (gitlab-ci-local keeps a
# job's artifacts under .gitlab-ci-local/artifacts/<job>/).
artifact() { printf '%s/.gitlab-ci-local/artifacts/%s/mlops-review/%s' "$1" "$(safe_name mlops:review)" "$2"; }

# branch REPO NAME: a new branch from main.
branch() { git -C "$1" checkout -q main && git -C "$1" checkout -q -b "$2"; }
commit() { git -C "$1" add -A && git -C "$1" commit -q -m "$2"; }

release_archive
build_args=(--emit=ir,gitlab --color=never
  --ci-mlopsc-url "file://$E2E_WORK/dist/mlopsc-{version}-linux-x86_64.tar.gz" --ci-mlopsc-sha256 "$sha")

# ---- the base: credit-risk with its generated files, committed on main
cr=$E2E_WORK/credit-risk
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" "$cr"
rm -rf "$cr/.mlops" "$cr/build" "$cr/serving" "$cr/mlops"
cd "$cr"
run build credit_risk.mlops -o mlops "${build_args[@]}"
expect_exit 0 "mlopsc build of the example"
cp mlops/gitlab/.gitlab-ci.yml .
grep -q '^mlops:review:' .gitlab-ci.yml && pass "the pipeline file holds the review job" ||
  fail "no mlops:review job in .gitlab-ci.yml"
init_repo "$cr"
# gitlab-ci-local's own folder (artifacts, logs) is not part of the
# branches: `commit` adds everything, and a report that differs between
# merge requests would otherwise block the next checkout.
echo .gitlab-ci-local/ >>"$cr/.git/info/exclude"
cd "$E2E_WORK"

# ---- loosen: two controls loosened, generated files rebuilt
branch "$cr" loosen
sed -i 's/approvals   = \[2 of validators, risk_owner\]/approvals   = [validators, risk_owner]/;s/expect metrics.auc >= 0.75/expect metrics.auc >= 0.7/' \
  "$cr/credit_risk.mlops"
grep -q 'approvals   = \[validators, risk_owner\]' "$cr/credit_risk.mlops" && grep -q 'auc >= 0.7$' "$cr/credit_risk.mlops" ||
  fail "the loosening edit did not apply"
(cd "$cr" && "$MLOPSC" build credit_risk.mlops -o mlops "${build_args[@]}" >/dev/null 2>&1 && cp mlops/gitlab/.gitlab-ci.yml .)
commit "$cr" "loosen two controls"
approvals_line=$(grep -n 'approvals   = \[validators' "$cr/credit_risk.mlops" | cut -d: -f1)
auc_line=$(grep -n 'expect metrics.auc >= 0.7$' "$cr/credit_risk.mlops" | cut -d: -f1)
echo "merge request: loosen"
mr "$cr" loosen loosen.log
expect_job loosen.log mlops:review PASS
diff_md=$(artifact "$cr" governance-diff.md)
if [[ -f $diff_md ]]; then
  pass "the governance diff is the job's artifact"
  grep -q -i 'loosen' "$diff_md" && pass "the diff says the change loosens controls" || { fail "the diff names no loosening"; show "$diff_md"; }
  grep -q "credit_risk.mlops:$approvals_line" "$diff_md" && pass "the quorum's loosening is located (line $approvals_line)" ||
    { fail "the diff lacks credit_risk.mlops:$approvals_line"; show "$diff_md"; }
  grep -q "credit_risk.mlops:$auc_line" "$diff_md" && pass "the threshold's loosening is located (line $auc_line)" ||
    { fail "the diff lacks credit_risk.mlops:$auc_line"; show "$diff_md"; }
  grep -q '0.75' "$diff_md" && grep -q '0.7' "$diff_md" && pass "the diff shows the threshold 0.75 → 0.7" ||
    fail "the diff lacks the old and new threshold"
  for owner in carol@bank.example grace@bank.example; do
    grep -q "$owner" "$diff_md" && pass "the diff names $owner, who must review" || fail "the diff does not name $owner"
  done
else
  fail "no governance-diff.md among the job's artifacts"
fi
expect_job_log "$cr" mlops:review "install-mlopsc: mlopsc $version" "the review job installs mlopsc from the archive"
cq=$(artifact "$cr" codequality.json)
if [[ -f $cq ]]; then
  if [[ -x $validator ]] && out=$("$validator" "$cq_schema" "$cq" 2>&1); then
    pass "the Code Quality report validates against GitLab's documented fields"
  else
    fail "the Code Quality report does not validate: $out"
  fi
  expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$cq")" 0 \
    "a clean spec has an empty Code Quality report"
else
  fail "no codequality.json among the job's artifacts"
fi

# ---- comment: only a comment changed
branch "$cr" comment
sed -i 's|^// Credit-risk example:|// The credit-risk example:|' "$cr/credit_risk.mlops"
(cd "$cr" && "$MLOPSC" build credit_risk.mlops -o mlops "${build_args[@]}" >/dev/null 2>&1 && cp mlops/gitlab/.gitlab-ci.yml .)
commit "$cr" "reword a comment"
echo "merge request: comment"
mr "$cr" comment comment.log
expect_job comment.log mlops:review PASS
grep -q -i 'no governance change' "$(artifact "$cr" governance-diff.md)" 2>/dev/null &&
  pass "a comment-only change: no governance change" || { fail "the comment-only diff does not say no governance change"; show "$(artifact "$cr" governance-diff.md)"; }

# ---- broken: a reference broken
branch "$cr" broken
sed -i 's/require     = \[auc_floor, income_drift, no_regression\]/require     = [auc_floor, income_drift, no_regresion]/' \
  "$cr/credit_risk.mlops"
broken_line=$(grep -n 'no_regresion' "$cr/credit_risk.mlops" | cut -d: -f1)
commit "$cr" "break a reference"
echo "merge request: broken"
mr "$cr" broken broken.log
expect_job broken.log mlops:review FAIL
cq=$(artifact "$cr" codequality.json)
got=$(python3 - "$cq" <<'EOF' 2>&1
import json, sys
issues = json.load(open(sys.argv[1]))
for i in issues:
    print(i["check_name"], i["location"]["path"], i["location"].get("lines", {}).get("begin") or i["location"]["positions"]["begin"]["line"], i["severity"])
EOF
)
echo "    code quality: $got"
[[ $got == *"credit_risk.mlops $broken_line "* ]] && pass "the Code Quality report points at line $broken_line" ||
  fail "the Code Quality report does not point at credit_risk.mlops line $broken_line: $got"
expect_job_log "$cr" mlops:review "no_regresion" "the job log shows the diagnostic"

# ---- stale: a threshold changed, the generated files not rebuilt
branch "$cr" stale
sed -i 's/threshold = 0.2/threshold = 0.25/' "$cr/credit_risk.mlops"
commit "$cr" "change the drift threshold without rebuilding"
echo "merge request: stale"
mr "$cr" stale stale.log
expect_job stale.log mlops:review FAIL
expect_job_log "$cr" mlops:review "mlops/pipeline.json (generated)" "build --check prints the diff of the stale pipeline.json"

# ---- unrelated: the rules' changes leave the job out
branch "$cr" unrelated
echo "more words" >>"$cr/README.md"
commit "$cr" "README only"
echo "merge request: unrelated"
mr "$cr" unrelated unrelated.log
expect_job unrelated.log mlops:review -

# ---- hostile: names that would run commands if pasted into a script
markers=$E2E_WORK/markers
mkdir -p "$markers"
adv=$E2E_WORK/hostile
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" "$adv"
rm -rf "$adv/.mlops" "$adv/build" "$adv/serving" "$adv/mlops"
# shellcheck disable=SC2016  # the folder's name, never expanded
adv_out="out \$(touch $markers/out-dir) \`touch $markers/out-tick\` \"q\" 'q'"
cd "$adv"
run build credit_risk.mlops -o "$adv_out" "${build_args[@]}"
expect_exit 0 "mlopsc build into a folder named with \$(…) and backticks"
cp "$adv_out/gitlab/.gitlab-ci.yml" .
init_repo "$adv"
cd "$E2E_WORK"
branch "$adv" hostile
sed -i 's|^// Credit-risk example:|// The credit-risk example:|' "$adv/credit_risk.mlops"
(cd "$adv" && "$MLOPSC" build credit_risk.mlops -o "$adv_out" "${build_args[@]}" >/dev/null 2>&1 && cp "$adv_out/gitlab/.gitlab-ci.yml" .)
commit "$adv" "reword a comment"
echo "merge request: hostile"
mr "$adv" hostile hostile.log
expect_job hostile.log mlops:review PASS
left=$(ls -A "$markers")
expect_eq "$left" "" "no name was executed by the review job"


#!/usr/bin/env bash
# The CI backends against the platforms' own validators: every example, every
# clean golden case and the adversarial spec are built for GitHub Actions,
# GitLab CI and Argo Workflows, and every generated file must pass
# ../shared/tools/validate-ci (actionlint with its injection checks and the
# workflow schema; GitLab's schema and gitlab-ci-local; Argo's schema) with
# zero findings. Also: determinism, --emit of one target, --check on an
# edited workflow, -Werror and -Wno on the W07xx warnings.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
validate_ci=$MLOPS_SHARED_DIR/tools/validate-ci
if [[ ! -x $validate_ci ]]; then
  fail "validate-ci not found at $validate_ci (set MLOPS_SHARED_DIR)"
  exit 0
fi

# The builds install mlopsc from a pinned mirror, so only the platforms'
# limits are reported (W0706, the release source, is tests/e2e/ci_install.sh's).
mirror=(--ci-mlopsc-url 'https://mirror.example/mlopsc-{version}-linux-x86_64.tar.gz'
        --ci-mlopsc-sha256 "$(printf 'a%.0s' {1..64})" --ci-setup-action shop/ci-actions/setup-mlopsc@v1
        --ci-mlopsc-image "registry.example/mlopsc@sha256:$(printf 'b%.0s' {1..64})")

# validate FILE...: runs validate-ci, records its findings.
validate() {
  set +e
  "$validate_ci" "$@" >validate.out 2>&1
  VRC=$?
  set -e
}

specs=()
for spec in "$src"/examples/*/*.mlops; do
  [[ $(basename "$spec") == teams.mlops ]] || specs+=("$spec")
done
while IFS= read -r spec; do specs+=("$spec"); done < <(
  find "$src/tests/golden/sema" "$src/tests/golden/targets" \( -name '.*' -o -name build -o -name node_modules \) -prune -o -type f -name '*.mlops' ! -name 'fail_*' -print | sort)
specs+=("$src/tests/unit/data/adversarial_ci.mlops")

# ---- build every spec for every target
yaml=()
n=0
built=0
for spec in "${specs[@]}"; do
  n=$((n + 1))
  out=out/$n
  run build "$spec" -o "$out" --emit=github,gitlab,argo --ci-ir-path "ci/$n/pipeline.json" "${mirror[@]}"
  cp "$STDERR" "stderr.$n"
  if ((RC != 0)); then
    # Golden cases that import a sibling or only warn still build; anything
    # else that fails must be a spec with errors, which writes nothing.
    expect_stderr_contains "nothing written" "$(basename "$spec"): a spec that does not build says so"
    continue
  fi
  built=$((built + 1))
  # Every spec gets its review (docs/ci.md 3.1, 4.1), pipelines or not.
  [[ -f $out/gitlab/.gitlab-ci.yml ]] && grep -q '^mlops:review:' "$out/gitlab/.gitlab-ci.yml" &&
    pass "$(basename "$spec"): gitlab/.gitlab-ci.yml written, with the review job" ||
    fail "$(basename "$spec"): no gitlab/.gitlab-ci.yml with mlops:review"
  [[ -f $out/github/mlops-review.yml && -f $out/github/CODEOWNERS && -f $out/gitlab/CODEOWNERS ]] &&
    pass "$(basename "$spec"): the review workflow and both CODEOWNERS written" ||
    fail "$(basename "$spec"): no github/mlops-review.yml or CODEOWNERS"
  if ! grep -qE '^pipeline |expect .* every [0-9]' "$spec"; then
    expect_stderr_contains "no pipeline" "$(basename "$spec"): build says why there are no pipeline jobs"
  fi
  [[ -f $out/github/environments.json ]] && pass "$(basename "$spec"): github/environments.json written" \
    || fail "$(basename "$spec"): no github/environments.json"
  while IFS= read -r f; do yaml+=("$f"); done < <(find "$out" -name '*.yml' -o -name '*.yaml' | sort)
done
if ((built == n)); then pass "$built of $n specs built for every target"; else fail "only $built of $n specs built"; fi

# ---- the validators, on every generated file at once
validate "${yaml[@]}"
if ((VRC == 0)); then
  pass "validate-ci: ${#yaml[@]} generated files, zero findings ($(tail -n1 validate.out))"
else
  fail "validate-ci found problems in the generated files:"
  grep -v '^validate-ci: OK' validate.out | head -40 >&2
fi
github=$(printf '%s\n' "${yaml[@]}" | grep -c '/github/') || true
gitlab=$(printf '%s\n' "${yaml[@]}" | grep -c '/gitlab/') || true
argo=$(printf '%s\n' "${yaml[@]}" | grep -c '/argo/') || true
expect_eq "$((github > 10 && gitlab > 10 && argo > 10))" 1 "every platform has files checked (github $github, gitlab $gitlab, argo $argo)"

# ---- the validators are not vacuous: broken files fail them
cp "$(ls out/1/github/*.yml | head -n1)" broken-workflow.yml
sed -i '0,/runs-on: ubuntu-latest/s//runs-on: ubuntu-latest\n    needs: [no-such-job]/' broken-workflow.yml
validate broken-workflow.yml
expect_eq "$VRC" 1 "validate-ci rejects a workflow needing an unknown job"
mkdir -p bad && cp out/1/gitlab/.gitlab-ci.yml bad/.gitlab-ci.yml
sed -i '0,/^  stage: stage-1/s//  stage: no-such-stage/' bad/.gitlab-ci.yml
validate bad/.gitlab-ci.yml
expect_eq "$VRC" 1 "validate-ci rejects a GitLab job in an undeclared stage"
cp "$(grep -l "^kind: Workflow$" out/1/argo/*.yaml | head -n1)" broken-argo.yaml
sed -i 's/^      dag:/      dagg:/' broken-argo.yaml
validate broken-argo.yaml
expect_eq "$VRC" 1 "validate-ci rejects an Argo template with a misspelled field"

# ---- the example: files, determinism, --check, --emit, warnings
spec=$src/examples/credit-risk/credit_risk.mlops
run build "$spec" -o a --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_exit 0 "credit-risk: build"
expect_only_codes "W0701 W0703" "credit-risk: only W0701 (2 of validators) and W0703 (runner sizes) are reported"
expect_stderr_contains "GitHub environment \`production-validators\` lets any one of its reviewers approve, but \`2 of validators\` needs 2 approvals" \
  "credit-risk: W0701 names the environment and the quorum"
expect_stderr_contains "compensating measure" "credit-risk: the warning says what compensates"
run build "$spec" -o b --ci-ir-path mlops/pipeline.json "${mirror[@]}"
if diff -r a b >/dev/null; then pass "credit-risk: two builds give the same bytes"; else fail "credit-risk: two builds differ"; fi
expect_eq "$(cd a && find github gitlab argo -type f | sort | tr '\n' ' ')" \
  "argo/main.yaml argo/monitor-scorer_live.yaml github/CODEOWNERS github/environments.json github/main.yml github/mlops-review.yml github/monitors.yml gitlab/.gitlab-ci.yml gitlab/CODEOWNERS gitlab/protected-environments.json gitlab/schedules.json " \
  "credit-risk: the CI files"
expect_json a/github/environments.json 'environments.0.reviewers' '["carol@bank.example", "grace@bank.example"]' \
  "environments.json lists the validators as reviewers"
expect_json a/gitlab/protected-environments.json 'environments.0.approval_rules.0.required_approvals' '2' \
  "protected-environments.json keeps the quorum of 2"
grep -q "cron: '0 \* \* \* \*'" a/github/monitors.yml && pass "the monitor is scheduled hourly on GitHub" \
  || fail "github/monitors.yml lacks the hourly cron"

echo "# edited by hand" >>a/github/main.yml
run build --check "$spec" -o a --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_exit 1 "--check after a hand edit of the workflow"
expect_stdout_contains "-# edited by hand" "--check shows the hand edit in its diff"

run build "$spec" -o only-github --emit=github --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_exit 0 "--emit=github"
expect_eq "$(cd only-github && find . -type f | sort | tr '\n' ' ')" \
  "./github/environments.json ./github/main.yml ./github/monitors.yml " "--emit=github writes github/ only"
expect_only_codes "W0701 W0703" "--emit=github reports GitHub's limits only"
run build "$spec" -o only-argo --emit=argo --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_only_codes "" "--emit=argo: Argo expresses every construct of the example"

run build "$spec" -o werror -Werror=W0701 --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_exit 1 "-Werror=W0701 turns the quorum warning into an error"
if [[ ! -e werror ]]; then pass "-Werror=W0701 writes nothing"; else fail "werror/ was written"; fi
run build "$spec" -o quiet -Wno-W0701 -Wno-W0703 --ci-ir-path mlops/pipeline.json "${mirror[@]}"
expect_exit 0 "-Wno-W0701 -Wno-W0703"
expect_stderr_empty "-Wno silences the W07xx warnings"

# ---- GitHub's least privilege and pinning, on the example
wf=a/github/main.yml
grep -q '^permissions:' "$wf" && grep -A1 '^permissions:' "$wf" | grep -q 'contents: read' \
  && pass "workflow permissions: contents: read" || fail "workflow lacks top-level permissions: contents: read"
if grep -E 'uses: [^@]+$' "$wf" >/dev/null; then fail "an action is not pinned"; else pass "every action is pinned to a version"; fi
if grep -n 'run:.*\${{' "$wf" >/dev/null; then fail "an expression is expanded inside a run: script"; else pass "no expression inside a run: script"; fi

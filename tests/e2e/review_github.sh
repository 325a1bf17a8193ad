#!/usr/bin/env bash
# The generated GitHub review workflow (OUT/github/mlops-review.yml, docs/ci.md
# section 3.1), its `run` steps executed as a runner would (bash -eo
# pipefail, the workflow's, job's and step's env, RUNNER_TEMP,
# GITHUB_STEP_SUMMARY; `if: success() || failure()` honoured) in a throwaway
# repository whose `main` holds a copy of examples/credit-risk with its
# generated files, one branch per pull request (the base sha is main's).
# The `uses:` steps are the platform's: the checkout is the repository
# itself, the install step is this build's mlopsc on PATH, and the
# upload-sarif and github-script steps are not run (actionlint checks them,
# tests/e2e/ci.sh; the comment body is the marker line and the job summary).
#   loosen   (quorum and threshold loosened, rebuilt): check passes; the
#            summary names both loosenings with their lines and the owners;
#   comment  (a comment reworded): "no governance change";
#   broken   (a reference broken): the check step fails with an `::error`
#            annotation on the right line; the SARIF step still writes SARIF
#            with a repository-relative location;
#   stale    (the spec changed, files not rebuilt): the generated-files step
#            fails with the diff, the format step still runs.
# Also: the job permissions (least privilege per job) and the paths filter.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

y2j=${MLOPS_YAML_TO_JSON:-}
[[ -x $y2j ]] || { fail "MLOPS_YAML_TO_JSON ($y2j) is not the yaml_to_json tool of this build"; exit 0; }
bin=$E2E_WORK/bin
mkdir -p "$bin"
ln -s "$MLOPSC" "$bin/mlopsc"

mirror=(--ci-mlopsc-url 'https://mirror.example/mlopsc-{version}-linux-x86_64.tar.gz'
  --ci-mlopsc-sha256 "$(printf 'a%.0s' {1..64})" --ci-setup-action shop/ci-actions/setup-mlopsc@v1
  --ci-mlopsc-image "registry.example/mlopsc@sha256:$(printf 'b%.0s' {1..64})")

repo=$E2E_WORK/repo
mkdir -p "$repo/examples"
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" "$repo/examples/credit-risk"
rm -rf "$repo/examples/credit-risk/"{.mlops,build,serving,mlops}
rebuild() { (cd "$repo" && "$MLOPSC" build examples/credit-risk/credit_risk.mlops -o examples/credit-risk/mlops "${mirror[@]}" >"$E2E_WORK/build.log" 2>&1); }
git -C "$repo" init -q -b main  # first: the build finds the repository root by its .git
rebuild || { fail "mlopsc build of the example: $(tail -5 "$E2E_WORK/build.log")"; exit 0; }
git -C "$repo" config user.name "CI Test"
git -C "$repo" config user.email ci@localhost.example
git -C "$repo" config commit.gpgsign false
git -C "$repo" add -A
git -C "$repo" commit -q -m base
base=$(git -C "$repo" rev-parse HEAD)
workflow=$repo/examples/credit-risk/mlops/github/mlops-review.yml
"$y2j" "$workflow" >"$E2E_WORK/review.json" || { fail "mlops-review.yml is not YAML"; exit 0; }

# ---- the workflow's shape
python3 - "$E2E_WORK/review.json" >"$E2E_WORK/shape.out" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
print("paths", " ".join(w["on"]["pull_request"]["paths"]))
print("top", json.dumps(w["permissions"], sort_keys=True))
for name, job in w["jobs"].items():
    print("job", name, json.dumps(job.get("permissions", {}), sort_keys=True))
EOF
expect_eq "$(sed -n 's/^paths //p' "$E2E_WORK/shape.out")" \
  "examples/credit-risk/credit_risk.mlops examples/credit-risk/teams.mlops examples/credit-risk/allowed_signers examples/credit-risk/mlops/**" \
  "the workflow runs for the spec, its import, its signers file and the generated files"
expect_eq "$(sed -n 's/^top //p' "$E2E_WORK/shape.out")" '{"contents": "read"}' "the workflow reads contents only"
expect_eq "$(grep '^job ' "$E2E_WORK/shape.out" | tr '\n' ';')" \
  'job check {};job code-scanning {"contents": "read", "security-events": "write"};job governance-diff {"contents": "read", "pull-requests": "write"};' \
  "each job has only the permissions it needs"

# run_job JOB BRANCH: runs the job's `run` steps on BRANCH; step K's exit code
# in $E2E_WORK/JOB-BRANCH.K.rc, its output in .K.out; the summary in
# JOB-BRANCH.summary.
run_job() {
  local job=$1 branch=$2
  git -C "$repo" checkout -q "$branch"
  rm -rf "$E2E_WORK/runner" && mkdir -p "$E2E_WORK/runner"
  python3 - "$E2E_WORK/review.json" "$job" "$repo" "$base" "$E2E_WORK/runner" "$E2E_WORK/$job-$branch" "$bin" <<'EOF'
import json, os, subprocess, sys
workflow, job_name, repo, base, runner, prefix, bindir = sys.argv[1:]
w = json.load(open(workflow))
job = w["jobs"][job_name]
def expand(value):
    # The expressions the review workflow uses, as GitHub evaluates them.
    return (value.replace("${{ github.event.pull_request.base.sha }}", base)
                 .replace("${{ runner.temp }}", runner))
summary = prefix + ".summary"
open(summary, "w").close()
failed = False
for k, step in enumerate(job["steps"]):
    if "run" not in step:
        continue
    if failed and step.get("if") != "success() || failure()":
        continue
    env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
           "RUNNER_TEMP": runner, "GITHUB_STEP_SUMMARY": summary, "GITHUB_WORKSPACE": repo, "CI": "true",
           "GITHUB_ACTIONS": "true"}
    for scope in (w.get("env", {}), job.get("env", {}), step.get("env", {})):
        env.update({key: expand(value) for key, value in scope.items()})
    p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    open(f"{prefix}.{k}.out", "wb").write(p.stdout)
    open(f"{prefix}.{k}.rc", "w").write(str(p.returncode))
    print(f"    {job_name} step {k} ({step.get('name')}): exit {p.returncode}")
    failed = failed or p.returncode != 0
EOF
}
rc() { cat "$E2E_WORK/$1-$2.$3.rc" 2>/dev/null || echo -; }
outfile() { printf '%s/%s-%s.%s.out' "$E2E_WORK" "$1" "$2" "$3"; }
commit() { git -C "$repo" add -A && git -C "$repo" commit -q -m "$1"; }
spec=$repo/examples/credit-risk/credit_risk.mlops

# ---- loosen
git -C "$repo" checkout -q -b loosen main
sed -i 's/approvals   = \[2 of validators, risk_owner\]/approvals   = [validators, risk_owner]/;s/expect metrics.auc >= 0.75/expect metrics.auc >= 0.7/' "$spec"
rebuild && commit "loosen two controls"
approvals_line=$(grep -n 'approvals   = \[validators' "$spec" | cut -d: -f1)
auc_line=$(grep -n 'expect metrics.auc >= 0.7$' "$spec" | cut -d: -f1)
echo "pull request: loosen"
run_job check loosen
expect_eq "$(rc check loosen 2) $(rc check loosen 3) $(rc check loosen 4)" "0 0 0" "loosen: check, format and generated files pass"
run_job governance-diff loosen
expect_eq "$(rc governance-diff loosen 2)" 0 "loosen: the governance diff step passes"
summary=$E2E_WORK/governance-diff-loosen.summary
grep -q "credit_risk.mlops:$approvals_line" "$summary" && grep -q "credit_risk.mlops:$auc_line" "$summary" &&
  pass "loosen: the summary locates both loosenings (lines $approvals_line, $auc_line)" ||
  { fail "loosen: the summary lacks credit_risk.mlops:$approvals_line or :$auc_line"; show "$summary"; }
grep -q 'carol@bank.example' "$summary" && pass "loosen: the summary names a validator who must review" ||
  fail "loosen: the summary names no validator"
cp "$summary" "${MLOPS_TEST_ARTIFACTS:-$E2E_WORK}/review-comment-loosen.md" 2>/dev/null || true
echo "    the comment (job summary):"; sed 's/^/      | /' "$summary"

# ---- comment
git -C "$repo" checkout -q -b comment main
sed -i 's|^// Credit-risk example:|// The credit-risk example:|' "$spec"
rebuild && commit "reword a comment"
echo "pull request: comment"
run_job governance-diff comment
grep -qi 'no governance change' "$E2E_WORK/governance-diff-comment.summary" &&
  pass "comment: no governance change" || { fail "comment: the summary does not say no governance change"; show "$E2E_WORK/governance-diff-comment.summary"; }
echo "    the comment (job summary):"; sed 's/^/      | /' "$E2E_WORK/governance-diff-comment.summary"

# ---- broken
git -C "$repo" checkout -q -b broken main
sed -i 's/require     = \[auc_floor, income_drift, no_regression\]/require     = [auc_floor, income_drift, no_regresion]/' "$spec"
broken_line=$(grep -n 'no_regresion' "$spec" | cut -d: -f1)
commit "break a reference"
echo "pull request: broken"
run_job check broken
expect_eq "$(rc check broken 2)" 1 "broken: the check step fails (exit 1)"
grep -q "^::error file=examples/credit-risk/credit_risk.mlops,line=$broken_line," "$(outfile check broken 2)" &&
  pass "broken: an error annotation on credit_risk.mlops line $broken_line" ||
  { fail "broken: no ::error annotation at line $broken_line"; show "$(outfile check broken 2)"; }
run_job code-scanning broken
expect_eq "$(rc code-scanning broken 2)" 0 "broken: the SARIF step passes with errors in the spec"
python3 - "$E2E_WORK/runner/mlops.sarif" "$broken_line" >"$E2E_WORK/sarif.out" 2>&1 <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
locs = [l["physicalLocation"] for r in run["results"] for l in r.get("locations", [])]
ok = any(l["artifactLocation"].get("uri") == "examples/credit-risk/credit_risk.mlops"
         and l["region"]["startLine"] == int(sys.argv[2]) for l in locs)
print("ok" if ok else "missing: " + json.dumps(locs)[:400])
EOF
expect_eq "$(cat "$E2E_WORK/sarif.out")" ok "broken: the SARIF result has the repository-relative path and the line"

# ---- stale
git -C "$repo" checkout -q -b stale main
sed -i 's/threshold = 0.2/threshold = 0.25/' "$spec"
commit "change a threshold without rebuilding"
echo "pull request: stale"
run_job check stale
expect_eq "$(rc check stale 2) $(rc check stale 3) $(rc check stale 4)" "0 0 1" \
  "stale: check and format pass, the generated-files step fails"
grep -q "pipeline.json (generated)" "$(outfile check stale 4)" && pass "stale: the step prints the diff of the stale files" ||
  { fail "stale: no diff printed"; show "$(outfile check stale 4)"; }

#!/usr/bin/env bash
# The generated GitLab pipeline, run for real: gitlab-ci-local (the version
# ../shared/tools/validate-ci pins, locked in tests/gitlab-ci-local/) runs
# every job of .gitlab-ci.yml with its shell executor
# (`--force-shell-executor --shell-isolation`) in a throwaway git repository
# holding a copy of examples/credit-risk (canary interval 2s) and its
# generated files, committed. Each job installs mlopsc from this build's
# release archive (file://, pinned sha256) with nothing of the build tree on
# PATH, and runs its node; artifacts pass between jobs:
#   1. the whole pipeline, the gate triggered with --manual: the model
#      trains, its tests pass, and the gate WAITS (exit 5) naming who must
#      approve, since the team's record (MLOPS_STATE: a throwaway PostgreSQL
#      cluster, tests/e2e/lib_pg.bash) holds no approval;
#   2. the approvers approve that artifact against the same MLOPS_STATE; the
#      gate job, re-run, passes, and the deploy rolls out 10% → 50% → 100%
#      with its monitor checked between the steps;
#   3. serving degrades (the deploy script reports a 5% error rate): the
#      re-run deploy's monitor fails and the rollback runs; then the monitor's
#      own scheduled job runs;
#   4. a spec whose strings are hostile (quotes, $(…), backticks, newlines,
#      `;` in docs, comments, members, params, paths, branches, the output
#      folder, a secret's value) goes through the same flow, and none of them
#      is executed: each would create a marker file, and none exists.
# Each pipeline's job list with every job's result is printed.
#
# Needs node and npm (the npm registry, or npm's cache, for the first install
# into MLOPS_TEST_CACHE, default ~/.cache/mlopsc-tests), git, rsync and
# PostgreSQL 15 (scripts/install-deps). Skipped (exit 77) only when npm
# cannot reach the registry and nothing is cached. Labelled `slow` and `pg`
# in CTest (`ctest -LE slow` leaves it out); about a minute here. No
# gitlab-ci-local, job or server is left running, pass or fail.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/lib_pg.bash
source "$MLOPS_SOURCE_DIR/tests/e2e/lib_pg.bash"

# shellcheck source=tests/e2e/lib_gcl.bash
source "$MLOPS_SOURCE_DIR/tests/e2e/lib_gcl.bash"

# The team's shared record, which gates read approvals from: a throwaway
# PostgreSQL cluster on a Unix socket (tests/support/pg-cluster).
pg_start || { fail "cannot start a PostgreSQL cluster (tests/support/pg-cluster)"; exit 0; }
state=$PG_STATE

# ---- credit-risk: the example with a 2s canary interval, committed with its CI
cr=$E2E_WORK/credit-risk
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" "$cr"
rm -rf "$cr/.mlops" "$cr/build" "$cr/serving" "$cr/mlops"
sed -i 's/interval = 1h/interval = 2s/' "$cr/credit_risk.mlops"
grep -q 'interval = 2s' "$cr/credit_risk.mlops" || fail "the canary interval of the example's copy was not shortened"
cd "$cr"
run build credit_risk.mlops -o mlops --emit=ir,gitlab --color=never \
  --ci-mlopsc-url "file://$E2E_WORK/dist/mlopsc-{version}-linux-x86_64.tar.gz" --ci-mlopsc-sha256 "$sha"
expect_exit 0 "mlopsc build of the example with a file:// release archive"
LAST_CMD=
cp mlops/gitlab/.gitlab-ci.yml .
init_repo "$cr"
cd "$E2E_WORK"
token=feature-store-token-$RANDOM$RANDOM
cr_vars=(--variable "FEATURE_STORE_TOKEN=$token" --variable "MLOPS_STATE=$state")

# ---- 1. the pipeline: trains, tests, and the gate waits for approvals
echo "credit-risk, pipeline 1: every job, the gate triggered (--manual)"
gcl "$cr" p1.log "${cr_vars[@]}" --manual main:gate:production
for job in main:step:features main:test:income_drift main:model:scorer main:test:auc_floor main:test:no_regression; do
  expect_job p1.log "$job" PASS
done
expect_job p1.log main:gate:production FAIL
expect_job p1.log main:deploy:scorer_prod -
for job in main:step:features main:model:scorer main:gate:production; do
  expect_job_log "$cr" "$job" "install-mlopsc: mlopsc $version in $E2E_WORK/mlopsc-home/" \
    "$job installs mlopsc $version from the archive into its own folder"
done
grep -q 'main:model:scorer *imported artifacts' p1.log && pass "the model job imports the features job's artifacts" ||
  fail "the model job imported no artifacts"
expect_job_log "$cr" main:test:auc_floor "test auc_floor: passed (metrics.auc >= 0.75, with metrics.auc = 0." \
  "the AUC test reads the metrics the model job trained"
model_result=$cr/.gitlab-ci-local/artifacts/$(safe_name main:model:scorer)/mlops-artifacts/model-scorer/result.json
artifact=$(json_get "$model_result" artifact)
[[ $artifact =~ ^[0-9a-f]{32}$ ]] && pass "the model job's artifact folder names its digest" ||
  fail "no artifact digest in $model_result: $artifact"
prefix=${artifact:0:12}
sed -n 's/^\[1\/1\] \(gate production: .*\)/      \1/p' "$(job_log "$cr" main:gate:production)"
grep -q -E '^main:gate:production +finished in .* FAIL 5 *$' p1.log && pass "the gate job exits 5: waiting" ||
  fail "the gate job did not exit 5: $(grep -F 'main:gate:production' p1.log | tail -n 3)"
expect_job_log "$cr" main:gate:production "artifact $prefix of model \`scorer\` needs approval by 2 of validators (carol@bank.example, grace@bank.example), risk_owner (alice@bank.example)" \
  "the waiting gate names the artifact the model job made and who must approve"
expect_job_log "$cr" main:gate:production "mlopsc approve production --artifact $prefix --state-project credit_risk --key KEY" \
  "and the command they run, naming the project in the shared database"
if grep -a -q -F -- "$token" p1.log "$cr"/.gitlab-ci-local/output/*.log; then fail "the secret's value reached a job log"
else pass "the secret's value is in no job log"; fi

# ---- 2. the approvers approve against the shared record; the gate re-run passes
# From their own clones: no artifacts, no model files, the same MLOPS_STATE.
# Each signs with their own key: the example's published demo keys
# (private to the clone's owner first: git checks them out 0644).
git clone -q "$cr" laptop
cd laptop
chmod 600 demo-keys/*.key
for who in carol@bank.example grace@bank.example alice@bank.example; do
  run --env "MLOPS_STATE=$state" approve production --artifact "$prefix" --key "demo-keys/${who%@*}.key" \
    --comment "reviewed in CI"
  expect_exit 0 "$who approves artifact $prefix in the shared record"
  expect_stdout_contains "as $who" "$who's key approves in $who's name"
  expect_stderr_contains "is a published demo key" "and mlopsc says the key is a published demo key"
done
LAST_CMD=
cd "$E2E_WORK"
echo "credit-risk, pipeline 1 again: the gate job re-run, then the deploy"
gcl "$cr" p2.log "${cr_vars[@]}" --manual main:gate:production main:gate:production main:deploy:scorer_prod
sed -n 's/^\[1\/1\] \(gate production: .*\)/      \1/p' "$(job_log "$cr" main:gate:production)"
expect_job p2.log main:gate:production PASS
expect_job p2.log main:deploy:scorer_prod PASS
grep -a -E '^(deploy scorer_prod:|\[1/1\] deploy)' "$(job_log "$cr" main:deploy:scorer_prod)" | sed 's/^/      /'
expect_job_log "$cr" main:deploy:scorer_prod "deploy scorer_prod: at 10% of traffic; monitors in 2s" "the canary starts at 10%, its interval honoured"
expect_job_log "$cr" main:deploy:scorer_prod "monitor scorer_live passed (live.error_rate < 2%, with live.error_rate = 0.01; kpi \`approval_rate\` (business.approval_rate = 0.41, target >= 0.3): met)" \
  "the deploy's monitor is checked between the canary steps"
expect_job_log "$cr" main:deploy:scorer_prod "rolled out" "the deploy rolls out 10% → 50% → 100%"

# ---- 3. serving degrades: the deploy's monitor fails and it rolls back
sed -i 's/"error_rate": 0.01/"error_rate": 0.05/' "$cr/deploy.sh"
git -C "$cr" commit -q -am "serving reports a 5% error rate"
echo "credit-risk, pipeline 1 again: the deploy re-run, serving degraded"
gcl "$cr" p3.log "${cr_vars[@]}" --manual main:gate:production main:deploy:scorer_prod
expect_job p3.log main:deploy:scorer_prod FAIL
grep -a -E '^(deploy scorer_prod:|\[1/1\] deploy)' "$(job_log "$cr" main:deploy:scorer_prod)" | sed 's/^/      /'
expect_job_log "$cr" main:deploy:scorer_prod "monitor \`scorer_live\` failed at 10%: expected live.error_rate < 2%, with live.error_rate = 0.05" \
  "the monitor fails at the first canary step"
grep -a -q "rolled back" "$(job_log "$cr" main:deploy:scorer_prod)" && pass "the deploy job says it rolled back" ||
  fail "no rollback in the deploy job's log"
live=$cr/.gitlab-ci-local/builds/$(safe_name main:deploy:scorer_prod)/serving/live_metrics.json
expect_eq "$(json_get "$live" rolled_back)" true "rollback.sh ran in the job (serving/live_metrics.json)"

# ---- 4. the scheduled monitor job
echo '{"error_rate": 0.004}' >"$cr/serving-live.json"
mkdir -p "$cr/serving" && mv "$cr/serving-live.json" "$cr/serving/live_metrics.json"
git -C "$cr" add -f serving/live_metrics.json
git -C "$cr" commit -q -m "what the serving side reports"
echo "credit-risk, the monitor's schedule"
gcl "$cr" p4.log "${cr_vars[@]}" --variable CI_PIPELINE_SOURCE=schedule --ignore-predefined-vars CI_PIPELINE_SOURCE \
  --variable MLOPS_SCHEDULE=monitor:scorer_live
expect_job p4.log monitor:scorer_live PASS
expect_job p4.log main:model:scorer -
expect_job_log "$cr" monitor:scorer_live "monitor scorer_live: passed" "the scheduled monitor job reads the live metrics"

# ---- 5. hostile strings: the same flow, and nothing of them runs
# Every payload would create a marker: @M@/NAME (absolute) where the language
# allows a `/`, else pwned-NAME in whatever folder runs it.
markers=$E2E_WORK/markers
adv=$E2E_WORK/adv
mkdir -p "$adv/data"
cat >"$adv/adv.mlops.in" <<'EOF'
// Comment: $(touch @M@/comment) `touch @M@/comment-tick` 'q' "q"
/// Project doc: $(touch @M@/project-doc) `touch @M@/project-doc-tick` 'single' "double"
/// second line; touch @M@/project-doc-line2 # ${{ secrets.X }}
project adv {
  version   = "1.0.0"
  risk_tier = low
  image     = "python:3.11-slim"
}
use std.roles
/// Engineers "$(touch @M@/role-doc)"
role engineers  : data_engineer      { members = ["ana@shop.example"] }
role scientists : data_scientist     { members = ["bo@shop.example"] }
/// Reviewers: an address full of shell syntax (all an address may hold)
role reviewers  : model_risk_manager { members = ["o'neil&$x|{y}#~`id`*?=+^!/%@shop.example"] }
role platform   : devops             { members = ["di@shop.example"] }

/// Data doc: 'single' "double" $(touch @M@/data-doc)
/// `touch @M@/data-doc-tick`
data customers {
  owner  = engineers
  source = file("data/-&* x \"q\" $(touch pwned-data-path) `touch pwned-data-tick`.csv")
  format = csv
  schema { x : float  y : int }
}
/// Model doc: $(touch @M@/model-doc)
model churn_model {
  owner   = scientists
  inputs  = [customers]
  params  { note = "$(touch @M@/param) \"q\" 'q' `touch @M@/param-tick`\nsecond line; touch @M@/param-line2 # c"  plain = "a;touch @M@/param-semi;b" }
  run     = "python3 train.py --data ${inputs.customers} --note ${params.note} --plain ${params.plain} --token ${secrets.API_TOKEN} --model ${outputs.model} --metrics ${outputs.metrics}"
  outputs { model = "build/m \"q\" 'q' $(touch pwned-output-path) `touch pwned-output-tick`.json"  metrics = "build/metrics; touch pwned-metrics-path.json" }
  metrics = outputs.metrics
  secrets = [API_TOKEN]
}
/// Test doc "$(touch @M@/test-doc)"
test auc_floor on churn_model { expect metrics.auc >= 0.75 }
/// Gate doc `touch @M@/gate-doc`
gate release for churn_model {
  require     = [auc_floor]
  approvals   = [reviewers]
  environment = "production"
}
deploy churn_prod {
  owner    = platform
  model    = churn_model
  after    = release
  strategy = canary { steps = [50%, 100%]  interval = 1s }
  run      = "sh deploy.sh ${model.outputs.model}"
  rollback = "sh rollback.sh"
}
/// Monitor doc: "quoted" $(touch @M@/monitor-doc)
monitor churn_live on churn_prod {
  source = file("serving/live \"x\" $(touch pwned-monitor-path).json")
  expect live.error_rate < 2%
  alert  = [platform]
}
/// Pipeline doc "q" 'q' `touch @M@/pipeline-doc` $(touch @M@/pipeline-doc2)
pipeline main {
  owner   = platform
  on      = [push("main"), push("release/*'x'\"y\"$(touch$${IFS}@M@/branch)`touch$${IFS}@M@/branch-tick`"), manual]
  targets = [churn_prod]
}
EOF
sed "s|@M@|$markers|g" "$adv/adv.mlops.in" >"$adv/adv.mlops"
rm "$adv/adv.mlops.in"
cat >"$adv/train.py" <<'EOF'
"""Writes what it was given (the model) and an AUC (the metrics)."""
import argparse, json, os
p = argparse.ArgumentParser()
for a in ("--data", "--note", "--plain", "--token", "--model", "--metrics"):
    p.add_argument(a, required=True)
a = p.parse_args()
rows = open(a.data).read().splitlines()
for path in (a.model, a.metrics):
    os.makedirs(os.path.dirname(path), exist_ok=True)
json.dump({"data": a.data, "rows": len(rows), "note": a.note, "plain": a.plain, "token_len": len(a.token)}, open(a.model, "w"))
json.dump({"auc": 0.9}, open(a.metrics, "w"))
EOF
cat >"$adv/deploy.sh" <<'EOF'
#!/bin/sh
set -eu
mkdir -p serving
cp "$1" serving/model.json
printf '{"error_rate": 0.001, "traffic_percent": %s}\n' "${MLOPS_TRAFFIC_PERCENT:-100}" >'serving/live "x" $(touch pwned-monitor-path).json'
echo "deployed at ${MLOPS_TRAFFIC_PERCENT:-100}%"
EOF
printf '#!/bin/sh\nrm -f serving/model.json\n' >"$adv/rollback.sh"
python3 - "$adv/data" <<'EOF'
import sys
open(sys.argv[1] + '/-&* x "q" $(touch pwned-data-path) `touch pwned-data-tick`.csv', "w").write("x,y\n1.5,1\n2.5,0\n")
EOF
# shellcheck disable=SC2016  # the folder's name, never expanded
adv_out='mlops $(touch pwned-out-dir) `touch pwned-out-tick`'
cd "$adv"
run build adv.mlops -o "$adv_out" --emit=ir,gitlab --color=never \
  --ci-mlopsc-url "file://$E2E_WORK/dist/mlopsc-{version}-linux-x86_64.tar.gz" --ci-mlopsc-sha256 "$sha"
expect_exit 0 "mlopsc build of the hostile spec, into a folder named with \$(…) and backticks"
LAST_CMD=
cp "$adv_out/gitlab/.gitlab-ci.yml" .
reviewer=$(python3 -c 'import json, sys
g = json.load(open(sys.argv[1]))
print(next(r for r in g["roles"] if r["name"] == "reviewers")["members"][0])' "$adv_out/pipeline.json" 2>&1)
expect_eq "$reviewer" "o'neil&\$x|{y}#~\`id\`*?=+^!/%@shop.example" "the reviewer's address in the IR"
init_repo "$adv"
cd "$E2E_WORK"
adv_token="tok \$(touch $markers/secret) \`touch $markers/secret-tick\`; touch $markers/secret-semi"
adv_state=$PG_STATE  # another project: its own schema in the same database
adv_vars=(--variable "API_TOKEN=$adv_token" --variable "MLOPS_STATE=$adv_state")

echo "hostile spec, pipeline 1: every job, the gate triggered (--manual)"
gcl "$adv" a1.log "${adv_vars[@]}" --manual main:gate:release
expect_job a1.log main:model:churn_model PASS
expect_job a1.log main:test:auc_floor PASS
expect_job a1.log main:gate:release FAIL
adv_model=$(python3 -c 'import glob, sys; print(*glob.glob(sys.argv[1] + "/mlops-artifacts/model-churn_model/outputs/build/m *.json"))' \
  "$adv/.gitlab-ci-local/artifacts/$(safe_name main:model:churn_model)")
python3 - "$adv_model" "$markers" "${#adv_token}" <<'EOF' && pass "the params and the secret reach the step as single arguments, unchanged" || fail "the step got other arguments: $(cat "$adv_model")"
import json, sys
m = json.load(open(sys.argv[1]))
M = sys.argv[2]
assert m["note"] == "$(touch %s/param) \"q\" 'q' `touch %s/param-tick`\nsecond line; touch %s/param-line2 # c" % (M, M, M), m["note"]
assert m["plain"] == "a;touch %s/param-semi;b" % M, m["plain"]
assert m["data"] == 'data/-&* x "q" $(touch pwned-data-path) `touch pwned-data-tick`.csv', m["data"]
assert m["rows"] == 3, m["rows"]
assert m["token_len"] == int(sys.argv[3]), m["token_len"]
EOF
adv_prefix=$(sed -n -E 's/.*artifact ([0-9a-f]{12}) of model `churn_model` needs approval by.*/\1/p' "$(job_log "$adv" main:gate:release)" | head -n 1)
[[ -n $adv_prefix ]] && pass "the gate waits for the reviewer's approval" || { fail "the gate does not wait"; show "$(job_log "$adv" main:gate:release)"; }
expect_job_log "$adv" main:gate:release "needs approval by reviewers ($reviewer)" "it names the reviewer's address verbatim"
git clone -q "$adv" adv-laptop
cd adv-laptop
# The database now holds two projects: the approver names this one.
run --env "MLOPS_STATE=$adv_state" approve release --state-project adv --artifact "$adv_prefix" --as "$reviewer" --comment "\$(touch $markers/comment-approve)"
expect_exit 0 "the reviewer with the hostile address approves"
LAST_CMD=
cd "$E2E_WORK"
echo "hostile spec, pipeline 1 again: the gate job re-run, then the deploy"
gcl "$adv" a2.log "${adv_vars[@]}" --manual main:gate:release main:gate:release main:deploy:churn_prod
expect_job a2.log main:gate:release PASS
expect_job a2.log main:deploy:churn_prod PASS
expect_job_log "$adv" main:deploy:churn_prod "monitor churn_live passed" "the monitor reads the file with the hostile name"

if grep -a -q -F -- "$adv_token" a1.log a2.log "$adv"/.gitlab-ci-local/output/*.log; then fail "the secret's value reached a job log"
else pass "the hostile secret's value is in no job log"; fi
expect_eq "$(ls -A "$markers")" "" "no payload ran (no marker in $markers)"
[[ ! -e /builds/mlopsc-e2e/$gcl_project ]] && pass "no job wrote to its CI_PROJECT_DIR outside the repository" ||
  fail "a job wrote to /builds/mlopsc-e2e/$gcl_project"
expect_eq "$(find "$E2E_WORK" /builds -name 'pwned-*' 2>/dev/null)" "" "no payload ran (no pwned-* file anywhere)"

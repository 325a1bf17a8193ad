#!/usr/bin/env bash
# The credit-risk example's CI, simulated as a CI platform runs it (issue 15):
# every job in a fresh checkout of its own, the artifact folders of earlier
# jobs passed along, and one team's record shared by all of them through
# MLOPS_STATE, which each job gets exactly when the generated GitHub
# workflow gives it (its run step's `env`). The record is a SQLite file, or
# with MLOPS_TEST_STATE=pg a throwaway PostgreSQL cluster (lib.bash).
#
# Run 1: the gate's job waits (exit 5) and says who must approve with which
# command; approvals from other machines (other folders, the same
# MLOPS_STATE) name the artifact by a digest prefix; a model owner's
# approval is refused and a second approval by the same person counts once;
# an approval by someone only a pull request's spec (written to the record
# by its job) makes a validator does not count; the re-run gate job passes. Runs 2 and 3: the drift test fails on shifted
# data and the regression test warns on a worse model, both against the
# approved model of run 1. Without MLOPS_STATE, jobs that need the record
# stop (exit 2) naming the secret; a step's command never sees it.
source "$(dirname "$0")/lib.bash"
# With MLOPS_TEST_STATE=pg lib.bash started a cluster and exported its
# MLOPS_STATE: here the jobs get it only as the workflow says.
if [[ ${MLOPS_TEST_STATE:-} == pg ]]; then
  TEAM=$MLOPS_STATE
else
  mkdir team
  TEAM=$PWD/team/team.db
fi
unset MLOPS_STATE MLOPS_RUN_ID PGPASSWORD

cp -a "$MLOPS_SOURCE_DIR/examples/credit-risk" repo
rm -rf repo/build repo/.mlops repo/serving repo/mlops
# A python3 first on PATH that notes what a node's command could see: its
# own environment and mlopsc's (/proc/PID/environ of the nearest ancestor
# named mlopsc). What launched mlopsc (the CI runner, here `timeout`) is
# the platform's business.
# (A node's command gets no SEEN_FILE: the path is written into the shim.)
mkdir shim
SEEN_FILE=$PWD/seen.env
: > "$SEEN_FILE"
{ echo '#!/bin/sh'; echo "seen='$SEEN_FILE'"; } > shim/python3
cat >> shim/python3 <<'SH'
{ echo "== env"; env
  p=$PPID
  while [ "$p" -gt 1 ] && [ "$(cat /proc/$p/comm)" != mlopsc ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
  if [ "$p" -gt 1 ]; then echo "== mlopsc"; tr '\0' '\n' < /proc/$p/environ; else echo "== no mlopsc ancestor"; fi
} >> "$seen" 2>&1
exec /usr/bin/python3 "$@"
SH
chmod +x shim/python3
SHIM=$PWD/shim

cd repo
run build credit_risk.mlops -o mlops --emit=ir,github --ci-ir-path mlops/pipeline.json
expect_exit 0 "the IR and the GitHub workflow of the example"
cd ..

# Which nodes' jobs get MLOPS_STATE, as the generated workflow says.
python3 - repo/mlops/github/main.yml > state-nodes <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
for job in wf["jobs"].values():
    for step in job.get("steps", []):
        env = step.get("env") or {}
        if "MLOPS_NODE" in env and "MLOPS_STATE" in env:
            assert env["MLOPS_STATE"] == "${{ secrets.MLOPS_STATE }}", env["MLOPS_STATE"]
            print(env["MLOPS_NODE"])
PY
expect_eq "$(sort state-nodes | tr '\n' ' ')" \
  "deploy:scorer_prod gate:production model:scorer test:income_drift test:no_regression " \
  "the workflow gives MLOPS_STATE to the model, the tests reading the record, the gate and the deploy only"

mkdir artifacts
# job RUN NODE: NODE's CI job of CI run RUN in a fresh checkout, with the
# artifacts so far; MLOPS_STATE when the workflow gives it (NO_STATE=1: never).
job() {
  local runid=$1 node=$2
  local -a envs=(--env CI=true --env "MLOPS_RUN_ID=$runid" --env FEATURE_STORE_TOKEN=tok-ci-4417 --env "PATH=$SHIM:$PATH")
  if [[ -z ${NO_STATE:-} ]] && grep -qxF "$node" state-nodes; then envs+=(--env "MLOPS_STATE=$TEAM"); fi
  rm -rf job && cp -a repo job && cp -a artifacts job/mlops-artifacts
  cd job
  run "${envs[@]}" run mlops/pipeline.json --node "$node" --artifacts mlops-artifacts --interval-scale 0.0001
  cd ..
  rm -rf artifacts && cp -a job/mlops-artifacts artifacts
}
# approve WHO [ARG...]: `mlopsc approve production` from another machine: a
# fresh checkout without artifacts or model files, the same MLOPS_STATE.
# The approver signs with their key: the example's published demo key
# (made private first: git checks it out 0644), else their own (key_of).
# FROM=DIR approves from another checkout than the repository's.
approve() {
  local who=$1 key
  shift
  rm -rf laptop && cp -a "${FROM:-repo}" laptop
  cd laptop
  chmod 600 demo-keys/*.key
  key=demo-keys/${who%@*}.key
  [[ -f $key ]] || key=$(key_of "$who")
  run --env "MLOPS_STATE=$TEAM" approve production --key "$key" "$@"
  cd ..
}

# edit_applications PYTHON: a new commit's training data (the statements
# edit `rows`, the CSV's rows, header first).
edit_applications() {
  python3 - repo/data/applications.csv "$1" <<'PY'
import csv, random, sys
rows = list(csv.reader(open(sys.argv[1])))
exec(sys.argv[2])
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(rows)
PY
}

# ---- run 1: a new model waits for its approvals
job 1001 step:features
expect_exit 0 "run 1: the feature step's job"
job 1001 model:scorer
expect_exit 0 "run 1: the model's job"
DIGEST=$(json_get artifacts/model-scorer/result.json artifact)
cp artifacts/model-scorer/outputs/build/metrics.json run1-metrics.json
SHORT=${DIGEST:0:12}
job 1001 test:auc_floor
expect_exit 0 "run 1: the AUC floor's job"
job 1001 test:income_drift
expect_exit 0 "run 1: the drift test's job"
expect_stdout_contains "no reference profile yet" "run 1: the first model has no drift reference and says so"
job 1001 test:no_regression
expect_exit 0 "run 1: the regression test's job"
expect_stdout_contains "no baseline yet" "run 1: the first model has no baseline and says so"
job 1001 gate:production
expect_exit 5 "run 1: the gate's job waits for approvals (exit 5)"
expect_stdout_contains "artifact $SHORT of model \`scorer\` needs approval by 2 of validators (carol@bank.example, grace@bank.example), risk_owner (alice@bank.example)" \
  "run 1: the gate names whose approvals it needs for this artifact"
# A shared database holds several projects: the command names this one.
project_flag=""
[[ ${MLOPS_TEST_STATE:-} == pg ]] && project_flag=" --state-project credit_risk"
expect_stdout_contains "each runs \`mlopsc approve production --artifact $SHORT$project_flag --key KEY\` (KEY: their SSH key listed in allowed_signers) with the same MLOPS_STATE" \
  "run 1: the gate prints the exact command"
cp "$STDOUT" gate-waiting.out
if grep -q "trusts its orchestrator" "$STDOUT"; then fail "the gate job still trusts its orchestrator"; else pass "no approval is taken on trust"; fi
job 1001 deploy:scorer_prod
expect_exit 3 "run 1: the deploy's job refuses to roll out without the gate's pass"

approve bob@bank.example --artifact "$SHORT"  # a modeler, with a key in allowed_signers
expect_exit 6 "a model owner's approval is refused (separation of duties)"
expect_stderr_contains "separation of duties" "the refusal says why"
approve carol@bank.example --artifact "${DIGEST:0:7}"
expect_exit 2 "a digest prefix under 8 hex digits is refused"
approve carol@bank.example --artifact ffffffffffff
expect_exit 2 "a digest no model job recorded is refused"
expect_stderr_contains "ffffffffffff" "the error names the prefix"
approve carol@bank.example --artifact "$SHORT" --comment "validated on the hold-out"
expect_exit 0 "a validator approves from another machine by the digest prefix"
cp "$STDOUT" approval-carol.out
expect_stdout_contains "artifact $SHORT" "the approval is bound to the artifact"
approve carol@bank.example --artifact "$SHORT"
expect_exit 0 "approving twice is no error"
expect_stdout_contains "already approved" "a second approval by the same person is not recorded again"
# A pull request's job runs its own spec, in which mallory is a validator
# with a key in its allowed_signers, against the same record: the record's
# latest graph is now that one, and `approve` from the pull request's
# checkout, which checks roles and keys against it, takes mallory's signed
# approval. The gate's job counts under the repository's spec and signers
# file, never the record's graph: her key is in no line of it.
rm -rf pr && cp -a repo pr && cp -a artifacts pr/mlops-artifacts
sed -i 's/members = \["carol@bank.example", "grace@bank.example"\]/members = ["carol@bank.example", "grace@bank.example", "mallory@evil.example"]/' pr/teams.mlops
# (with her key in its allowed_signers, which such a pull request would add too: E0509)
write_signers mallory.allowed_signers mallory@evil.example && cat mallory.allowed_signers >>pr/allowed_signers
cd pr
run build credit_risk.mlops -o mlops --emit=ir --ci-ir-path mlops/pipeline.json
run --env CI=true --env MLOPS_RUN_ID=2001 --env "MLOPS_STATE=$TEAM" --env FEATURE_STORE_TOKEN=t \
  run mlops/pipeline.json --node model:scorer --artifacts mlops-artifacts
cd ..
expect_exit 0 "a pull request's model job writes its graph to the record"
FROM=pr approve mallory@evil.example --artifact "$SHORT"
expect_exit 0 "approve checks roles against the record's latest graph: the pull request's"
approve carol@bank.example --artifact "$SHORT"
expect_exit 0 "the repository's checkout approves under its own graph, not the pull request's"
expect_stderr_contains "approving under the graph of run" "it says which graph, the newest compiled with its allowed_signers"
expect_stdout_contains "already approved" "carol's approval stands"
job 1001 gate:production
expect_exit 5 "one validator is not the quorum of two"
expect_stdout_contains "2 of validators (carol@bank.example, grace@bank.example; 1 so far: carol@bank.example)" \
  "the gate counts carol once, and not mallory, whom only the pull request's spec makes a validator"
expect_stdout_contains "(mallory@evil.example): signed with SHA256:" "the gate names mallory's approval as not counted"
expect_stdout_contains "which is not in allowed_signers" "because her key is not in the repository's signers file"
approve grace@bank.example --artifact "$SHORT"
expect_exit 0 "the second validator approves"
cp "$STDOUT" approval-grace.out
approve alice@bank.example --artifact "$SHORT"
expect_exit 0 "the risk owner approves"
cp "$STDOUT" approval-alice.out
expect_stdout_contains "every approval the gate needs is in" "the last approval completes the quorum"
job 1001 gate:production
expect_exit 0 "run 1: the re-run gate job passes"
expect_stdout_contains "gate production: passed (approved by carol@bank.example, grace@bank.example, alice@bank.example for artifact $SHORT)" \
  "run 1: the gate names its approvers"
cp "$STDOUT" gate-passed.out
job 1001 deploy:scorer_prod
expect_exit 0 "run 1: the deploy's job rolls the approved model out"

# One CI run is one run in the record.
mkdir viewer && cd viewer
run --env "MLOPS_STATE=$TEAM" history
cd ..
expect_exit 0 "history of the shared record"
expect_eq "$(sed -n '/^runs:/,/^gate passes:/p' "$STDOUT" | grep -c '^  [0-9]')" 2 \
  "two CI runs, two runs in history: the jobs of CI run 1001 are one run (the pull request's job the other)"
expect_stdout_contains "production for model:scorer (artifact $SHORT)" "history shows the gate pass of the CI run"

# ---- without MLOPS_STATE a job that needs the record stops
NO_STATE=1 job 1001 gate:production
expect_exit 2 "a gate job without MLOPS_STATE stops (exit 2)"
expect_stderr_contains "MLOPS_STATE" "the error names the secret to set"
expect_stderr_contains "docs/ci.md" "the error points at the docs"
NO_STATE=1 job 1001 model:scorer
expect_exit 2 "a model job without MLOPS_STATE stops (exit 2)"
NO_STATE=1 job 1001 test:no_regression
expect_exit 2 "a test reading the baseline without MLOPS_STATE stops, never passing vacuously"
NO_STATE=1 job 1001 test:auc_floor
expect_exit 0 "a test that reads no record needs no MLOPS_STATE"

# ---- a step's command never sees the record's address
# (the job of a step gets none; even when a platform hands it to every job,
# as GitLab does, mlopsc takes it out before any command starts)
rm -rf artifacts && mkdir artifacts
: > "$SEEN_FILE"
job 1002 step:features
expect_exit 0 "the step's job without MLOPS_STATE"
if grep -q '^== mlopsc' "$SEEN_FILE"; then pass "the shim saw the step's command and mlopsc"; else fail "the step's command did not run the shim under mlopsc: $(head -c 300 "$SEEN_FILE")"; fi
if grep -q "MLOPS_STATE" "$SEEN_FILE"; then fail "the step's job saw MLOPS_STATE"; else pass "the step's job never sees MLOPS_STATE"; fi
: > "$SEEN_FILE"
cd job
run --env CI=true --env MLOPS_RUN_ID=1002 --env "MLOPS_STATE=$TEAM" --env FEATURE_STORE_TOKEN=tok-ci-4417 \
  --env "PATH=$SHIM:$PATH" run mlops/pipeline.json --node model:scorer --artifacts mlops-artifacts
cd ..
expect_exit 0 "a model job with MLOPS_STATE"
if grep -qF -e MLOPS_STATE -e "$TEAM" "$SEEN_FILE"; then fail "the model's command saw the record's address: $(grep -m1 'MLOPS_STATE' "$SEEN_FILE")"
else pass "the model's command sees neither MLOPS_STATE nor its value, not even in mlopsc's /proc/PID/environ"; fi

# ---- run 2: shifted data fails the drift test against the approved model
edit_applications 'i = rows[0].index("income")
for r in rows[1:]:
    r[i] = "%.2f" % (float(r[i]) * 2.5)'
rm -rf artifacts && mkdir artifacts
job 1002 step:features
job 1002 model:scorer
expect_exit 0 "run 2: the model's job on shifted data"
job 1002 test:income_drift
expect_exit 4 "run 2: the drift test fails on shifted data (exit 4)"
expect_stderr_contains "test income_drift: failed (expected drift.psi(column) < threshold, with drift.psi(\"income\") = " \
  "run 2: the drift test compares with the reference of the approved model"
cp "$STDERR" drift-failed.out
job 1002 test:no_regression
expect_exit 0 "run 2: the regression test's job"
expect_stdout_contains "baseline.auc" "run 2: the regression test reads the approved model's metrics"
job 1002 test:auc_floor
job 1002 gate:production
expect_exit 3 "run 2: the gate's job fails without the drift test's pass"

# ---- run 3: a worse model warns against the approved baseline
cp "$MLOPS_SOURCE_DIR/examples/credit-risk/data/applications.csv" repo/data/applications.csv
edit_applications 'i = rows[0].index("default")
rng = random.Random(3)
for r in rows[1:]:
    if rng.random() < 0.08:
        r[i] = "false" if r[i] == "true" else "true"'
rm -rf artifacts && mkdir artifacts
job 1003 step:features
job 1003 model:scorer
expect_exit 0 "run 3: the model's job on noisier labels"
job 1003 test:no_regression
expect_exit 0 "run 3: a warning test does not fail its job"
expect_stderr_contains "test no_regression: warning (expected metrics.auc >= baseline.auc - 0.01, with metrics.auc = " \
  "run 3: the regression test warns: the model is worse than the approved one"
expect_stderr_contains "baseline.auc = $(json_get run1-metrics.json auc)" "run 3: the baseline is the approved model's AUC"
cp "$STDERR" regression-warning.out

# The transcript for the issue's closing note.
{
  echo "--- gate job, run 1, before approvals"; grep -a 'gate production' gate-waiting.out
  for who in carol grace alice; do echo "--- approve ($who)"; cat "approval-$who.out"; done
  echo "--- gate job re-run"; grep -a 'gate production' gate-passed.out
  echo "--- drift test, run 2 (shifted incomes)"; grep -a 'income_drift' drift-failed.out
  echo "--- regression test, run 3 (noisier labels)"; grep -a 'no_regression' regression-warning.out
} | sed 's/^/    /' >&2

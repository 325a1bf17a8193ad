#!/usr/bin/env bash
# Gates, approvals, deploys and monitors with `mlopsc run`: a gate waits
# (exit 5) and says whose approvals it needs; `approve` refuses outsiders and
# the model's owners (separation of duties, exit 6) and binds approvals to
# the model artifact (retraining needs new ones); the pass stores the
# baseline and the drift reference the next runs test against; a canary
# rolls out step by step with the monitors between steps and rolls back
# when one fails; the approvals log is hash-chained and `history --verify`
# catches an edited or deleted row; `status`, `log`, `history`,
# `--secrets-file` and log redaction.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
python3 - <<'PY'
import random
random.seed(7)
with open("data/loans.csv", "w") as f:
    f.write("income,region\n")
    for _ in range(400):
        f.write("%.1f,%s\n" % (random.gauss(50, 10), random.choice(["north", "south"])))
PY
echo 0.9 > auc.txt
echo '{"error_rate": 0.01}' > live.json
# dan (an owner of the model) and a stranger have keys too: their refusals are about roles
write_signers allowed_signers val1@x.example val2@x.example val3@x.example boss@x.example dan@x.example stranger@x.example
cat > g.mlops <<'SPEC'
project g { version = "1.0.0"  risk_tier = high  signers = file("allowed_signers") }
use std.roles
use std.checks
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example", "dora@x.example"] }
role mrm : model_risk_manager { members = ["val1@x.example", "val2@x.example", "val3@x.example"] }
role biz : sme { members = ["boss@x.example"] }
role ops : devops { members = ["op@x.example"] }
data loans {
  owner  = eng
  source = file("data/loans.csv")
  format = csv
  schema { income : float  region : string }
}
model m {
  owner   = ds
  inputs  = [loans]
  run     = "echo \"token=$TOKEN\"; cp ${inputs.loans} ${outputs.model} && printf '{\"auc\": %s}' \"$(cat auc.txt)\" > ${outputs.metrics}"
  outputs { model = "build/model.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
  secrets = [TOKEN]
}
test floor on m { expect metrics.auc >= 0.7 }
test no_regression on m {
  expect metrics.auc >= baseline.auc - 0.05
  severity = warning
}
test income_drift on loans uses psi { column = "income"  threshold = 0.2 }
gate release for m {
  require   = [floor, no_regression, income_drift]
  approvals = [2 of mrm, biz]
}
deploy prod {
  owner    = ops
  model    = m
  after    = release
  strategy = canary { steps = [25%, 50%, 100%]  interval = 1h }
  run      = "echo \"$MLOPS_TRAFFIC_PERCENT $MLOPS_ROLLOUT_STEP\" >> rollout.log"
  rollback = "echo rolled-back >> rollout.log"
}
monitor live on prod {
  source = file("live.json")
  expect live.error_rate < 2%
  alert  = [ops]
}
SPEC
printf '# secrets for the test\nexport TOKEN="tok-secret-123"\n' > secrets.env

# ---- first run: everything up to the gate, which waits
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 5 "a gate without approvals makes the run wait"
expect_stdout_contains "gate release: waiting" "the gate waits"
expect_stdout_contains "needs approval by 2 of mrm (val1@x.example, val2@x.example, val3@x.example), biz (boss@x.example)" \
  "the gate says whose approvals it needs"
expect_stdout_contains "deploy prod: skipped (\`gate:release\` is waiting for approvals)" "the deploy waits behind the gate"
expect_stdout_contains "test no_regression: passed (no baseline yet" "no baseline before the first gate pass"
expect_stdout_contains "test income_drift: passed (no reference profile yet" "no drift reference before the first gate pass"
expect_stdout_contains "run waiting for approvals" "the summary says the run waits"

# secrets: from the file, to the node only, masked in its log, nowhere on disk
log=$(ls .mlops/logs/1/model-m.log)
if grep -q "token=\*\*\*" "$log"; then pass "the secret echoed by the node is masked in its log"; else fail "the node's log does not show the masked secret: $(cat "$log")"; fi
if grep -r -a -q "tok-secret-123" .mlops build; then fail "the secret value was written under .mlops or build"; else pass "the secret from --secrets-file is in no state, log or output file"; fi
printf 'TOKEN\n' > bad.env
run run g.mlops --secrets-file bad.env
expect_exit 2 "a malformed secrets file is a usage error"
expect_stderr_contains "bad.env:1: expected \`NAME=value\`" "the bad line is located, its text not echoed"

# ---- approvals: who may, who may not
run approve release --as dan@x.example
expect_exit 6 "an owner of the model cannot approve its gate"
expect_stderr_contains "dan@x.example is a member of \`ds\`, which owns model \`m\`: separation of duties forbids approving its gate" \
  "the refusal names the rule and the role"
run approve release --as stranger@x.example
expect_exit 6 "a non-member cannot approve"
expect_stderr_contains "stranger@x.example is not a member of any approval role of gate \`release\`" "the refusal says why"
run approve nope --as val1@x.example
expect_exit 2 "an unknown gate"
expect_stderr_contains "no gate \`nope\`" "the unknown gate is named"
run approve release --as val1@x.example --comment "checked the AUC"
expect_exit 0 "a validator approves"
expect_stdout_contains "still needed: 2 of mrm" "the approval says what is still needed"
run approve release --as val1@x.example
expect_stdout_contains "already approved" "approving twice counts once"
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 5 "one approval of three is not a quorum"
expect_stdout_contains "1 so far: val1@x.example" "the gate counts the approvals so far"
run approve release --as val2@x.example
run approve release --as boss@x.example
expect_stdout_contains "every approval the gate needs is in" "the last approval completes the quorum"

# ---- the gate passes; the canary rolls out with the monitor between steps
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 0 "with the approvals the run passes the gate and deploys"
expect_stdout_contains "gate release: passed (approved by val1@x.example, val2@x.example, boss@x.example" "the gate names its approvers"
expect_stdout_contains "deploy prod: monitor live passed" "the monitor is evaluated between canary steps"
expect_stdout_contains "deploy prod: rolled out" "the deploy rolls out"
expect_stdout_contains "model m: cached" "the approved model is not rebuilt"
expect_eq "$(tr '\n' ' ' < rollout.log)" "25 1/3 50 2/3 100 3/3 " "one deploy run per canary step, with its traffic percent"

run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 0 "a rerun after the deploy"
expect_stdout_contains "deploy prod: cached (this artifact is already rolled out)" "the same artifact is not deployed twice"
expect_stdout_contains "test income_drift: passed (drift.psi(column) < threshold, with drift.psi(\"income\") = 0" \
  "drift is measured against the reference stored at the gate pass"
expect_stdout_contains "test no_regression: passed (metrics.auc >= baseline.auc - 0.05, with metrics.auc = 0.9, baseline.auc = 0.9)" \
  "the baseline is the metrics of the gate pass"

# ---- status, log, history
run status
expect_exit 0 "status"
expect_stdout_contains "(all 8 nodes up to date)" "status: nothing is stale"
echo 0.8 > auc.txt
sed -i 's/cp \${inputs.loans}/cp -p \${inputs.loans}/' g.mlops
run status g.mlops
expect_stdout_contains "model:m" "status lists the stale model"
expect_stdout_contains "command changed" "and says why"
run log m
expect_exit 0 "log of a node that ran"
expect_stdout_contains "token=***" "the log is the node's output"
run history
expect_stdout_contains "val1@x.example (mrm) approved gate:release" "history lists the approvals"
expect_stdout_contains ": \"checked the AUC\"" "with their comments"
run history --verify
expect_exit 0 "an untouched approvals log verifies"
expect_stdout_contains "approvals log verified: 3 rows, hash chain intact" "the verification says what it checked"

# ---- retraining: a new artifact needs new approvals; the baseline catches the regression
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 5 "a retrained model waits for new approvals"
expect_stdout_contains "model m: ran" "the changed model runs"
expect_stderr_contains "test no_regression: warning (expected metrics.auc >= baseline.auc - 0.05, with metrics.auc = 0.8, baseline.auc = 0.9)" \
  "the regression against the approved baseline is reported"
expect_stdout_contains "needs approval by 2 of mrm" "the old approvals do not carry over to the new artifact"

# ---- drift: shifted data fails the blocking drift test
python3 - <<'PY'
lines = open("data/loans.csv").read().splitlines()
out = [lines[0]] + ["%.1f,%s" % (float(l.split(",")[0]) + 25, l.split(",")[1]) for l in lines[1:]]
open("data/loans.csv", "w").write("\n".join(out) + "\n")
PY
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 4 "drift beyond the threshold fails the blocking test"
expect_stderr_contains "test income_drift: failed (expected drift.psi(column) < threshold, with drift.psi(\"income\") = " "the PSI is shown"
expect_stdout_contains "gate release: skipped" "a failed required test blocks the gate"

# ---- a failing monitor mid-canary rolls back
rm -rf .mlops build rollout.log
git_restore() { python3 - <<'PY'
lines = open("data/loans.csv").read().splitlines()
out = [lines[0]] + ["%.1f,%s" % (float(l.split(",")[0]) - 25, l.split(",")[1]) for l in lines[1:]]
open("data/loans.csv", "w").write("\n".join(out) + "\n")
PY
}
git_restore
run run g.mlops --secrets-file secrets.env
for who in val1 val3 boss; do run approve release --as $who@x.example; done
echo '{"error_rate": 0.05}' > live.json
run run g.mlops --secrets-file secrets.env --interval-scale 0.0001
expect_exit 3 "a monitor failing mid-rollout fails the deploy"
expect_stderr_contains "deploy prod: failed" "the deploy fails"
expect_stderr_contains "monitor \`live\` failed at 25%: expected live.error_rate < 2%, with live.error_rate = 0.05; alert ops (op@x.example); rolled back" \
  "the failure names the monitor, the step, the value, who to alert, and the rollback"
expect_eq "$(tr '\n' ' ' < rollout.log)" "25 1/3 rolled-back " "the rollout stopped at the first step and rolled back"

# ---- tampering with the approvals log
if [[ ${MLOPS_TEST_STATE:-} == pg ]]; then
  # The record is project g's schema in the throwaway cluster (lib_pg.bash):
  # the database refuses edits, and a superuser who disables its triggers is
  # caught by --verify. Each edit is undone before the next, as the SQLite
  # branch restores its copy.
  A=mlops_g.approvals
  if out=$(pg_sql "UPDATE $A SET email = 'mallory@x.example' WHERE id = 1" 2>&1); then
    fail "the approvals table accepted an UPDATE"
  else
    grep -q "append-only" <<<"$out" && pass "the approvals table refuses updates (append-only trigger)" ||
      fail "the UPDATE failed for another reason: $out"
  fi
  edit() { pg_sql "ALTER TABLE $A DISABLE TRIGGER USER; $1; ALTER TABLE $A ENABLE TRIGGER USER" >/dev/null; }
  pg_sql "CREATE TABLE public.saved AS SELECT * FROM $A" >/dev/null
  restore() { edit "DELETE FROM $A; INSERT INTO $A SELECT * FROM public.saved"; }
  edit "UPDATE $A SET email = 'mallory@x.example' WHERE id = 1"
  run history --verify
  expect_exit 6 "an edited approval row is detected"
  expect_stderr_contains "approval 1 (mallory@x.example for \`gate:release\`) was changed after it was written" "the edited row is named"
  restore
  edit "DELETE FROM $A WHERE id = 2"
  run history --verify
  expect_exit 6 "a deleted approval row is detected"
  expect_stderr_contains "approval 2 is missing" "the gap is named"
  restore
  edit "DELETE FROM $A WHERE id = (SELECT MAX(id) FROM $A)"
  run history --verify
  expect_exit 6 "deleting the newest approvals is detected through the gate pass that saw them"
  expect_stderr_contains "rows were deleted" "the truncation is reported"
  restore
  run history --verify
  expect_exit 0 "the restored log verifies again"
else
python3 - <<'PY'
import sqlite3
c = sqlite3.connect(".mlops/state.db")
try:
    c.execute("UPDATE approvals SET email = 'mallory@x.example' WHERE id = 1")
    raise SystemExit("the approvals table accepted an UPDATE")
except sqlite3.DatabaseError as e:
    assert "append-only" in str(e), e
PY
pass "the approvals table refuses updates (append-only trigger)"
cp .mlops/state.db pristine.db
python3 - <<'PY'
import sqlite3
c = sqlite3.connect(".mlops/state.db")
c.execute("DROP TRIGGER approvals_no_update")
c.execute("UPDATE approvals SET email = 'mallory@x.example' WHERE id = 1")
c.commit()
PY
run history --verify
expect_exit 6 "an edited approval row is detected"
expect_stderr_contains "approval 1 (mallory@x.example for \`gate:release\`) was changed after it was written" "the edited row is named"
cp pristine.db .mlops/state.db
rm -f .mlops/state.db-wal .mlops/state.db-shm
python3 - <<'PY'
import sqlite3
c = sqlite3.connect(".mlops/state.db")
c.execute("DROP TRIGGER approvals_no_delete")
c.execute("DELETE FROM approvals WHERE id = 2")
c.commit()
PY
run history --verify
expect_exit 6 "a deleted approval row is detected"
expect_stderr_contains "approval 2 is missing" "the gap is named"
cp pristine.db .mlops/state.db
rm -f .mlops/state.db-wal .mlops/state.db-shm
python3 - <<'PY'
import sqlite3
c = sqlite3.connect(".mlops/state.db")
c.execute("DROP TRIGGER approvals_no_delete")
c.execute("DELETE FROM approvals WHERE id = (SELECT MAX(id) FROM approvals)")
c.commit()
PY
run history --verify
expect_exit 6 "deleting the newest approvals is detected through the gate pass that saw them"
expect_stderr_contains "rows were deleted" "the truncation is reported"
if [[ $(python3 -c 'import sqlite3; print(sqlite3.connect(".mlops/state.db").execute("PRAGMA integrity_check").fetchone()[0])') == ok ]]; then
  pass "the state store passes PRAGMA integrity_check"
else
  fail "PRAGMA integrity_check failed"
fi

fi

# ---- CI jobs: --node runs one node; --artifacts carries files between jobs
mkdir -p ../ci && cp g.mlops allowed_signers auc.txt live.json ../ci/ && cp -r data ../ci/ && cd ../ci
echo 0.9 > auc.txt
echo '{"error_rate": 0.01}' > live.json
run build g.mlops -o out --emit=ir
expect_exit 0 "the IR for the CI jobs"
mkdir -p artifacts
TEAM=$(cd .. && pwd)/team.db  # the team's record every job shares (MLOPS_STATE)
job() {  # job NODE: a CI job (CI set) in a fresh checkout (no .mlops, no build/) with the artifacts so far
  rm -rf ../job && mkdir ../job && cp -r g.mlops allowed_signers auc.txt live.json data out ../job/ && cp -r artifacts ../job/mlops-artifacts
  cd ../job
  run --env TOKEN=t --env CI=true --env "MLOPS_STATE=$TEAM" run out/pipeline.json --node "$1" --artifacts mlops-artifacts --interval-scale 0.0001
  cd ../ci
  rm -rf artifacts && cp -r ../job/mlops-artifacts artifacts
}
ci_approve() {  # ci_approve WHO PREFIX: an approver's machine (no model files; the repository's signers file), the same record
  rm -rf ../approver && mkdir ../approver && cp allowed_signers ../approver/ && cd ../approver
  run --env "MLOPS_STATE=$TEAM" approve release --artifact "$2" --as "$1"
  cd ../ci
}
job model:m
expect_exit 0 "the model's job"
expect_stdout_contains "[1/1] model m: ran" "--node runs exactly that node"
[[ -f artifacts/model-m/outputs/build/model.csv && -f artifacts/model-m/result.json ]] \
  && pass "the node's outputs and result are left in DIR/model-m/" || fail "no artifacts for model:m: $(find artifacts)"
job test:floor
expect_stdout_contains "[1/1] test floor: passed (metrics.auc >= 0.7, with metrics.auc = 0.9)" \
  "a test job reads the metrics restored from the model's artifact"
job gate:release
expect_exit 3 "the gate's job without the results of all its required tests"
expect_stderr_contains "required test \`test:no_regression\` has no passing result: \`mlops-artifacts/test-no_regression/result.json\` is missing" \
  "the gate names the missing test result"
job test:no_regression
job test:income_drift
job gate:release
expect_exit 5 "with every required result the gate's job still waits for the approvals in the record"
prefix=$(json_get artifacts/model-m/result.json artifact | cut -c1-12)
expect_stdout_contains "needs approval by 2 of mrm (val1@x.example, val2@x.example, val3@x.example), biz (boss@x.example); each runs \`mlopsc approve release --artifact $prefix --key KEY\` (KEY: their SSH key listed in allowed_signers) with the same MLOPS_STATE" \
  "the waiting gate job says who approves, with the exact command"
ci_approve val1@x.example "$prefix"
expect_exit 0 "an approver approves the recorded artifact from another machine"
ci_approve val2@x.example "$prefix"
ci_approve boss@x.example "$prefix"
expect_stdout_contains "every approval the gate needs is in" "the approvals are complete"
job gate:release
expect_exit 0 "with the approvals in the record the re-run gate job passes"
expect_stdout_contains "gate release: passed (approved by val1@x.example, val2@x.example, boss@x.example for artifact $prefix)" \
  "the gate job names the approvers from the record"
job deploy:prod
expect_exit 0 "the deploy's job rolls out the restored model"
run run out/pipeline.json --node model:m extra
expect_exit 2 "--node with targets is a usage error"
run run out/pipeline.json --artifacts x
expect_exit 2 "--artifacts without --node is a usage error"

# ---- a canary pausing between steps gives its -j slot to other nodes
mkdir -p ../slot && cd ../slot
cat > s.mlops <<'SPEC'
project s { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = ["val@x.example"] }
role ops : devops { members = ["op@x.example"] }
model m {
  owner   = ds
  run     = "echo m > ${outputs.model} && echo '{\"auc\": 0.9}' > ${outputs.metrics}"
  outputs { model = "build/m.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate release for m { require = [floor]  approvals = [mrm] }
deploy prod {
  owner    = ops
  model    = m
  after    = release
  strategy = canary { steps = [50%, 100%]  interval = 2s }
  run      = "echo \"step $MLOPS_TRAFFIC_PERCENT $(date +%s.%N)\" >> events.log"
}
step slow {
  owner   = eng
  run     = "echo \"slow starts $(date +%s.%N)\" >> events.log; sleep 0.5; echo \"slow ends $(date +%s.%N)\" >> events.log; touch ${outputs.o}"
  outputs { o = "build/slow.txt" }
}
SPEC
run run s.mlops m
run approve release --as val@x.example
rm -f events.log
run run s.mlops -j1
expect_exit 0 "a canary and an independent step with -j1"
expect_eq "$(cut -d' ' -f1,2 events.log | tr '\n' ',')" "step 50,slow starts,slow ends,step 100," \
  "the step runs while the canary waits between its steps, not after it"
# And by the clock: the step ran inside the 2 s pause.
expect_eq "$(awk '/^step 50/ { a = $3 } /^slow ends/ { e = $3 } /^step 100/ { b = $3 }
  END { print (e > a && e < b && b - a >= 2) ? "inside" : "outside: " a " " e " " b }' events.log)" \
  inside "the step ran during the canary's pause"

#!/usr/bin/env bash
# Security of what a gate trusts (issue 14, items 1, 7 and 11): the model's
# bytes, the gate's policy and the state database's rows.
#   item 1: a model rewritten in place after its approvals, its mtime put
#           back (`touch -r`), is neither taken from the cache nor approved
#           nor deployed under the old approvals; a deploy re-hashes the
#           artifact before each step and refuses one that changed.
#   item 7: a recorded gate pass does not survive a change of the gate's
#           policy (a higher quorum, another risk owner): `run` and `status`
#           say "policy changed since the pass".
#   item 11: a gate pass INSERTed into the database by hand passes no gate,
#           resets no baseline, and `history --verify` names it; gate passes
#           are append-only.
source "$(dirname "$0")/lib.bash"

command -v sqlite3 >/dev/null || { fail "the sqlite3 command-line tool is missing (scripts/install-deps)"; exit 1; }

# overwrite FILE: changes bytes inside FILE without changing its size or
# inode and puts its mtime back, as an attacker hiding the edit would.
overwrite() {
  touch -r "$1" "$1.stamp"
  sleep 0.05  # the edit comes after the hash (the kernel's ctime ticks in jiffies)
  python3 - "$1" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    data = f.read()
    at = next(i for i, b in enumerate(data) if chr(b) in "12345678")
    f.seek(at)
    f.write(b"9")
PY
  touch -r "$1.stamp" "$1"
  rm "$1.stamp"
}

# ---- item 1, the issue's reproduction on the credit-risk example
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" cr
cd cr
rm -rf .mlops build serving
run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.0001
expect_exit 5 "item 1: the first run waits for the approvals"
for who in carol grace alice; do run approve production --as $who@bank.example; done
expect_stdout_contains "every approval the gate needs is in" "item 1: the approvals are complete"
approved=$(grep -o 'artifact [0-9a-f]*' "$STDOUT" | head -n1 | cut -d' ' -f2)
cp build/scorer.json ../approved-scorer.json
overwrite build/scorer.json
cp build/scorer.json ../tampered-scorer.json
if cmp -s ../approved-scorer.json ../tampered-scorer.json || [[ $(stat -c %s ../approved-scorer.json) != $(stat -c %s build/scorer.json) ]]; then
  fail "item 1: the test did not tamper with build/scorer.json as intended"
fi

run approve production --as carol@bank.example
expect_stdout_not_contains "already approved" "item 1: approve hashes the model's bytes: the rewritten model is not the approved artifact"
expect_stdout_not_contains "artifact $approved" "item 1: approve names another artifact than the approved $approved"

run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.0001 --explain
expect_stdout_not_contains "model scorer: cached" "item 1: a model rewritten with its mtime put back is not taken from the cache"
expect_stdout_contains "output \`build/scorer.json\` changed since it was written" "item 1: the run says the output changed"
if cmp -s serving/scorer.json ../tampered-scorer.json; then
  fail "item 1: the tampered model was deployed"
else
  pass "item 1: the tampered model was not deployed"
fi
# Retraining rebuilt the approved bytes (the training is deterministic), so
# the approvals hold for them and the run deploys them.
expect_exit 0 "item 1: the rebuilt model is the approved artifact: the run passes the gate and deploys"
if cmp -s serving/scorer.json ../approved-scorer.json; then
  pass "item 1: serving/ holds the approved model"
else
  fail "item 1: serving/ does not hold the approved model"
fi
cd ..

# ---- a small project: a model, a test against the baseline, a gate, a deploy
# spec QUORUM BIZ STRATEGY DEPLOY_RUN [ROLLBACK]: writes g.mlops
spec() {
  write_signers allowed_signers val1@x.example val2@x.example val3@x.example "$2"
  cat > g.mlops <<SPEC
project g { version = "1.0.0"  risk_tier = high  signers = file("allowed_signers") }
use std.roles
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = ["val1@x.example", "val2@x.example", "val3@x.example"] }
role biz : sme { members = ["$2"] }
role ops : devops { members = ["op@x.example"] }
model m {
  owner   = ds
  params  { auc = 0.9 }
  run     = "printf 'weights 1234567' > \${outputs.model} && printf '{\"auc\": %s}' \${params.auc} > \${outputs.metrics}"
  outputs { model = "build/model.bin"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
test no_regression on m {
  expect metrics.auc >= baseline.auc - 0.05
  severity = warning
}
gate release for m {
  require   = [floor, no_regression]
  approvals = [$1 of mrm, biz]
}
deploy prod {
  owner    = ops
  model    = m
  after    = release
  strategy = $3
  run      = "$4"
  rollback = "${5:-true}"
}
SPEC
}
approve_all() { for who in val1 val2 boss; do run approve release --as $who@x.example; done; }

# ---- item 1: a deploy rolls out exactly the artifact its gate passed
mkdir deploy && cd deploy
# The rollout's first step itself rewrites the model in place (as an
# attacker with write access between two canary steps would).
spec 2 boss@x.example 'canary { steps = [50%, 100%]  interval = 1h }' \
  'echo \"step $MLOPS_TRAFFIC_PERCENT $(cat build/model.bin)\" >> rollout.log; if [ $MLOPS_TRAFFIC_PERCENT = 50 ]; then touch -r build/model.bin stamp; sleep 0.05; printf 9 | dd of=build/model.bin bs=1 seek=8 conv=notrunc 2>/dev/null; touch -r stamp build/model.bin; fi' \
  'echo rolled-back >> rollout.log'
run run g.mlops
approve_all
run run g.mlops --interval-scale 0.0001
expect_exit 3 "item 1: a deploy whose artifact changed between its steps fails"
expect_stderr_contains "changed during the deploy: expected digest" "item 1: the deploy says the artifact changed"
expect_stderr_contains "refusing to roll it out" "item 1: and refuses to roll it out"
expect_eq "$(tr '\n' ',' < rollout.log)" "step 50 weights 1234567,rolled-back," \
  "item 1: the changed model never reached the next step; the rollout was rolled back"
cd ..

# ---- item 7: a recorded pass does not survive a change of the gate's policy
mkdir policy && cd policy
spec 2 boss@x.example rolling 'echo deployed >> deploy.log'
run run g.mlops
approve_all
run run g.mlops
expect_exit 0 "item 7: with the approvals the gate passes"
expect_stdout_contains "gate release: passed (approved by val1@x.example, val2@x.example, boss@x.example" "item 7: the pass is recorded"

spec 3 boss@x.example rolling 'echo deployed >> deploy.log'
run run g.mlops
expect_exit 5 "item 7: after '2 of mrm' became '3 of mrm' the gate waits"
expect_stdout_contains "gate release: waiting (policy changed since the pass of" "item 7: the gate says its policy changed since the pass"
# Each approval signed the gate's policy: signed under '2 of mrm', none
# counts under '3 of mrm', and each says so.
expect_stdout_contains "needs approval by 3 of mrm (val1@x.example, val2@x.example, val3@x.example), biz (boss@x.example)" \
  "item 7: and counts no approval signed under the old policy"
expect_stdout_contains "(val1@x.example): signed under another policy of gate \`release\`" \
  "item 7: the waiting gate says why val1's approval does not count"
run status g.mlops
expect_stdout_contains "policy changed since the pass" "item 7: status says the policy changed since the pass"
approve_all
run approve release --as val3@x.example
run run g.mlops
expect_exit 0 "item 7: the approvals signed under the new policy meet its quorum"
expect_stdout_contains "gate release: passed (approved by val1@x.example, val2@x.example, val3@x.example, boss@x.example" \
  "item 7: the pass under the new policy names its approvers"

spec 3 zoe@x.example rolling 'echo deployed >> deploy.log'
run run g.mlops
expect_exit 5 "item 7: after the risk owner's members were replaced the gate waits"
expect_stdout_contains "policy changed since the pass of" "item 7: the gate says its policy changed"
expect_stdout_contains "biz (zoe@x.example)" "item 7: the new risk owner must approve"

spec 3 boss@x.example rolling 'echo deployed >> deploy.log'
run run g.mlops
expect_exit 0 "item 7: back under the policy it passed under, the recorded pass counts again"
expect_stdout_contains "gate release: passed (approved for artifact" "item 7: the recorded pass is reused"
cd ..

# ---- item 11: the state database as an attacker's tool
mkdir db && cd db
spec 2 boss@x.example rolling 'echo deployed >> deploy.log'
run run g.mlops
approve_all
run run g.mlops
expect_exit 0 "item 11: a legitimate pass records the baseline (auc 0.9)"
sed -i 's/auc = 0.9/auc = 0.8/' g.mlops
run run g.mlops
expect_exit 5 "item 11: the retrained model waits for approvals"
expect_stderr_contains "baseline.auc = 0.9" "item 11: the regression against the approved baseline is reported"
run approve release --as val1@x.example
artifact=$(sqlite3 .mlops/state.db "SELECT artifact FROM approvals ORDER BY id DESC LIMIT 1")
sqlite3 .mlops/state.db "INSERT INTO gate_passes (gate, model, artifact, run, at, approvals_count, approvals_head, metrics)
  VALUES ('gate:release', 'model:m', '$artifact', 1, '2026-12-06T00:00:00Z', 0, '', '{\"auc\": 0.1}')"
run run g.mlops
expect_exit 5 "item 11: a gate pass INSERTed by hand does not pass the gate"
expect_stdout_contains "gate release: waiting" "item 11: the gate counts the approvals instead: it waits"
expect_stdout_contains "1 so far: val1@x.example" "item 11: only the real approval counts"
expect_stderr_contains "baseline.auc = 0.9" "item 11: the forged pass does not reset the baseline"
if [[ -f deploy.log && $(wc -l < deploy.log) -gt 1 ]]; then
  fail "item 11: the model was deployed through the forged pass"
else
  pass "item 11: nothing was deployed through the forged pass"
fi
run history --verify
expect_exit 6 "item 11: history --verify fails on the forged gate pass"
expect_stderr_contains "gate pass 2 (\`gate:release\`" "item 11: the first bad row is named"
expect_stderr_contains "does not link to the pass before it" "item 11: with what is wrong with it"
if out=$(sqlite3 .mlops/state.db "UPDATE gate_passes SET metrics = '{\"auc\": 0.1}' WHERE id = 1" 2>&1); then
  fail "item 11: the gate_passes table accepted an UPDATE"
else
  expect_eq "$(grep -o 'append-only' <<<"$out")" "append-only" "item 11: gate passes are append-only (a trigger refuses updates)"
fi
cd ..

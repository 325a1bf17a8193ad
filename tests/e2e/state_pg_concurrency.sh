#!/usr/bin/env bash
# One PostgreSQL record shared by many writers at once (a throwaway cluster,
# tests/support/pg-cluster): 4 `mlopsc run`s of one project from 4
# checkouts and 16 `mlopsc approve`s from 16 more, all started together;
# afterwards the approvals log's hash chain verifies with all 16 approvals
# and every run is recorded with its node results. Two checkouts deploying
# the same node at once: the second is refused with who holds the node (a
# lease, exit 3), and deploys once the first is done.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.bash"
source "$here/lib_pg.bash"

if ! pg_start; then
  fail "cannot start a PostgreSQL cluster (tests/support/pg-cluster)"
  exit 1
fi

members=""
for a in $(seq 1 16); do members+="${members:+, }\"val$a@x.example\""; done
mkdir -p c1/data
printf 'income\n' > c1/data/loans.csv
for i in $(seq 1 50); do echo "$((40 + i % 20)).5" >> c1/data/loans.csv; done
# shellcheck disable=SC2046 # one address a word
write_signers c1/allowed_signers $(seq -f 'val%g@x.example' 1 16)
cat > c1/g.mlops <<SPEC
project shared { version = "1.0.0"  risk_tier = high  signers = file("allowed_signers") }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = [$members] }
data loans { owner = eng  source = file("data/loans.csv")  format = csv  schema { income : float } }
step clean { owner = eng  inputs = [loans]  run = "sleep 0.2; cp \${inputs.loans} \${outputs.o}"  outputs { o = "build/clean.csv" } }
model m {
  owner   = ds
  inputs  = [clean.o]
  run     = "cp \${inputs.clean.o} \${outputs.model} && echo '{\"auc\": 0.9}' > \${outputs.metrics}"
  outputs { model = "build/model.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.7 }
gate release for m {
  require   = [floor]
  approvals = [16 of mrm]
}
SPEC
export MLOPS_STATE=$PG_STATE
# Each checkout builds its model first: approvals are for the artifact on
# disk (the same bytes, so the same digest, in every checkout).
for c in 1 2 3 4; do
  [[ $c == 1 ]] || cp -r c1 "c$c"
  run run "c$c/g.mlops"
  expect_exit 5 "checkout $c: the gate waits for 16 approvals"
done
# Each approver approves from a machine of their own: a checkout where the
# model is built (a run mid-way in a checkout has removed its outputs).
for a in $(seq 1 16); do cp -r c1 "a$a"; done
runs_before=$(pg_sql "SELECT count(*) FROM mlops_shared.runs")

# ---- 4 runs and 16 approvals at once
for c in 1 2 3 4; do
  echo "$((c + 100)).5" >> "c$c/data/loans.csv"  # clean runs again: each run writes results
  ( set +e; "$MLOPSC" run "c$c/g.mlops" >"run.$c.out" 2>&1; echo $? >"run.$c.rc" ) &
done
for a in $(seq 1 16); do
  ( set +e; "$MLOPSC" approve release --key "$E2E_WORK/keys/val$a@x.example" --project "a$a" >"approve.$a.out" 2>&1; echo $? >"approve.$a.rc" ) &
done
wait

approved=0
for a in $(seq 1 16); do [[ $(cat "approve.$a.rc") == 0 ]] && approved=$((approved + 1)); done
expect_eq "$approved" 16 "16 concurrent approvals succeed ($(cat approve.*.out | grep -i error | head -2))"
for c in 1 2 3 4; do
  rc=$(cat "run.$c.rc")
  if [[ $rc == 0 || $rc == 5 ]]; then pass "concurrent run $c finished (exit $rc: passed or waiting)"
  else fail "concurrent run $c: exit $rc: $(tail -3 "run.$c.out")"; fi
done

mkdir empty && cd empty
run history --verify --state-project shared
expect_exit 0 "history --verify after the concurrent writers"
expect_stdout_contains "approvals log verified: 16 rows, hash chain intact" "all 16 approvals, one linear chain"
cd ..
expect_eq "$(pg_sql "SELECT count(DISTINCT email) FROM mlops_shared.approvals")" 16 "16 distinct approvers in the log"
expect_eq "$(pg_sql "SELECT count(*) FROM mlops_shared.runs")" "$((runs_before + 4))" "4 more runs recorded, none lost"
expect_eq "$(pg_sql "SELECT count(*) FROM mlops_shared.runs WHERE id > $runs_before AND status IN ('succeeded', 'waiting')")" 4 \
  "each concurrent run finished with its status"
expect_eq "$(pg_sql "SELECT count(DISTINCT run) FROM mlops_shared.node_results WHERE run > $runs_before AND node = 'step:clean' AND status = 'succeeded'")" 4 \
  "each concurrent run's results are recorded (step:clean ran in all 4)"

# ---- the gate passes once the 16 approvals are in (for the artifact the
# approvers built: the data as it was)
cp a1/data/loans.csv c1/data/loans.csv
run run c1/g.mlops
expect_exit 0 "the gate passes with the 16 concurrent approvals"
expect_stdout_contains "gate release: passed" "the gate passed"

# ---- overlapping deploys: two checkouts (two machines), one record; the
# second run finds the first rolling out `deploy:prod` and does not deploy
mkdir l1
cat > l1/l.mlops <<SPEC
project leases { version = "1.0.0"  risk_tier = low }
use std.roles
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = ["val@x.example"] }
role ops : devops { members = ["op@x.example"] }
model m {
  owner   = ds
  run     = "echo m > \${outputs.model} && echo '{\"auc\": 0.9}' > \${outputs.metrics}"
  outputs { model = "build/m.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate release for m { require = [floor]  approvals = [mrm] }
deploy prod {
  owner = ops
  model = m
  after = release
  run   = "echo start >> $PWD/deploys.log; sleep 8; echo end >> $PWD/deploys.log"
}
SPEC
run run l1/l.mlops
expect_exit 5 "the deploy's gate waits"
run approve release --as val@x.example --project l1
expect_exit 0 "approved"
cp -r l1 l2
( set +e; "$MLOPSC" run l1/l.mlops >lease.1.out 2>&1; echo $? >lease.1.rc ) &
for _ in $(seq 1 300); do grep -q start deploys.log 2>/dev/null && break; sleep 0.1; done
run run l2/l.mlops
expect_exit 3 "the second run's deploy is refused while the first rolls it out"
expect_stdout_matches "another run holds node \`deploy:prod\` \(run [0-9]+ on $(hostname) since 20[0-9-]+T[0-9:]+Z\): not deployed" \
  "it names the run, host and time holding the node"
wait
expect_eq "$(cat lease.1.rc)" 0 "the first run rolls out"
expect_eq "$(tr '\n' ' ' < deploys.log)" "start end " "one rollout, never two at once"
expect_eq "$(pg_sql "SELECT count(*) FROM mlops_leases.node_leases")" 0 "the lease is given back when the rollout ends"
run run l2/l.mlops
expect_exit 0 "once the first is done, the second run deploys"
expect_eq "$(grep -c start deploys.log)" 2 "the second rollout ran"

#!/usr/bin/env bash
# Which record a run writes (--state / MLOPS_STATE): a selected file holds
# the runs and results while the checkout's .mlops/state.db keeps the local
# cache (a rerun is up to date, its no-op run recorded there only); history,
# log and report read the selected record from a folder with no .mlops at all; --state wins over
# MLOPS_STATE; every job of one CI run (MLOPS_RUN_ID) is one run; no node
# sees MLOPS_STATE or PGPASSWORD, not even in /proc/$PPID/environ, and a
# spec cannot ask for them as secrets.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data elsewhere
printf 'x\n1\n2\n' > proj/data/raw.csv
cat > proj/p.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step look {
  owner   = eng
  inputs  = [raw]
  run     = "{ env; tr '\\0' '\\n' < /proc/$PPID/environ; } > ${outputs.env}; echo looked"
  outputs { env = "build/env.txt" }
}
step count {
  owner   = eng
  inputs  = [raw]
  run     = "wc -l < ${inputs.raw} > ${outputs.n}"
  outputs { n = "build/count.txt" }
}
SPEC
TEAM=$E2E_WORK/team.db

# ---- a run with MLOPS_STATE: the record in the team's file
run --env MLOPS_STATE="$TEAM" --env PGPASSWORD=pg-pass-9f3e21 run proj/p.mlops -j1
expect_exit 0 "a run with MLOPS_STATE set"
[[ -f $TEAM ]] && pass "the run wrote the selected file" || fail "no $TEAM after the run"
[[ -f proj/.mlops/state.db ]] && pass "the local cache stays in .mlops/state.db" || fail "no local cache"
if grep -a -q -e MLOPS_STATE -e pg-pass-9f3e21 -e team.db proj/build/env.txt; then
  fail "a node saw MLOPS_STATE or PGPASSWORD: $(grep -a -e MLOPS_STATE -e pg-pass -e team.db proj/build/env.txt | head -3)"
else
  pass "no node sees MLOPS_STATE or PGPASSWORD (environment and /proc/\$PPID/environ)"
fi

run --env MLOPS_STATE="$TEAM" run proj/p.mlops -j1
expect_exit 0 "the rerun"
expect_stdout_contains "0 ran" "the rerun is up to date from the local cache"

# ---- reading the record from a folder without .mlops
cd elsewhere
run history --state "$TEAM"
expect_exit 0 "history --state FILE without a local .mlops"
expect_stdout_matches '^  1 .*succeeded +2 ran, 0 failed' "history lists the team's run"
run --env MLOPS_STATE="$TEAM" history step:count
expect_exit 0 "history NODE with MLOPS_STATE"
expect_stdout_contains "succeeded" "the node's result is in the team's record"
run history
expect_exit 2 "history with neither a record nor a project"
expect_stderr_contains "no \`.mlops/state.db\` in this folder or any above it" "says what is missing"
run --env MLOPS_STATE="$E2E_WORK/nowhere.db" history
expect_exit 2 "a selected file that does not exist"
expect_stderr_contains "no state at \`$E2E_WORK/nowhere.db\`" "names the missing file"
[[ ! -e $E2E_WORK/nowhere.db ]] && pass "reading does not create a record" || fail "history created nowhere.db"
run --env MLOPS_STATE="$E2E_WORK/nowhere.db" history --state "$TEAM" --verify
expect_exit 0 "--state wins over MLOPS_STATE"
run log step:look --state "$TEAM" --project ../proj
expect_exit 0 "log reads the run from the record and the log from the checkout"
expect_stdout_contains "looked" "the node's output"
cd ..

# ---- the local file keeps no runs of its own; report reads the team's
if sqlite3 proj/.mlops/state.db 'SELECT count(*) FROM node_results' 2>/dev/null | grep -qx 0; then
  pass "the local cache holds no node results"
else
  fail "the local cache holds node results: $(sqlite3 proj/.mlops/state.db 'SELECT count(*) FROM node_results' 2>&1)"
fi
run report proj/p.mlops --state "$TEAM" -o audit --format json
expect_exit 0 "report --state FILE"
grep -a -q '"step:count"' audit/report.json && pass "the report shows the team's results" ||
  fail "report.json lacks the run's results"

# ---- every job of one CI run is one run
echo 3 >> proj/data/raw.csv
run --env MLOPS_STATE="$TEAM" --env MLOPS_RUN_ID=ci-4711 run proj/p.mlops --node step:count
expect_exit 0 "the first job of CI run ci-4711"
run --env MLOPS_STATE="$TEAM" --env MLOPS_RUN_ID=ci-4711 run proj/p.mlops --node step:look
expect_exit 0 "the second job of CI run ci-4711"
run history --state "$TEAM"
runs=$(grep -c -E '^  [0-9]+ ' "$STDOUT" || true)
expect_eq "$runs" 2 "the first run (the no-op rerun is the checkout's alone), then one run for both jobs of the CI run"
expect_stdout_matches '^  2 .*succeeded +2 ran, 0 failed' "the CI run holds both jobs' results"
expect_eq "$(sqlite3 proj/.mlops/state.db 'SELECT count(*) FROM runs WHERE noop_of IS NOT NULL')" 1 \
  "the no-op rerun is recorded in the local file only"

# ---- a spec cannot ask for the record's credentials as a secret
sed -i 's|^  outputs { n = "build/count.txt" }|&\n  secrets = [MLOPS_STATE]|' proj/p.mlops
echo 4 >> proj/data/raw.csv
run --env MLOPS_STATE="$TEAM" run proj/p.mlops -j1
expect_exit 3 "a node declaring MLOPS_STATE as a secret"
expect_stdout_contains "secret \`MLOPS_STATE\` is not set" "it does not get the record's connection string"

#!/usr/bin/env bash
# `mlopsc run` with real processes: parallel nodes overlap, a rerun is all
# cached, touching a file without changing it reruns nothing, changing it
# reruns it and what follows (and says why), a failure skips only what
# depends on it (exit 3), a missing output fails its node, secrets reach
# their node and are never written, a pipeline.json runs without sources,
# two runs at once wait for each other, a run killed mid-node resumes, a
# no-op run is in each node's history.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
printf 'x\n1\n2\n3\n' > data/raw.csv
cat > p.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
role ds  : data_scientist { members = ["b@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step clean {
  owner   = eng
  inputs  = [raw]
  params  { factor = 2 }
  run     = "date +%s.%N > ../clean.start; sleep 1; awk -F, -v factor=${params.factor} 'NR>1{print $1*factor}' ${inputs.raw} > ${outputs.out}; date +%s.%N > ../clean.end"
  outputs { out = "build/clean.txt" }
}
step count {
  owner   = eng
  inputs  = [raw]
  run     = "date +%s.%N > ../count.start; sleep 1; wc -l < ${inputs.raw} > ${outputs.n}; date +%s.%N > ../count.end"
  outputs { n = "build/count.txt" }
}
model m {
  owner   = ds
  inputs  = [clean.out, count.n]
  run     = "test \"$API_TOKEN\" = s3cr3t-\"\"value-42 && echo \"token: $API_TOKEN\" && cat ${inputs.clean.out} ${inputs.count.n} > ${outputs.model} && echo '{}' > ${outputs.metrics}"
  outputs { model = "build/m.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
  secrets = [API_TOKEN]
}
SPEC

# ---- first run: parallel, then the model with its secret
run --env API_TOKEN=s3cr3t-value-42 run p.mlops -j2
expect_exit 0 "first run"
expect_stdout_contains "step clean: ran" "clean ran"
expect_stdout_contains "(never ran)" "the first run says why: never ran"
expect_stdout_contains "run succeeded: 3 ran, 0 up to date" "the summary counts"
# The two 1 s steps ran at the same time: their own clocks overlap (the
# steps' timestamps, not the run's wall time, which a loaded machine or a
# first connection to the record stretches).
overlap=$(awk -v a0="$(cat ../clean.start)" -v a1="$(cat ../clean.end)" -v b0="$(cat ../count.start)" \
  -v b1="$(cat ../count.end)" 'BEGIN { s = a0 > b0 ? a0 : b0; e = a1 < b1 ? a1 : b1; printf "%.2f", e - s }')
if awk -v o="$overlap" 'BEGIN { exit !(o > 0.5) }'; then
  pass "two 1 s steps overlap with -j2 (${overlap}s together)"
else
  fail "-j2 did not overlap: the two 1 s steps shared ${overlap}s"
fi
expect_eq "$(cat build/m.txt | tr '\n' ' ')" "2 4 6 4 " "the model's output"

# ---- secrets never on disk
if grep -r -a -q "s3cr3t-value-42" .mlops build; then fail "the secret value was written under .mlops or build"; else pass "the secret value is in no state, log or output file"; fi
rm build/m.txt
run run p.mlops m
expect_stderr_contains "model m: failed" "the model fails"
expect_exit 3 "without the secret in the environment the model cannot run"
expect_stderr_contains "secret \`API_TOKEN\` is not set in the environment" "the missing secret is named"

run --env API_TOKEN=s3cr3t-value-42 run p.mlops
expect_stdout_contains "model m: ran in" "with the secret the model runs again"
expect_stdout_contains "(output \`build/m.txt\` missing)" "because its output is missing"

# ---- rerun: everything cached; touching is not changing
run --env API_TOKEN=s3cr3t-value-42 run p.mlops --explain
expect_exit 0 "rerun"
expect_stdout_contains "run succeeded: 0 ran, 3 up to date" "a rerun runs nothing"
expect_stdout_contains "(no file changed since the last run)" "a no-op takes the fast path (no file changed)"
expect_stdout_contains "step clean: cached (inputs, command and outputs unchanged)" "the fast path still explains"
# The no-op run is in each node's history, as a run in which it was up to
# date. With a shared record (MLOPS_TEST_STATE=pg) the fast path contacts
# no server: its run is the checkout's alone (docs/cli.md, State).
noop_run=$(python3 -c 'import sqlite3; print(sqlite3.connect(".mlops/state.db").execute("SELECT max(id) FROM runs").fetchone()[0])')
if [[ ${MLOPS_TEST_STATE:-} != pg ]]; then
  run history clean
  expect_stdout_matches "^$noop_run +cached +0\.0s +no-op run: no file changed since run [0-9]+$" "history NODE lists the no-op run as cached"
  run history raw
  expect_stdout_matches "^$noop_run +checked +0\.0s +no-op run: no file changed since run [0-9]+$" "and its data as checked"
  run history
  expect_stdout_matches "^  $noop_run +[-0-9T:Z]+ +succeeded +0 ran, 0 failed \(no-op: no file changed since run [0-9]+\)$" \
    "history says which run was a no-op"
fi
rm build/count.txt
run --env API_TOKEN=s3cr3t-value-42 run p.mlops
expect_stdout_contains "step count: ran" "a deleted output is never hidden by the fast path"
expect_stdout_not_contains "no file changed" "a run after a deletion is a full check"
touch data/raw.csv
run --env API_TOKEN=s3cr3t-value-42 run p.mlops
expect_stdout_contains "0 ran, 3 up to date" "touching an input without changing it reruns nothing"
printf 'x\n1\n2\n5\n' > data/raw.csv
run --env API_TOKEN=s3cr3t-value-42 run p.mlops --dry-run
expect_stdout_contains "step clean: would run (input \`data/raw.csv\` changed)" "--dry-run says what would run and why"
expect_stdout_contains "model m: would run (\`step:clean\` would run first)" "--dry-run follows the change downstream"
run --env API_TOKEN=s3cr3t-value-42 run p.mlops
expect_stdout_contains "step clean: ran" "a changed input reruns its step"
expect_stdout_contains "model m: ran" "and what follows"
expect_stdout_contains "(input \`build/clean.txt\` changed)" "the model says which input changed"
echo garbage > build/m.txt
run --env API_TOKEN=s3cr3t-value-42 run p.mlops m
expect_stdout_contains "output \`build/m.txt\` changed since it was written" "an edited output reruns its node"

# ---- failures skip only what depends on them
cat > f.mlops <<'SPEC'
project f { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step bad  { owner = eng  inputs = [raw]       run = "echo boom; exit 7"              outputs { o = "build/bad.txt" } }
step after { owner = eng  inputs = [bad.o]    run = "cp ${inputs.bad.o} ${outputs.o}" outputs { o = "build/after.txt" } }
step fine { owner = eng  inputs = [raw]       run = "cp ${inputs.raw} ${outputs.o}"   outputs { o = "build/fine.txt" } }
step lazy { owner = eng  inputs = [raw]       run = "true"                            outputs { o = "build/never.txt" } }
role ops : devops { members = ["o@x.example"] }
pipeline all { owner = ops  targets = [after, fine, lazy] }
SPEC
run run f.mlops -j1
expect_exit 3 "a failing step makes the run fail (exit 3)"
expect_stderr_contains "step bad: failed" "the failure is reported"
expect_stderr_contains "exit code 7" "with its exit code"
expect_stderr_contains "log: " "and where its log is"
expect_stdout_contains "step after: skipped (\`step:bad\` failed)" "its dependent is skipped, saying why"
expect_stdout_contains "step fine: ran" "independent work goes on"
expect_stderr_contains "step lazy: failed" "a step that does not write its output fails"
expect_stderr_contains "did not write its output \`build/never.txt\`" "naming the output"
log=$(ls .mlops/logs/*/step-bad.log | tail -n1)
expect_eq "$(cat "$log")" "boom" "the node's output is in its log"

# ---- pipeline.json runs without the sources
run build p.mlops -o out --emit=ir
expect_exit 0 "build the IR"
run --env API_TOKEN=s3cr3t-value-42 run out/pipeline.json
expect_exit 0 "run from pipeline.json"
expect_stdout_contains "up to date" "the IR shares the project's state"
echo '{"ir_version": 9}' > bad.json
run run bad.json
expect_exit 2 "an IR of another version is refused"
expect_stderr_contains "unsupported ir_version 9" "saying which version"

# ---- two runs at once wait for each other; the state stays sound
printf 'x\n7\n' > data/raw.csv
( API_TOKEN=s3cr3t-value-42 "$MLOPSC" run p.mlops >first.out 2>&1; echo $? > first.rc ) &
sleep 0.3
run --env API_TOKEN=s3cr3t-value-42 run p.mlops
wait
expect_exit 0 "the second concurrent run"
expect_stderr_contains "waiting for another \`mlopsc run\`" "the second run says it waits"
expect_eq "$(cat first.rc)" 0 "the first concurrent run"
expect_eq "$(python3 -c 'import sqlite3; print(sqlite3.connect(".mlops/state.db").execute("PRAGMA integrity_check").fetchone()[0])')" \
  ok "PRAGMA integrity_check after concurrent runs"

# ---- kill -9 mid-node: the rerun reruns that node and what follows only
printf 'x\n8\n' > data/raw.csv
( API_TOKEN=s3cr3t-value-42 exec "$MLOPSC" run p.mlops -j1 >killed.out 2>&1 ) &
victim=$!
# Kill it once clean (1 s) is done and count (1 s) is running.
for _ in $(seq 100); do grep -q "step clean: ran" killed.out 2>/dev/null && break; sleep 0.1; done
sleep 0.3
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
sleep 1.5   # let the orphaned node finish
run --env API_TOKEN=s3cr3t-value-42 run p.mlops -j1
expect_exit 0 "the run after a kill -9"
expect_stdout_contains "step clean: cached" "the node that finished before the kill is not rerun"
expect_stdout_contains "step count: ran" "the node that was running reruns"
expect_stdout_contains "model m: ran" "and what follows it"
expect_eq "$(python3 -c 'import sqlite3; print(sqlite3.connect(".mlops/state.db").execute("PRAGMA integrity_check").fetchone()[0])')" \
  ok "PRAGMA integrity_check after kill -9"

# ---- tests on a model read its metrics
mkdir -p ../tests/data && cd ../tests
printf 'x\n1\n' > data/raw.csv
cat > t.mlops <<'SPEC'
project t { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
role ds  : data_scientist { members = ["b@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
model m {
  owner   = ds
  inputs  = [raw]
  run     = "cp ${inputs.raw} ${outputs.model} && echo '{\"auc\": 0.9, \"loss\": 0.3}' > ${outputs.metrics}"
  outputs { model = "build/m.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.75 and metrics.loss < 0.5 }
test stretch on m { expect metrics.auc >= 0.95  severity = warning }
test regression on m { expect metrics.auc >= baseline.auc - 0.01 }
SPEC
run run t.mlops
expect_exit 0 "tests that pass, and a warning, do not fail the run"
expect_stdout_contains "test floor: passed (metrics.auc >= 0.75 and metrics.loss < 0.5, with metrics.auc = 0.9, metrics.loss = 0.3)" "a passing test shows its expectation"
expect_stderr_contains "test stretch: warning (expected metrics.auc >= 0.95, with metrics.auc = 0.9)" "a failing warning test is reported"
expect_stdout_contains "test regression: passed (no baseline yet: no gate for the model has passed)" \
  "a baseline test passes, saying there is no baseline yet"
sed -i 's/metrics.auc >= 0.75 and/metrics.auc >= 0.95 and/' t.mlops
run run t.mlops
expect_exit 4 "a failing blocking test (exit 4)"
expect_stderr_contains "test floor: failed (expected metrics.auc >= 0.95 and metrics.loss < 0.5, with metrics.auc = 0.9" "the blocking failure says what was expected"
sed -i 's/metrics.loss < 0.5/metrics.f1 < 0.5/; s/metrics.auc >= 0.95 and/metrics.auc >= 0.75 and/' t.mlops
run run t.mlops
expect_exit 4 "a metric the model did not write fails the test"
expect_stderr_contains "\`metrics.f1\` is missing from \`build/metrics.json\`" "naming the metric and the file"

# ---- tests on data compute the stdlib checks over the CSV
cat > d.mlops <<'SPEC'
project d { version = "1.0.0"  risk_tier = low }
use std.roles
use std.checks
role eng : data_engineer { members = ["a@x.example"] }
data apps {
  owner  = eng
  source = file("data/apps.csv")
  format = csv
  schema { income : float where value >= 0  region : string where value in ["north", "south"]  ok : bool }
}
test enough on apps uses rows { min = 3 }
test few_nulls on apps uses nulls { column = "income"  max = 34% }
test schema_holds on apps uses schema
test income_range on apps uses range { column = "income"  min = 0  max = 1000 }
test drift on apps uses psi { column = "income" }
SPEC
printf 'income,region,ok\n10,north,true\n,south,false\n"30",north,1\n' > data/apps.csv
run run d.mlops
expect_exit 0 "data tests that hold"
expect_stdout_contains "test enough: passed" "rows() counts the data rows"
expect_stdout_contains "test few_nulls: passed" "nulls() is a fraction of the rows"
expect_stdout_contains "test schema_holds: passed" "schema_ok() checks types and where constraints"
expect_stdout_contains "test drift: passed (no reference profile yet: no gate has passed)" "PSI waits for a reference profile"
printf 'income,region,ok\n10,north,true\n,south,false\n"1,000",east,1\n' > data/apps.csv
run run d.mlops
expect_exit 4 "data tests that fail"
expect_stderr_contains "test schema_holds: failed (expected schema_ok(), with schema_ok() = false)" "a value outside its constraint fails the schema"
expect_stderr_contains "\`column_min(\"income\")\`: row 3 is not a number" "a quoted field with a comma is one value, its row named when it is no number"
expect_stderr_not_contains "1,000" "a cell's value is never quoted in a message (security item 2)"
printf 'income,region\n1,north,extra\n' > data/apps.csv
run run d.mlops
expect_stderr_contains "data row 1 has 3 fields, the header 2" "a ragged CSV is reported"
cd ../proj

# ---- what this mlopsc does not run yet is refused, not faked
run run p.mlops nope
expect_exit 2 "an unknown target"
expect_stderr_contains "no node \`nope\`" "the unknown target is named"

#!/usr/bin/env bash
# `when` conditions (docs/language.md 6.5) and nested metrics (6.3): a
# condition that holds lets its node run; a false one records the node
# "skipped (condition false)" with the values it read, skips what depends on
# it, and the run still succeeds; a condition that cannot be evaluated fails
# its node. Tests read nested metrics (`metrics.roc_auc.test`,
# `metrics["roc-auc"]`). In CI jobs (`--node --artifacts`) the condition is
# evaluated by the node's own job and the skip travels down to later jobs.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
printf 'x,y\n1,2\n3,4\n' > data/rows.csv
cat > c.mlops <<'SPEC'
project c { version = "1.0.0"  risk_tier = low  params { announce : bool = true } }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example"] }
data rows { owner = eng  source = file("data/rows.csv")  format = csv  schema { x : int  y : int } }
model challenger {
  owner   = ds
  inputs  = [rows]
  run     = "cp ${inputs.rows} ${outputs.model} && cp metrics.json ${outputs.metrics}"
  outputs { model = "build/model.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test nested_floor on challenger { expect metrics.roc_auc.test >= 0.5 and metrics["roc-auc"] > 0 }
test beats_champion on challenger {
  expect   metrics.auc >= 0.8
  severity = warning
}
step publish {
  owner   = eng
  inputs  = [challenger.model]
  run     = "cp ${inputs.challenger.model} ${outputs.copy}"
  outputs { copy = "build/published.csv" }
  when    = beats_champion.passed and challenger.metrics.roc_auc.test > 0.7
}
step announce {
  owner   = eng
  inputs  = [publish.copy]
  run     = "wc -l < ${inputs.publish.copy} > ${outputs.note}"
  outputs { note = "build/announced.txt" }
  when    = params.announce
}
pipeline ship { targets = [announce, nested_floor]  owner = std.roles.devops }
SPEC
metrics() { printf '{"auc": %s, "roc_auc": {"test": %s}, "roc-auc": 0.9}\n' "$1" "$2" > metrics.json; }

run check c.mlops -Werror
expect_exit 0 "a spec with conditions and nested metrics checks clean"

metrics 0.9 0.85
run run c.mlops
expect_exit 0 "the challenger beats the champion"
expect_stdout_contains "run succeeded" "conditions that hold: the run succeeds"
[[ -f build/published.csv && -f build/announced.txt ]] && pass "the conditional step and its dependant ran" ||
  fail "the conditional step and its dependant ran"

run run c.mlops -P announce=false
expect_exit 0 "a param read by a condition, overridden with -P"
expect_stdout_matches 'announce.*skipped.*condition false: params.announce, with params.announce = false' \
  "the skip names the param and its value"
run run c.mlops
expect_exit 0 "the param back at its default"
expect_stdout_not_contains "condition false" "the default lets the step run"

metrics 0.7 0.85
run run c.mlops
expect_exit 0 "a false condition is not a failure"
expect_stdout_matches 'publish.*skipped.*condition false: beats_champion.passed and challenger.metrics.roc_auc.test > 0.7, with beats_champion.passed = false' \
  "the skip names the condition and the values it read"
expect_stdout_matches 'announce.*skipped.*`step:publish` was skipped \(condition false\)' "the dependant is skipped, naming why"
expect_stdout_contains "2 skipped (condition false)" "the summary counts condition skips apart from failures"
expect_stdout_contains "0 failed or skipped" "condition skips are not failures"

metrics 0.9 0.6
run run c.mlops
expect_exit 0 "a nested metric below the condition's level"
expect_stdout_contains "challenger.metrics.roc_auc.test = 0.6" "the nested metric's value is reported"

printf '{"auc": 0.9, "roc_auc": {}, "roc-auc": 0.9}\n' > metrics.json
run run c.mlops
expect_exit 3 "a condition that cannot be evaluated fails its node"
expect_stdout_contains 'cannot evaluate `when = beats_champion.passed and challenger.metrics.roc_auc.test > 0.7`' \
  "the failure names the condition"
expect_stdout_contains '`metrics.roc_auc.test` is missing from `build/metrics.json`' "the test names the missing nested metric"

# ---- the graph and the IR carry the condition
run build c.mlops -o out --emit=ir,graph
expect_exit 0 "build with conditions"
python3 - out/pipeline.json <<'PY' && pass "the IR: when, when_reads and condition edges" || fail "the IR: when, when_reads and condition edges"
import json, sys
g = json.load(open(sys.argv[1]))
n = next(n for n in g["nodes"] if n["id"] == "step:publish")
assert n["when"]["source"] == "beats_champion.passed and challenger.metrics.roc_auc.test > 0.7", n["when"]
assert n["when_reads"] == ["test:beats_champion", "model:challenger"], n["when_reads"]
kinds = {(e["from"], e["to"]) for e in g["edges"] if e["kind"] == "condition"}
assert kinds == {("test:beats_champion", "step:publish"), ("model:challenger", "step:publish")}, kinds
t = next(n for n in g["nodes"] if n["id"] == "test:nested_floor")
assert '["roc_auc"]' not in json.dumps(t["expect"]["tree"]) and '"roc-auc"' in json.dumps(t["expect"]["tree"])
PY
"$MLOPS_SHARED_DIR/tools/validate-json" "$MLOPS_SOURCE_DIR/docs/ir.schema.json" out/pipeline.json >/dev/null 2>&1 &&
  pass "the IR with conditions matches docs/ir.schema.json" || fail "the IR with conditions matches docs/ir.schema.json"
grep -q "when beats_champion.passed" out/graph/pipeline.dot && pass "the graph picture shows the condition" ||
  fail "the graph picture shows the condition"

# ---- CI jobs: the condition is evaluated in the node's job, the skip travels on
metrics 0.7 0.85
rm -rf .mlops build artifacts && mkdir artifacts
TEAM=$(cd .. && pwd)/team.db  # the team's record the jobs share (MLOPS_STATE)
job() {
  run --env CI=true --env "MLOPS_STATE=$TEAM" run out/pipeline.json --node "$1" --artifacts artifacts
}
job model:challenger
expect_exit 0 "CI job: the model"
job test:beats_champion
expect_exit 0 "CI job: a warning test that fails"
job step:publish
expect_exit 0 "CI job: a false condition is not a failed job"
expect_stdout_contains "condition false" "CI job: the step says why it was skipped"
python3 -c 'import json,sys; r=json.load(open("artifacts/step-publish/result.json")); assert r["status"]=="skipped" and "condition false" in r["why"], r' &&
  pass "CI job: the result says skipped (condition false)" || fail "CI job: the result says skipped (condition false)"
job step:announce
expect_exit 0 "CI job: downstream of a skipped node"
expect_stdout_contains '`step:publish` was skipped (condition false)' "CI job: the skip travels down to the next job"
[[ ! -e build/announced.txt ]] && pass "CI job: the dependant ran nothing" || fail "CI job: the dependant ran nothing"

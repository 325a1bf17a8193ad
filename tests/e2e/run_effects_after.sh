#!/usr/bin/env bash
# Steps whose work is not a file (`effects`) and order-only dependencies
# (`after`), as KFP pipelines have them: an effect step reruns only when its
# cache key changes and its success is recorded; a node waits for what it
# names in `after`, is skipped when one fails, and does not rerun when one
# of them changes (an order-only edge is not an input); the IR, the graph
# and the CI jobs carry both.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
printf 'x\n1\n2\n' > data/raw.csv
write_spec() {  # write_spec LOAD_COMMAND EXTRACT_COMMAND
  cat > p.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
test has_rows on raw { expect rows() >= 1 }
step extract {
  owner   = eng
  inputs  = [raw]
  run     = "$2"
  outputs { copy = "build/copy.csv" }
}
step load {
  owner   = eng
  inputs  = [extract.copy]
  run     = "$1"
  effects = ["bigquery://acme-prod.staging.rows"]
}
step report {
  owner   = eng
  after   = [load, has_rows]
  run     = "echo report >> order.log; echo done > \${outputs.out}"
  outputs { out = "build/report.txt" }
}
pipeline main { targets = [report] }
SPEC
}
write_spec "sleep 1; echo load >> order.log; cat \${inputs.extract.copy} >> warehouse.txt" \
  "cp \${inputs.raw} \${outputs.copy}"

run check p.mlops
expect_exit 0 "a step with effects and no outputs, and \`after\`, check clean"

# ---- the IR and the graph
run build p.mlops -o out
expect_exit 0 "build"
if out=$("$MLOPS_SHARED_DIR/tools/validate-json" "$MLOPS_SOURCE_DIR/docs/ir.schema.json" out/pipeline.json 2>&1); then
  pass "pipeline.json with effects, after and order edges is valid against docs/ir.schema.json"
else
  fail "pipeline.json is not valid against docs/ir.schema.json: $(head -c 600 <<<"$out")"
fi
expect_json out/pipeline.json "nodes.3.effects.0" "bigquery://acme-prod.staging.rows" "the IR lists the step's effects"
expect_json out/pipeline.json "nodes.4.after.1" "test:has_rows" "the IR lists a node's \`after\`"
if python3 -c 'import json,sys; g=json.load(open(sys.argv[1])); sys.exit(0 if {"from":"step:load","to":"step:report","kind":"order"} in g["edges"] else 1)' out/pipeline.json; then
  pass "an \`after\` entry is an edge of kind order"
else
  fail "no order edge from step:load to step:report in pipeline.json"
fi
if grep -q 'step:load → step:report (order)' out/graph/pipeline.dot && grep -q 'effect bigquery://acme-prod.staging.rows' out/graph/pipeline.dot; then
  pass "the graph draws the order-only edge and the effect"
else
  fail "the graph lacks the order-only edge or the effect: $(grep -c order out/graph/pipeline.dot) order lines"
fi
if python3 - out/github <<'PY'
import sys, os, yaml
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    if not f.endswith(".yml") or f == "mlops-review.yml":
        continue  # the pipelines' workflows only
    doc = yaml.safe_load(open(os.path.join(d, f)))
    jobs = doc.get("jobs", {})
    for name, job in jobs.items():
        if "report" in name:
            needs = job.get("needs", [])
            sys.exit(0 if any("load" in n for n in needs) and any("has_rows" in n for n in needs) else 1)
sys.exit(1)
PY
then
  pass "the GitHub job of \`report\` needs the jobs of its \`after\` nodes"
else
  fail "the GitHub job of \`report\` does not need load and has_rows"
fi

# ---- ordering: report waits for load although it reads nothing of it
run run p.mlops -j3
expect_exit 0 "first run"
expect_eq "$(tr '\n' ' ' < order.log)" "load report " "report ran after load (-j3: it waited)"
expect_stdout_contains "step load: ran" "the effect step ran"
expect_eq "$(tr '\n' ' ' < warehouse.txt)" "x 1 2 " "the effect happened"

# ---- the effect step's success is recorded: nothing changed, nothing reruns
rm -f order.log
run run p.mlops --explain
expect_exit 0 "second run"
expect_stdout_contains "effects recorded by run" "the effect step is cached on its recorded success"
if [[ -e order.log ]]; then fail "a node ran on the second run"; else pass "nothing reran"; fi

# ---- a new command reruns the effect step, and not what waits on it
write_spec "echo load2 >> order.log; cat \${inputs.extract.copy} >> warehouse.txt" \
  "cp \${inputs.raw} \${outputs.copy}"
run run p.mlops --explain
expect_exit 0 "run after changing the effect step's command"
expect_stdout_contains "step load: ran" "a changed command reruns the effect step"
expect_stdout_contains "step report: cached" "an \`after\` node that reran is not an input: report stays cached"
expect_eq "$(tr '\n' ' ' < order.log)" "load2 " "only the effect step ran"

# An upstream input change reruns the effect step too (its cache key).
rm -f order.log
printf 'x\n1\n2\n3\n' > data/raw.csv
run run p.mlops --explain
expect_stdout_contains "step load: ran" "a changed input reruns the effect step"

# ---- a failing `after` node: the node waiting on it does not run
write_spec "exit 1" "cp \${inputs.raw} \${outputs.copy}"
rm -f order.log
run run p.mlops
expect_exit 3 "the effect step fails"
expect_stderr_contains "step load: failed" "load failed"
expect_stdout_contains "step report: skipped" "report, after load, is skipped"
expect_stdout_contains "\`step:load\` failed" "and says why"
if [[ -e order.log ]]; then fail "report ran although load failed"; else pass "report did not run"; fi

# A failing blocking data test named in `after` holds the node back too.
write_spec "true" "cp \${inputs.raw} \${outputs.copy}"
printf 'x\n' > data/raw.csv
run run p.mlops
expect_stderr_contains "test has_rows: failed" "the data test fails on an empty table"
expect_stdout_contains "step report: skipped" "a node after a failed test is skipped"

# ---- wrong uses
cat > bad.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
step a {
  owner   = eng
  run     = "true"
}
SPEC
run check bad.mlops
expect_exit 1 "a step with neither outputs nor effects"
expect_stderr_contains "step \`a\` needs \`outputs\` or \`effects\`" "E0302 names both"

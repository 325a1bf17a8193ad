#!/usr/bin/env bash
# Fan-out (docs/language.md 5.5.6): a `foreach` map step, a `foreach` list
# step reading every item's output and a `matrix` model with a test that
# fans out with it, run end to end with real processes; a rerun is cached;
# changing one item's value reruns that item and what reads it, not its
# siblings; a target naming the declaration runs every item; the CI files give each item its own job and pass validate-ci;
# the graph boxes the items; a hand-edited pipeline.json with a forged item
# is refused.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
printf 'region,amount\nus,1\nus,2\neu,3\nus,4\neu,5\n' > data/sales.csv
write_spec() {  # write_spec US_ROWS
  cat > p.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
role ds  : data_scientist { members = ["b@x.example"] }
data sales { owner = eng  source = file("data/sales.csv")  schema { region : string  amount : float } }
step featurize {
  owner = eng
  foreach {
    us { region = "us"  rows = $1 }
    eu { region = "eu"  rows = 1 }
  }
  inputs  = [sales]
  params  { rows = "\${item.rows}" }
  run     = "grep ^\${item.region}, \${inputs.sales} | head -n \\"\$MLOPS_PARAM_ROWS\\" > \${outputs.table}"
  outputs { table = "build/features/\${key}.csv" }
}
step combine {
  owner   = eng
  foreach = ["all"]
  inputs  = [featurize.table]
  run     = "cat \${inputs.featurize.table} > \${outputs.rows} && printf '%s\\\\n' \"\$MLOPS_INPUT_FEATURIZE_TABLE\" > \${outputs.paths}"
  outputs { rows = "build/\${item}/rows.csv"  paths = "build/\${item}/paths.txt" }
}
model train {
  owner   = ds
  matrix  { lr = [0.1, 0.01]  depth = [2] }
  inputs  = [combine.rows]
  params  { lr = "\${item.lr}" }
  run     = "echo lr=\${params.lr} depth=\${item.depth} > \${outputs.model} && echo '{\"auc\": 0.9}' > \${outputs.metrics}"
  outputs { model = "build/m/\${item.lr}-\${item.depth}/model.txt"  metrics = "build/m/\${item.lr}-\${item.depth}/metrics.json" }
  metrics = outputs.metrics
}
test auc on train { expect metrics.auc >= 0.5 }
pipeline all { targets = [auc, combine] }
SPEC
}
write_spec 2

run check p.mlops -Werror
expect_exit 0 "the fan-out spec checks clean with -Werror"

# ---- the first run: every item is a node of its own
run run p.mlops -j1
expect_exit 0 "first run"
for node in "step featurize@us" "step featurize@eu" "step combine@all" "model train@0.1-2" "model train@0.01-2" \
            "test auc@0.1-2" "test auc@0.01-2"; do
  expect_stdout_contains "$node: " "the summary has its own line for $node"
done
expect_stdout_contains "run succeeded: 5 ran, 0 up to date" "five item steps and models ran (the two tests passed)"
expect_eq "$(cat build/features/us.csv | tr '\n' ' ')" "us,1 us,2 " "featurize@us read its own region and row count"
expect_eq "$(cat build/features/eu.csv | tr '\n' ' ')" "eu,3 " "featurize@eu read its own"
expect_eq "$(cat build/all/rows.csv | tr '\n' ' ')" "us,1 us,2 eu,3 " \
  "\${inputs.featurize.table} expands to every item's path, in item order"
expect_eq "$(cat build/all/paths.txt | tr '\n' ' ')" "build/features/us.csv build/features/eu.csv " \
  "MLOPS_INPUT_FEATURIZE_TABLE holds every item's path, one a line"
expect_eq "$(cat build/m/0.01-2/model.txt)" "lr=0.01 depth=2" "a matrix item gets its own values"

# ---- a rerun is cached; one item's value changed reruns only that item
run run p.mlops -j1
expect_stdout_contains "run succeeded: 0 ran, 5 up to date" "a rerun runs nothing"
write_spec 3
run run p.mlops -j1 --explain
expect_exit 0 "run after changing us.rows"
expect_stdout_contains "step featurize@us: ran" "the changed item reruns"
expect_stdout_contains "step featurize@eu: cached" "its sibling stays cached"
expect_stdout_contains "parameter \`rows\` changed (2 → 3)" "--explain names the changed item value"
expect_stdout_contains "step combine@all: ran" "what reads the changed item reruns"
expect_eq "$(cat build/features/us.csv | tr '\n' ' ')" "us,1 us,2 us,4 " "featurize@us now reads three rows"

# ---- a target naming the declaration selects all its items
run run p.mlops featurize
expect_exit 0 "run featurize"
expect_stdout_contains "step featurize@us: cached" "the target \`featurize\` takes featurize@us"
expect_stdout_contains "step featurize@eu: cached" "and featurize@eu"
expect_stdout_not_contains "combine@all" "and nothing downstream"
run run p.mlops featurize@eu
expect_stdout_not_contains "featurize@us" "an item is a target of its own"

# ---- the graph: the items of a declaration in a box of their own
run graph p.mlops -o graph.dot --format dot
expect_exit 0 "graph"
if grep -q 'cluster_fan_out_step:featurize' graph.dot && grep -q 'featurize · foreach · 2 items' graph.dot; then
  pass "the graph boxes featurize's items, labelled with how they fan out"
else
  fail "no fan-out box for featurize in the graph"; show graph.dot
fi

# ---- CI: one job per item on every platform, valid for each platform's validator
run build p.mlops -o out --emit=ir,github,gitlab,argo \
  --ci-mlopsc-url 'https://mirror.example/mlopsc-{version}-linux-x86_64.tar.gz' \
  --ci-mlopsc-sha256 "$(printf 'a%.0s' {1..64})" --ci-setup-action shop/ci-actions/setup-mlopsc@v1 \
  --ci-mlopsc-image "registry.example/mlopsc@sha256:$(printf 'b%.0s' {1..64})"
expect_exit 0 "build for every target"
workflow=$(ls out/github/*.yml | grep -v monitor | head -n1)
for job in step-featurize--us step-featurize--eu model-train--0_1-2 model-train--0_01-2 test-auc--0_1-2; do
  if grep -q "^  $job:" "$workflow"; then pass "GitHub job $job"; else fail "no GitHub job $job"; show "$workflow"; fi
done
if python3 - "$workflow" <<'PY'; then pass "test auc@0.1-2 waits for its own model only"; else fail "wrong needs for test-auc--0_1-2"; fi
import sys, yaml
jobs = yaml.safe_load(open(sys.argv[1]))["jobs"]
needs = jobs["test-auc--0_1-2"]["needs"]
needs = [needs] if isinstance(needs, str) else needs
sys.exit(0 if needs == ["model-train--0_1-2"] else 1)
PY
validate_ci=$MLOPS_SHARED_DIR/tools/validate-ci
if [[ -x $validate_ci ]]; then
  mapfile -t yaml < <(find out -name '*.yml' -o -name '*.yaml' | sort)
  if "$validate_ci" "${yaml[@]}" >validate.out 2>&1; then
    pass "validate-ci: ${#yaml[@]} generated files with fan-out jobs, zero findings"
  else
    fail "validate-ci found problems:"; show validate.out
  fi
else
  fail "validate-ci not found at $validate_ci (set MLOPS_SHARED_DIR)"
fi

# ---- the IR and the audit report: each item under its declaration, both valid for their schemas
run report p.mlops -o audit --format md,json --state none
expect_exit 0 "report"
if grep -q '| Fan-out item | 0.1-2 of train (lr = 0.1, depth = 2) |' audit/report.md; then
  pass "the report lists model train@0.1-2 as an item of train, with its values"
else
  fail "no fan-out row for train@0.1-2 in the report"; show audit/report.md
fi
validate_json=$MLOPS_SHARED_DIR/tools/validate-json
if "$validate_json" "$MLOPS_SOURCE_DIR/docs/report.schema.json" audit/report.json >vj.out 2>&1 &&
   "$validate_json" "$MLOPS_SOURCE_DIR/docs/ir.schema.json" out/pipeline.json >>vj.out 2>&1; then
  pass "report.json and pipeline.json with fan-out items match their schemas"
else
  fail "schema validation failed"; show vj.out
fi

# ---- pipeline.json is hostile input: a forged item is refused
python3 - <<'PY'
import json
doc = json.load(open("out/pipeline.json"))
for n in doc["nodes"]:
    if n["id"] == "step:featurize@us":
        n["fan_out"]["item"] = "us;rm -rf ~"
json.dump(doc, open("forged.json", "w"))
doc = json.load(open("out/pipeline.json"))
for n in doc["nodes"]:
    if n["id"] == "step:featurize@eu":
        del n["fan_out"]
json.dump(doc, open("unmarked.json", "w"))
PY
run run forged.json
expect_exit 2 "a forged item name is refused"
expect_stderr_contains "an item name is 1 to 64 of the characters" "saying which names an item may have"
run run unmarked.json
expect_exit 2 "an item without its fan_out is refused"
expect_stderr_contains "has no \`fan_out\`" "saying what is missing"

#!/usr/bin/env bash
# A low risk gate with `approvals = []` (docs/language.md 5.8.1) promotes on
# its tests alone: the run passes it when its blocking test passes, records
# why no approval was needed, and deploys; when the test fails, the gate and
# the deploy do not run. Plots (5.5.3): a missing plot file is a warning
# line, not a failure; the audit report draws the written one.
source "$(dirname "$0")/lib.bash"

mkdir -p proj
cd proj
echo 0.9 > ndcg.txt
cat > t.mlops <<'SPEC'
project ranking { version = "1.0.0"  risk_tier = low }
use std.roles
role ds  : data_scientist { members = ["dan@x.example"] }
role ops : devops         { members = ["op@x.example"] }
model ranker {
  owner   = ds
  run     = """printf '{"ndcg": %s}' "$(cat ndcg.txt)" > ${outputs.metrics} && cp ndcg.txt ${outputs.model} && \
               printf 'k,hit_rate\n1,0.2\n5,0.45\n10,0.61\n' > ${outputs.curve} && mkdir -p ${outputs.plots}"""
  outputs { model = "build/model.txt"  metrics = "build/metrics.json"  curve = "build/hit_rate.csv"  plots = "build/plots" }
  metrics = outputs.metrics
  plots   = [
    plot(outputs.curve, x = "k", y = "hit_rate", title = "Hit rate by list length"),
    plot("build/plots/never.json", x = "a", y = "b"),
  ]
}
test ndcg_floor on ranker { expect metrics.ndcg >= 0.5 }
gate nightly for ranker {
  require   = [ndcg_floor]
  approvals = []
}
deploy prod { owner = ops  model = ranker  after = nightly  run = "cat ${model.outputs.model} >> deployed.txt" }
SPEC

run check t.mlops -Werror
expect_exit 0 "a low risk gate without approvals checks clean, without W0607"

# ---- the test passes: the gate passes on it alone and the deploy runs
run run t.mlops
expect_exit 0 "the run succeeds without any approval"
expect_stdout_contains "gate nightly: passed (no approvals required (low risk): passed on its tests for artifact" \
  "the gate says no approval was needed"
expect_stdout_matches "deploy prod: (ran|rolled out)" "the deploy runs after the gate"
expect_eq "$(cat deployed.txt)" "0.9" "the deploy shipped the model"
expect_stderr_contains "warning: plot \`build/plots/never.json\` of model \`ranker\` was not written" \
  "a missing plot file is a warning"
expect_stderr_not_contains "hit_rate.csv" "a written plot file is no warning"

run history
expect_exit 0 "history lists the runs"

run report t.mlops -o audit --format md,html,json
expect_exit 0 "the report is written"
if grep -q "none: promotion on tests alone" audit/report.md; then pass "the report's gate section says promotion on tests alone"; else fail "report.md does not say promotion on tests alone"; fi
if grep -q "No approval needed: the gate passes when its required tests pass" audit/report.md; then pass "the report says no approval was needed"; else fail "report.md does not say no approval was needed"; fi
if grep -q "| First point | \`(1, 0.2)\` |" audit/report.md && grep -q "| Last point | \`(10, 0.61)\` |" audit/report.md; then
  pass "report.md gives the plot's first and last points"
else
  fail "report.md lacks the plot's points: $(grep -n -A8 'Plot:' audit/report.md | head -20)"
fi
if grep -q '<svg class="plot"' audit/report.html && grep -q '>Hit rate by list length</text>' audit/report.html; then
  pass "report.html draws the plot as inline SVG with its title"
else
  fail "report.html has no plot chart"
fi
expect_eq "$(python3 -c 'import json; p = json.load(open("audit/report.json"))["plots"]; print(p[0]["points"], p[1]["problem"])')" \
  "[[1.0, 0.2], [5.0, 0.45], [10.0, 0.61]] the file is not written yet (run the model)" "report.json carries the points, and why the other plot has none"

# ---- the blocking test fails: the gate and the deploy do not run
echo 0.3 > ndcg.txt
run run t.mlops
expect_exit 4 "a failing blocking test fails the run"
expect_stdout_contains "test:ndcg_floor  failed         -  expected metrics.ndcg >= 0.5, with metrics.ndcg = 0.3" "the test fails"
expect_stdout_matches "gate nightly: (skipped|not started)" "the gate does not pass without its test"
expect_stdout_matches "deploy prod: (skipped|not started)" "nothing is deployed"
expect_eq "$(cat deployed.txt)" "0.9" "the deployed model is still the one that passed"

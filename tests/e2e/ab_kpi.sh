#!/usr/bin/env bash
# KPIs measured and A/B tests concluded (issue 18; docs/language.md 5.3.1,
# 5.9.1), on the churn-ab example: the model's run is an offline reading
# of its KPI, each monitor check an online one; the ab deploy concludes its
# test at the end of its duration and promotes (one more step at 100%),
# rolls back, or, inconclusive, rolls back with the sample size still
# needed; an invalid arm never promotes. `status` shows the latest of each,
# and the record keeps them all (the _pg variant: on PostgreSQL).
source "$(dirname "$0")/lib.bash"

cp -r "$MLOPS_SOURCE_DIR/examples/churn-ab" proj
cd proj
rm -rf build .mlops
chmod 600 demo-keys/*.key

# Writes serving/ab_live.json with the arms' readings of the A/B metric.
arms() {  # control_value control_n treatment_value treatment_n [extra JSON members]
  python3 - "$@" <<'PY'
import json, sys
cv, cn, tv, tn = (float(x) for x in sys.argv[1:5])
doc = {"error_rate": 0.004, "p95_latency_ms": 88, "treatment_retention_rate": tv,
       "control_retention_rate": cv,
       "ab": {"business.retention_rate": {"control": {"value": cv, "n": cn},
                                          "treatment": {"value": tv, "n": tn}}}}
json.dump(doc, open("serving/ab_live.json", "w"))
PY
}
approve_all() {
  run approve release --key demo-keys/maria.key
  expect_exit 0 "maria approves"
  run approve release --key demo-keys/nia.key
  expect_exit 0 "nia approves"
}
retrain() {  # a new artifact: another regularisation
  sed -i -E "s/l2 = [0-9.]+/l2 = $1/" churn_ab.mlops
}
release_new_artifact() {  # L2: trains it, approves it, runs the rollout (its result in STDOUT)
  retrain "$1"
  run run churn_ab.mlops --interval-scale 0
  expect_exit 5 "a new artifact waits for approvals"
  approve_all
  run run churn_ab.mlops --interval-scale 0
}

# ---- the first run: the model's metrics are an offline reading of its KPI
run run churn_ab.mlops --interval-scale 0
expect_exit 5 "the gate waits for approvals"
expect_stdout_contains 'churn: kpi `retention_rate` (business.retention_rate = 0.8875, target >= 0.85): met' \
  "the model run's KPI reading is said"
run status churn_ab.mlops
expect_exit 0 "status"
expect_stdout_contains "kpis:" "status has a KPI section"
expect_stdout_matches '^  retention_rate \(business\.retention_rate, target >= 0\.85\): met offline 0\.8875 \(model churn, run 1, ' \
  "status shows the latest offline reading against the target"
expect_stdout_contains "churn_ab (business.retention_rate): not concluded yet" "no A/B conclusion before a rollout"

# ---- promote: the treatment retains clearly more
approve_all
run run churn_ab.mlops --interval-scale 0
expect_exit 0 "the run with a promoted A/B test succeeds"
expect_stdout_contains "deploy churn_ab: A/B test concluded: treatment - control = +0.015 (95% CI +0.00876 to +0.02124, p = 2.5e-06): promote; sending all traffic to the new model" \
  "the conclusion with its interval, p-value and decision"
expect_stdout_matches 'deploy:churn_ab +rolled out .* 50% → 100%' "promotion is one more step at 100%"
expect_stdout_contains "kpi \`retention_rate\` (business.retention_rate = 0.889, target >= 0.85): met" \
  "a monitor check reads the KPI online (the treatment arm)"
grep -q '"promoted": true' build/deploy_ab.json && pass "the deploy command saw MLOPS_AB_DECISION=promote" ||
  fail "build/deploy_ab.json does not say promoted: $(cat build/deploy_ab.json)"
run status
expect_stdout_matches '^  churn_ab \(business\.retention_rate\): promote, promoted \(final, run 2, .*\): treatment - control = \+0\.015' \
  "status shows the final conclusion and what the rollout did"
expect_stdout_matches 'met online 0\.889 \(monitor ab_(health|retention), run 2, ' "status shows the latest online reading"

# The hand-computed figures (Newcombe hybrid score interval, pooled z)
# against python3's statistics module, from the record's JSON.
run state export state.jsonl
expect_exit 0 "the record exports"
python3 - state.jsonl <<'PY' && pass "the recorded interval and p-value match python3's statistics.NormalDist" || fail "the recorded A/B figures differ from python3's"
import json, math, sys
from statistics import NormalDist
rows = [r for r in (json.loads(l) for l in open(sys.argv[1])) if "table" in r]
final = [r["row"] for r in rows if r["table"] == "ab_conclusions" and r["row"]["stage"] == "final"]
c = json.loads(final[-1]["conclusion"])
pc, nc, pt, nt = 0.874, 20600, 0.889, 20600
z = NormalDist().inv_cdf(0.975)
def wilson(p, n):
    centre, half = p + z*z/(2*n), z*math.sqrt(p*(1-p)/n + z*z/(4*n*n))
    return (centre - half)/(1 + z*z/n), (centre + half)/(1 + z*z/n)
lc, uc = wilson(pc, nc); lt, ut = wilson(pt, nt)
d = pt - pc
lower = d - math.sqrt((pt-lt)**2 + (uc-pc)**2); upper = d + math.sqrt((ut-pt)**2 + (pc-lc)**2)
pbar = (nc*pc + nt*pt)/(nc + nt)
zstat = d/math.sqrt(pbar*(1-pbar)*(1/nc + 1/nt))
p = 2*(1 - NormalDist().cdf(abs(zstat)))
assert c["decision"] == "promote", c
assert abs(c["interval"][0] - lower) < 1e-9 and abs(c["interval"][1] - upper) < 1e-9, (c["interval"], lower, upper)
assert abs(c["z"] - zstat) < 1e-9 and abs(c["p_value"] - p) < 1e-9, (c["z"], zstat, c["p_value"], p)
assert final[-1]["action"] == "promoted"
PY
kpi_rows=$(grep -c '"table":"kpi_readings"' state.jsonl)
((kpi_rows >= 3)) && pass "every reading is recorded ($kpi_rows rows)" || fail "expected at least 3 KPI readings, got $kpi_rows"
grep '"table":"kpi_readings"' state.jsonl | grep -q '"source":"online".*"origin":"serving/ab_live.json (the A/B test'"'"'s treatment arm)"' &&
  pass "an online reading names where it was read" || fail "no online reading from the treatment arm in the record"

# ---- a monitor check outside a rollout records a check, not an action
arms 0.874 20600 0.889 20600
run run churn_ab.mlops --interval-scale 0 monitor:ab_health
expect_exit 0 "a monitor check of the A/B deploy"
expect_stdout_contains "A/B test: treatment - control = +0.015" "the check concludes the test too"
run status
expect_stdout_matches '^    since: promote \(check, run [0-9]+, ' "a later check shows under the final conclusion"

# ---- an online KPI miss fails the monitor and alerts the KPI's owner
arms 0.80 20600 0.84 20600
run run churn_ab.mlops --interval-scale 0 monitor:ab_health
expect_exit 3 "a missed KPI fails the monitor check"
expect_stdout_contains "kpi \`retention_rate\` (business.retention_rate = 0.84, target >= 0.85): missed; alert retention_lead (maria@telco.example)" \
  "the miss names the KPI, the reading, the target and whom it alerts"
run status
expect_stdout_matches 'MISSED online 0\.84 \(monitor ab_health, run [0-9]+, .*\); alert retention_lead \(maria@telco\.example\)' \
  "status shows the miss and whom it alerts"

arms 0.874 20600 0.889 20600

# ---- roll back: the treatment retains clearly fewer (but above the KPI
# and within the monitor's one point)
arms 0.874 40000 0.866 40000
release_new_artifact 0.02
expect_exit 3 "a test concluded against the new model fails the deploy"
expect_stdout_contains "the A/B test on business.retention_rate concluded at the end of its duration: treatment - control = -0.008" \
  "the conclusion is the failure's reason"
expect_stdout_matches 'deploy:churn_ab +failed .*: roll back; rolled back' "the deploy rolled back"

# ---- inconclusive at the end: rolled back, with the observations still needed
arms 0.874 2000 0.879 2000
release_new_artifact 0.03
expect_exit 3 "an inconclusive test at the end of its duration keeps the current model"
expect_stdout_matches 'inconclusive; detecting a difference of this size at 80% power needs [0-9]+ more observations in control and [0-9]+ in treatment; the new model was not shown better, so the current model stays; rolled back' \
  "inconclusive says how many more observations and rolls back"

# ---- an invalid arm never promotes, and says which member of which file
arms 0.80 1 0.95 5000
release_new_artifact 0.04
expect_exit 3 "an invalid reading is not a promotion"
expect_stdout_contains '`ab["business.retention_rate"].control.n` is 1 in `serving/ab_live.json`: expected a whole number of observations, at least 2' \
  "the invalid member, its file and what was expected"

# ---- a hostile metrics file: the KPI's member is text with a terminal escape
cat > steps/train_hostile.py <<'PY'
import sys, json
out = sys.argv[sys.argv.index("--metrics") + 1]
model = sys.argv[sys.argv.index("--model") + 1]
open(model, "w").write(json.dumps({"weights": [1]}))
open(out, "w").write('{"business": {"retention_rate": "0.9\u001b[31m"}, "auc": 0.8, "recall_at_top": 0.5, "retention_rate": 0.9}')
PY
sed -i 's|run       = """python3 steps/train.py|run       = """python3 steps/train_hostile.py|' churn_ab.mlops
run run churn_ab.mlops --interval-scale 0 model:churn
expect_exit 0 "a metrics file whose KPI member is not a number does not fail the model"
expect_stdout_not_contains "kpi \`retention_rate\`" "and gives no reading"

#!/usr/bin/env bash
# The dashboard in a real browser (issue 18, item 5): 200 real runs of the
# three examples (tests/support/dashboard-state), then each project's
# dashboard opened page by page in headless Chromium (tests/browser/run-check):
# no console error, failed request or CSP violation, the latest KPI reading
# and the A/B decision the record holds visible in the DOM, every chart's
# points showing their tooltip on hover and every chart with its table,
# light and dark schemes, screenshots not blank; then the same pages served
# live by `mlopsc dashboard --serve`. The screenshots are kept as test
# artifacts in $MLOPS_TEST_ARTIFACTS/dashboard (CTest: the build folder's
# test-artifacts/). Skipped (77) only when npm cannot reach its registry.
source "$(dirname "$0")/lib.bash"
gen=$MLOPS_SOURCE_DIR/tests/support/dashboard-state
check=$MLOPS_SOURCE_DIR/tests/browser/run-check
artifacts=${MLOPS_TEST_ARTIFACTS:-$E2E_WORK/artifacts}/dashboard
RUNS=${MLOPS_DASHBOARD_RUNS:-200}
server_pid=
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=; }
E2E_CLEANUPS+=(stop_server)

timeout 1200 "$gen" -n "$RUNS" -o state --mlopsc "$MLOPSC" >gen.out 2>&1 && rc=0 || rc=$?
expect_eq "$rc" 0 "dashboard-state makes $RUNS runs of the three examples"
((rc == 0)) || { show gen.out; exit 1; }
tail -4 gen.out | sed 's/^/    /'

# expectations PROJECT SPEC: what its pages must show, from its own record.
expectations() {
  (cd "state/$1" && "$MLOPSC" state export "$E2E_WORK/$1.jsonl" >/dev/null)
  python3 - "$E2E_WORK/$1.jsonl" "$1" >"$1.expect.json" <<'PY'
import json, sys
rows = [r for r in (json.loads(l) for l in open(sys.argv[1])) if "table" in r]
kpis = [r["row"] for r in rows if r["table"] == "kpi_readings"]
finals = [r["row"] for r in rows if r["table"] == "ab_conclusions" and r["row"]["stage"] == "final"]
index = [{"selector": "h2", "contains": "Business KPIs"}]
latest = {}
for k in kpis:
    latest[k["kpi"]] = k
for name, k in latest.items():
    value = repr(float(k["value"]))
    index.append({"selector": f"#kpi-{name}", "contains": f"Latest: {value}"})
    index.append({"selector": f"#kpi-{name} h3", "contains": "met" if k["met"] == "1" else "missed"})
# Charts (and their points to hover) are on the Overview and the model pages.
pages = {"index.html": {"texts": index}, "models.html": {"hover": []}, "data.html": {"charts": None, "hover": []},
         "teams.html": {"hover": []}}
models = {"credit-risk": "scorer", "churn-ab": "churn"}
model_page = {"texts": [{"selector": "h1", "contains": models[sys.argv[2]]}]}
if finals:
    f = finals[-1]
    model_page["texts"].append({"selector": "table", "contains": f["decision"]})
    model_page["texts"].append({"selector": "table", "contains": "the rollout " + f["action"]})
pages[f"model-{models[sys.argv[2]]}.html"] = model_page
print(json.dumps({
    "defaults": {"charts": "svg.chart", "csp": True, "darkDiffers": True,
                 "hover": [{"selector": "svg.chart .pt", "tooltip": "#tip", "text": "run", "limit": 12}]},
    "pages": pages}, indent=1))
PY
}

for p in credit-risk churn-ab; do
  spec=$(cd "state/$p" && ls ./*.mlops | grep -v teams | head -1)
  (cd "state/$p" && "$MLOPSC" dashboard "$spec" -o "$E2E_WORK/site-$p") >site.out 2>&1 && rc=0 || rc=$?
  expect_eq "$rc" 0 "$p: mlopsc dashboard writes the static site"
  expectations "$p"
  grep -q '"contains": "Latest: ' "$p.expect.json" && pass "$p: the record holds KPI readings to look for" ||
    fail "$p: no KPI reading in the record"
  "$check" --base "$E2E_WORK/site-$p" --out "$artifacts/$p" --expect "$p.expect.json" >"$p.check.out" 2>&1 && rc=0 || rc=$?
  ((rc == 77)) && { cat "$p.check.out"; skip "npm cannot reach its registry and puppeteer-core is not cached"; }
  expect_eq "$rc" 0 "$p: every page passes in Chromium (console, requests, CSP, KPI and A/B texts, tooltips, tables, light and dark, screenshots)"
  ((rc == 0)) || show "$p.check.out"
  grep -E '^(ok|FAIL) - ' "$p.check.out" | sed 's/^/    /'
done
grep -q '"contains": "promote\|"contains": "roll back\|"contains": "inconclusive' churn-ab.expect.json &&
  pass "churn-ab: the A/B decision is among what the page must show" || fail "churn-ab: the record holds no final A/B conclusion"
shots=$(find "$artifacts" -name '*.png' | wc -l)
((shots >= 20)) && pass "screenshots kept as test artifacts ($shots in $artifacts)" || fail "expected at least 20 screenshots, found $shots"

# ---- the same pages, served live
cd state/churn-ab
"$MLOPSC" dashboard churn_ab.mlops --serve 127.0.0.1:0 >"$E2E_WORK/serve.out" 2>&1 &
server_pid=$!
cd "$E2E_WORK"
url=
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' serve.out | head -1 || true)
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] && pass "the live server says where it serves ($url)" || { show serve.out; fail "the live server printed no URL"; exit 1; }
"$check" --base "$url" --out "$artifacts/churn-ab-live" --expect churn-ab.expect.json >live.check.out 2>&1 && rc=0 || rc=$?
expect_eq "$rc" 0 "churn-ab served live: every page passes in Chromium"
((rc == 0)) || show live.check.out
stop_server

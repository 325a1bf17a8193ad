#!/usr/bin/env bash
# tests/support/dashboard-state, which makes the dashboard tests' record
# (issue 18, item 5), makes what they rely on: real runs of the three
# examples whose history holds passed gates with signed approvals, rollouts,
# failed tests, a failed monitor with its rollback, and gates left waiting,
# every hash chain and signature verifying. A short history (36 runs, a
# failure every 3rd iteration, serving degraded every 4th) covers each kind.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"
gen=$MLOPS_SOURCE_DIR/tests/support/dashboard-state

timeout 600 "$gen" -n 36 --fail-every 3 --degrade-every 4 -o state --mlopsc "$MLOPSC" >gen.out 2>&1 && rc=0 || rc=$?
expect_eq "$rc" 0 "dashboard-state makes 36 runs of the three examples"
((rc == 0)) || { show gen.out; exit 0; }
sed 's/^/    /' gen.out
summary=state/summary.json
expect_eq "$(json_get "$summary" runs)" 36 "summary.json counts 36 runs"

# exits PROJECT CODE: how many of the project's runs exited with CODE.
exits() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["projects"][sys.argv[2]]["exit"].get(sys.argv[3], 0))' "$summary" "$1" "$2"; }
total() { local n=0 p; for p in credit-risk churn-ab recsys-lowrisk; do n=$((n + $(exits "$p" "$1"))); done; echo "$n"; }
for p in credit-risk churn-ab recsys-lowrisk; do
  expect_eq "$(json_get "$summary" "projects.$p.runs")" 12 "$p: 12 runs"
  (($(exits "$p" 0) >= 1)) && pass "$p: a run passed its gate and rolled out (exit 0)" || fail "$p: no run exited 0: $(json_get "$summary" "projects.$p.exit")"
  expect_eq "$(json_get "$summary" "projects.$p.last_exit")" 5 "$p: the last run leaves its gate waiting for approvals"
  cd "$E2E_WORK/state/$p"
  run history --verify
  cd "$E2E_WORK"
  expect_exit 0 "$p: history --verify: approvals and gate passes chained, signatures valid"
  expect_stdout_contains "signatures verified" "$p: its approvals are signed with the demo keys"
done
(($(total 4) >= 1)) && pass "a blocking test failed in some run (exit 4)" || fail "no run exited 4"
(($(total 3) >= 1)) && pass "a monitor failed in some run (exit 3)" || fail "no run exited 3"
expect_eq "$(json_get "$summary" projects.credit-risk.latest_metrics.business.approval_rate | grep -c -E '^0\.[0-9]+$')" 1 \
  "summary.json holds credit-risk's latest KPI metric, business.approval_rate"

cd state/credit-risk
run history deploy:scorer_prod
expect_stdout_contains "rolled back" "credit-risk: a degraded rollout's monitor failed and the deploy rolled back"
expect_stdout_contains "10% → 50% → 100%" "credit-risk: an approved scorer rolled out"

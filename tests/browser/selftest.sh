#!/usr/bin/env bash
# The page checker (tests/browser/run-check, check-pages.mjs) checked on pages
# whose faults are known, then used on real ones:
#   1. fixtures/good.html passes every check, from file:// and from a local
#      HTTP server: its tooltips are hovered, its chart has a table, both
#      schemes are screenshotted (not blank, dark darker) and timed;
#   2. each deliberate fault fails it with a message naming the fault: a
#      console error (fixtures/console-error.html); an uncaught error, a
#      missing file, a request outside the base, a CSP violation, a chart
#      without a table, a point without a tooltip, a missing text
#      (fixtures/bad.html); a blank page (fixtures/blank.html); a tooltip
#      shown before any hover (fixtures/always-tooltip.html);
#   3. the audit report of examples/credit-risk after a run with approvals
#      (`mlopsc report --format html`) passes, its headings in the DOM;
#   4. no browser outlives the checker, even when it is killed mid-page.
# Needs node, npm (the registry or npm's cache for the first install into
# MLOPS_TEST_CACHE) and Debian's chromium; skipped (exit 77) only when npm
# cannot reach the registry and puppeteer-core is not cached.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/../e2e/lib.bash"
here=$MLOPS_SOURCE_DIR/tests/browser
check=$here/run-check
fixtures=$here/fixtures
export TMPDIR=$E2E_WORK  # the browser's profile and run-check's own folder: leftovers are findable here

for tool in node npm python3 ssh-keygen; do
  command -v "$tool" >/dev/null 2>&1 || { fail "$tool is not installed (scripts/install-deps)"; exit 0; }
done
[[ -x /usr/bin/chromium ]] || { fail "chromium is not installed (scripts/install-deps)"; exit 0; }

SERVER_PID=
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
E2E_CLEANUPS=(stop_server "${E2E_CLEANUPS[@]}")
trap 'exit 143' TERM
trap 'exit 130' INT

# checker OUT ARG...: runs run-check; sets CHECK_RC, output in OUT.log, summary in OUT/summary.json.
checker() {
  local out=$1
  shift
  CHECK_RC=0
  "$check" --out "$out" "$@" >"$out.log" 2>&1 || CHECK_RC=$?
  if ((CHECK_RC == 77)); then skip "$(tail -n 1 "$out.log")"; fi
}

# failures OUT PAGE: that page's failure messages in the summary, one a line.
failures() {
  python3 - "$1/summary.json" "$2" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["pages"]:
    if p["page"] == sys.argv[2]:
        print("\n".join(p["failures"]))
PY
}

# expect_failure OUT PAGE TEXT WHAT: PAGE failed with a message containing TEXT.
expect_failure() {
  local all
  all=$(failures "$1" "$2")
  if [[ $all == *"$3"* ]]; then pass "$4"
  else fail "$4: no failure of $2 says: $3"; show "$1.log"; fi
}

# no_leftovers WHAT: no process runs from this test's folder (the browser's
# profile is there) and no profile is left.
no_leftovers() {
  local left
  left=$(pgrep -a -f -- "$E2E_WORK" | grep -v -e "^$$ " -e "pgrep" || true)
  expect_eq "$left" "" "$1: no browser or node process is left"
  expect_eq "$(find "$E2E_WORK" -maxdepth 2 -name 'check-pages-profile-*' -o -maxdepth 2 -name 'run-check.*')" "" \
    "$1: the temporary profile and run-check's folder are removed"
}

# ---- 1. a good page passes, from file:// and over HTTP
checker good --base "$fixtures" --expect "$fixtures/expect.json" good.html
expect_eq "$CHECK_RC" 0 "fixtures/good.html passes every check (file://)"
((CHECK_RC == 0)) || show good.log
expect_eq "$(json_get good/summary.json pages.0.schemes.light.hovered)" 4 "its four chart points are hovered, each showing its tooltip"
expect_eq "$(json_get good/summary.json pages.0.schemes.light.charts)" 1 "its chart is found, with its table"
for scheme in light dark; do
  [[ -s good/good.html.$scheme.png ]] && pass "the $scheme screenshot is saved" || fail "no $scheme screenshot in good/"
  python3 -c 'import sys; v = float(sys.argv[1]); sys.exit(0 if v > 0 else 1)' "$(json_get good/summary.json "pages.0.schemes.$scheme.loadMs")" \
    && pass "its $scheme load time is measured" || fail "no $scheme load time: $(json_get good/summary.json "pages.0.schemes.$scheme")"
done
no_leftovers "after a passing check"

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$fixtures" >server.log 2>&1 &
SERVER_PID=$!
port=
for _ in $(seq 50); do
  port=$(sed -n -E 's/.*port ([0-9]+).*/\1/p' server.log | head -n 1)
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { fail "the fixture server did not start"; show server.log; exit 0; }
checker http --base "http://127.0.0.1:$port/" --expect "$fixtures/expect.json" good.html bad.html
good_failures=$(failures http good.html)
expect_eq "$good_failures" "" "fixtures/good.html passes every check over HTTP"
expect_failure http bad.html "request outside the base http://127.0.0.1:$port/: http://example.com/pixel.png" \
  "over HTTP, a request to another host is blocked and reported"
expect_failure http bad.html "request failed: http://127.0.0.1:$port/missing.png (HTTP 404)" "over HTTP, a 404 is reported"
stop_server

# ---- 2. each deliberate fault fails the check, named
checker bad --base "$fixtures" --expect "$fixtures/expect.json" console-error.html bad.html blank.html always-tooltip.html
expect_eq "$CHECK_RC" 1 "the checker exits 1 when a page fails"
expect_failure bad console-error.html "light: console error: deliberate fixture error" "a console error fails the page"
expect_failure bad bad.html "page error: " "an uncaught error fails the page"
expect_failure bad bad.html "request failed: file://$fixtures/missing.png" "a missing file fails the page"
expect_failure bad bad.html "Content-Security-Policy violation: script-src-elem blocked inline" "a CSP violation fails the page"
expect_failure bad bad.html "request outside the base file://$fixtures/: http://example.com/pixel.png" \
  "from file://, a request to a host is blocked and reported"
expect_failure bad bad.html 'chart "no table" has no table of its data' "a chart without a table fails the page"
expect_failure bad bad.html "hovering .chart .point #1 shows no visible #tooltip with text" "a point without a tooltip fails the page"
expect_failure bad bad.html "expected at least 1 element(s) matching .kpi, found 0" "a missing expected text fails the page"
expect_failure bad blank.html "light: the screenshot $E2E_WORK/bad/blank.html.light.png looks blank: 1 colour(s)" \
  "a blank page fails the page"
expect_failure bad blank.html "the dark scheme is not darker than the light one" "a page without dark colours fails darkDiffers"
expect_failure bad always-tooltip.html "#tooltip is visible before any hover" "a tooltip shown before any hover fails the page"
expect_eq "$(failures bad always-tooltip.html | grep -c -v 'visible before any hover')" 0 "(and nothing else about it does)"
no_leftovers "after a failing check"

# ---- 3. a real page: the audit report of credit-risk, with a run history
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" cr
rm -rf cr/.mlops cr/build cr/serving cr/mlops
chmod 600 cr/demo-keys/*.key
cd cr
run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.0001
expect_exit 5 "credit-risk runs and its gate waits for approvals"
for who in carol grace alice; do
  run approve production --key "demo-keys/$who.key" --comment "reviewed"
  expect_exit 0 "$who approves"
done
run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.0001
expect_exit 0 "the gate passes and the scorer rolls out"
run report credit_risk.mlops -o "$E2E_WORK/report" --format html
expect_exit 0 "mlopsc report writes the HTML report"
LAST_CMD=
cd "$E2E_WORK"
cat >report-expect.json <<'EOF'
{
  "pages": {
    "report.html": {
      "texts": [
        { "selector": "h1", "contains": "Audit report: credit_risk 2.3.0" },
        { "selector": "h2", "min": 10 },
        { "selector": "h2", "contains": "5. Gates and approvals" },
        { "selector": "p", "contains": "Verdict: every gate passed for the current model artifacts" },
        { "selector": "td", "matches": "^passed: metrics\\.auc >= 0\\.75, with metrics\\.auc = 0\\.\\d+" },
        { "selector": "td", "matches": "^verified: carol@bank\\.example \\(SHA256:" }
      ],
      "charts": null
    }
  }
}
EOF
checker report-shots --base report --expect report-expect.json
expect_eq "$CHECK_RC" 0 "the credit-risk audit report passes in the browser"
((CHECK_RC == 0)) || show report-shots.log
sed -n 's/^/    /p' report-shots.log

# ---- 4. killed mid-check, the checker leaves no browser behind
"$check" --out killed --base "$fixtures" --expect "$fixtures/expect.json" good.html good.html good.html good.html >killed.log 2>&1 &
check_pid=$!
for _ in $(seq 300); do
  compgen -G "$E2E_WORK/run-check.*/browser.pid" >/dev/null && break
  sleep 0.1
done
compgen -G "$E2E_WORK/run-check.*/browser.pid" >/dev/null && pass "the browser started (its pid file is written)" ||
  fail "the browser did not start within 30s"
kill -TERM "$check_pid"
wait "$check_pid" && rc=0 || rc=$?
expect_eq "$rc" 143 "run-check, sent SIGTERM, exits 143"
sleep 0.5
no_leftovers "after SIGTERM mid-check"

#!/usr/bin/env bash
# mlopsc dashboard (docs/dashboard.md): the credit-risk and churn-ab
# examples run a few times (waiting at their gates, approved with their demo
# keys, released, retrained), then the static site: every page is there
# with the models' metrics, KPI, gates, approvers, data and teams; hostile
# text (a role's doc comment, a metric key holding <script> and quotes)
# comes out escaped; the pages load nothing but the site's own files; two
# builds give the same bytes. Then --serve on a free port: pages with the
# security headers, writes refused, path traversal impossible, 20
# concurrent clients answered, and the server stopped at the end, pass or
# fail.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR

# ---- credit-risk, with a hostile role doc comment and metric key
cp -r "$src/examples/credit-risk" cr
rm -rf cr/.mlops cr/build
chmod 600 cr/demo-keys/*.key
cd cr
sed -i 's|^role validators : model_risk_manager {|/// Hostile <script>alert("role")</script> \& '"'"'quoted'"'"' text.\n&|' teams.mlops
sed -i 's|        "iterations": iterations,|&\n        "<script>alert(\\"metric\\")</script>'"'"'q": 1.5,|' steps/train.py
grep -q 'alert("role")' teams.mlops && grep -q 'alert(\\"metric\\")' steps/train.py ||
  fail "the hostile strings were not put into the copy"

scale=(--secrets-file demo.secrets.env --interval-scale 0.00001)
run run credit_risk.mlops "${scale[@]}"
expect_exit 5 "credit-risk run 1 waits at the production gate"
run dashboard credit_risk.mlops -o ../cr-waiting
expect_exit 0 "the dashboard of a project waiting for approvals"
expect_stdout_contains "wrote 7 files to ../cr-waiting"
grep -q 'Waiting for approval' ../cr-waiting/index.html && grep -q 'carol@bank.example' ../cr-waiting/index.html &&
  grep -q 'gate production</a> for model scorer' ../cr-waiting/index.html &&
  pass "the overview names the waiting gate and who must act" ||
  fail "the overview does not show the pending approvals: $(grep -A3 'Waiting for' ../cr-waiting/index.html | head -c 600)"

for who in carol grace alice; do
  run approve production --key "demo-keys/$who.key"
  expect_exit 0 "$who approves"
done
run run credit_risk.mlops "${scale[@]}"
expect_exit 0 "credit-risk run 2 passes the gate and deploys"
sed -i 's|c = 0.5  max_iter = 200|c = 0.2  max_iter = 150|' credit_risk.mlops
run run credit_risk.mlops "${scale[@]}"
expect_exit 5 "credit-risk run 3 retrains and waits for new approvals"
auc=$(python3 -c 'import json; print(json.load(open("build/metrics.json"))["auc"])')
rate=$(python3 -c 'import json; print(json.load(open("build/metrics.json"))["business"]["approval_rate"])')

run dashboard credit_risk.mlops -o ../cr-site
expect_exit 0 "the dashboard of credit-risk"
cd ..
for f in index.html models.html model-scorer.html data.html teams.html dashboard.css dashboard.js; do
  [[ -s cr-site/$f ]] && pass "credit-risk: $f written" || fail "credit-risk: $f missing"
done
grep -q 'id="kpi-approval_rate"' cr-site/index.html && grep -q 'share of applications approved' cr-site/index.html &&
  pass "the overview shows the KPI in the words of its doc comment" || fail "no KPI on the overview"
grep -q "Latest: <strong>$rate</strong> (offline, model scorer, run 3" cr-site/index.html &&
  grep -q 'badge good">met<' cr-site/index.html &&
  pass "the KPI's latest reading ($rate) is met" || fail "the KPI reading $rate is not on the overview"
grep -q "<td>$auc</td>" cr-site/model-scorer.html && grep -q '<figcaption>auc</figcaption>' cr-site/model-scorer.html &&
  pass "the model page charts auc with its newest value ($auc)" || fail "auc $auc is not on the model page"
grep -q '<circle class="pt s0" cx="[0-9.]*" cy="[0-9.]*" r="3.5" tabindex="0"><title>run 3 · auc = ' cr-site/model-scorer.html &&
  pass "chart points carry their run and value as a tooltip" || fail "no tooltip on the auc chart"
grep -q 'carol@bank.example (validators), grace@bank.example (validators), alice@bank.example (risk_owner)' cr-site/model-scorer.html &&
  pass "the gate pass lists its approvers" || fail "the approvers of the gate pass are missing"
grep -q 'deploy scorer_prod <span class="badge warn">skipped' cr-site/model-scorer.html &&
  grep -q '<tr><td class="num">2</td><td><span class="badge good">succeeded</span>' cr-site/model-scorer.html &&
  pass "the deploy's results: skipped while waiting (run 3), succeeded in run 2" ||
  fail "the deploy's results are missing: $(grep -A6 'id="deploy-scorer_prod"' cr-site/model-scorer.html | head -c 800)"
grep -q 'PSI per column' cr-site/model-scorer.html && grep -q 'applications.income · PSI = ' cr-site/model-scorer.html &&
  pass "drift per column against the gate pass's profile" || fail "no drift chart"
grep -q 'xlink:href="model-scorer.html"' cr-site/data.html && grep -q 'xlink:href="data.html#data-applications"' cr-site/data.html &&
  pass "the pipeline graph's nodes link to their pages" || fail "the graph has no links"
grep -q '<th scope="row">rows</th><td>300</td>' cr-site/data.html && grep -q 'income</td><td>float' cr-site/data.html &&
  pass "the data page shows rows and the schema" || fail "no rows or schema on the data page"
grep -q 'id="role-pipeline_eng"' cr-site/teams.html && grep -q 'frank@bank.example' cr-site/teams.html &&
  grep -q '>8Gi<' cr-site/teams.html && grep -q 'commands, ' cr-site/teams.html &&
  pass "the teams page shows members, quota and measured use" || fail "the teams page is incomplete"

# ---- hostile text escaped, nothing but the site's own files loaded
grep -q '&lt;script&gt;alert(&quot;role&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;' cr-site/teams.html &&
  pass "a role's doc comment with <script> and quotes is escaped" || fail "the hostile doc comment is not escaped"
grep -q '&lt;script&gt;alert(&quot;metric&quot;)&lt;/script&gt;&#39;q' cr-site/model-scorer.html &&
  pass "a metric key with <script> and quotes is escaped" || fail "the hostile metric key is not escaped"
scripts=$(cat cr-site/*.html 2>/dev/null | grep -o '<script[^>]*>' | sort -u || true)
[[ $scripts == '<script src="dashboard.js" defer>' ]] && pass "no script but dashboard.js on any page" ||
  fail "unexpected scripts: $scripts"
grep -l 'style=\|<style\| on[a-z]*="' cr-site/*.html && fail "inline style or event handler attributes" ||
  pass "no inline style or handler (the CSP forbids them)"
grep -L "Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'\"" \
  cr-site/*.html | grep . && fail "a page without the CSP" || pass "every page carries the CSP"
grep -h -o '\(src\|href\)="[a-z]*:[^"]*"' cr-site/*.html | grep -v -x 'href="data:,"' | grep . &&
  fail "a page refers to another origin" || pass "no page refers to another origin"

# ---- the same record gives the same bytes
cd cr
run dashboard credit_risk.mlops -o ../cr-again
expect_exit 0 "the dashboard again"
cd ..
diff -r cr-site cr-again >/dev/null && pass "two builds are byte-identical" || fail "the dashboard differs between builds: $(diff -r cr-site cr-again | head -c 600)"

# ---- churn-ab: a shadow and an A/B deploy, its KPI, from pipeline.json
cp -r "$src/examples/churn-ab" ch
rm -rf ch/.mlops ch/build
chmod 600 ch/demo-keys/*.key
cd ch
run run churn_ab.mlops --interval-scale 0.000001
expect_exit 5 "churn-ab run 1 waits at the release gate"
run dashboard churn_ab.mlops -o ../ch-waiting
expect_exit 0 "the dashboard before the A/B test ran"
grep -q '<tr><td>live now</td><td>0.874 (n 20600)</td><td>0.889 (n 20600)</td>' ../ch-waiting/model-churn.html &&
  pass "churn-ab: before any rollout, the A/B test as its live source reads now" ||
  fail "churn-ab: no live A/B reading: $(grep -A8 'A/B test on' ../ch-waiting/model-churn.html | head -c 600)"
for who in maria nia; do
  run approve release --key "demo-keys/$who.key"
  expect_exit 0 "$who approves"
done
run run churn_ab.mlops --interval-scale 0.000001
expect_exit 0 "churn-ab run 2 deploys in shadow and A/B"
run build churn_ab.mlops -o build/mlops --emit ir
expect_exit 0 "build pipeline.json"
retention=$(python3 -c 'import json; print(json.load(open("build/metrics.json"))["business"]["retention_rate"])')
run dashboard build/mlops/pipeline.json -o ../ch-site
expect_exit 0 "the dashboard of churn-ab from pipeline.json"
cd ..
grep -q 'id="kpi-retention_rate"' ch-site/index.html && grep -q "<tr><td>1</td><td>offline</td><td>$retention</td>" ch-site/index.html &&
  grep -q '<tr><td>2</td><td>online</td><td>0.889</td><td>met · model churn' ch-site/index.html &&
  pass "churn-ab: the retention KPI's offline ($retention) and online (0.889) readings" ||
  fail "churn-ab: no retention KPI readings: $(grep -A3 'id="kpi-retention_rate"' ch-site/index.html | head -c 600)"
grep -q 'deploy churn_ab <span class="badge good">succeeded' ch-site/model-churn.html &&
  grep -q 'monitor ab_retention' ch-site/model-churn.html && grep -q 'Strategy ab, split 0.5' ch-site/model-churn.html &&
  pass "churn-ab: the A/B deploy and its monitors" || fail "churn-ab: the A/B deploy is missing"
grep -q 'A/B test on <code>business.retention_rate</code>' ch-site/model-churn.html &&
  grep -q '<tr><td>run 2, final<br>[-0-9T:Z]*</td><td>0.874 (n 20600)</td><td>0.889 (n 20600)</td><td class="num">0.015</td><td>0.00876 to 0.02124 (95%)</td>' ch-site/model-churn.html &&
  grep -q '<span class="badge good">promote</span></td><td>the rollout promoted</td>' ch-site/model-churn.html &&
  pass "churn-ab: the A/B test's effect, interval and decision as the rollout recorded them (promoted)" ||
  fail "churn-ab: no A/B conclusion: $(grep -A8 'A/B test on' ch-site/model-churn.html | head -c 900)"
grep -q 'No gate is waiting for approvals' ch-site/index.html && pass "churn-ab: nothing waits" ||
  fail "churn-ab: a gate is shown waiting"

# ---- bad usage
cd cr
run dashboard credit_risk.mlops
expect_exit 2 "neither -o nor --serve"
expect_stderr_contains "no output: give -o DIR"
run dashboard credit_risk.mlops -o x --serve
expect_exit 2 "both -o and --serve"
run dashboard credit_risk.mlops --serve=0.0.0.0:0
expect_exit 2 "a non-loopback address without --allow-remote"
expect_stderr_contains "is not a loopback address"
run dashboard credit_risk.mlops --serve=127.0.0.1:http
expect_exit 2 "a malformed port"

# ---- --serve: a free port, stopped at the end whatever happens
server_pid=
stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
E2E_CLEANUPS+=(stop_server)
"$MLOPSC" dashboard credit_risk.mlops --serve 127.0.0.1:0 >"$E2E_WORK/serve.out" 2>"$E2E_WORK/serve.err" &
server_pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$E2E_WORK/serve.out" || true)
  [[ -n $url ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  fail "the server did not say where it listens: $(head -c 400 "$E2E_WORK/serve.err")"
else
  pass "the server listens on $url"
  for page in "" index.html models.html model-scorer.html data.html teams.html dashboard.css dashboard.js; do
    code=$(curl -s -o "$E2E_WORK/page" -D "$E2E_WORK/headers" -w '%{http_code}' "$url$page")
    [[ $code == 200 ]] && grep -qi "^content-security-policy: default-src 'none'.*frame-ancestors 'none'" "$E2E_WORK/headers" &&
      grep -qi '^x-content-type-options: nosniff' "$E2E_WORK/headers" && grep -qi '^referrer-policy: no-referrer' "$E2E_WORK/headers" &&
      pass "GET /$page: 200 with the security headers" || fail "GET /$page: $code $(head -c 400 "$E2E_WORK/headers")"
  done
  cmp -s "$E2E_WORK/page" ../cr-site/dashboard.js &&
    pass "the served script is the written one" || fail "the served dashboard.js differs"
  curl -s -o "$E2E_WORK/served" "${url}model-scorer.html"
  grep -q "<td>$auc</td>" "$E2E_WORK/served" && pass "the served model page has auc $auc" ||
    fail "the served model page lacks auc $auc"
  code=$(curl -s -o /dev/null -w '%{http_code}' -I "${url}index.html")
  [[ $code == 200 ]] && pass "HEAD: 200" || fail "HEAD: $code"
  for method in POST PUT DELETE PATCH; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" --data 'x=1' "${url}index.html")
    [[ $code == 405 ]] && pass "$method: 405" || fail "$method answered $code"
  done
  for path in /../etc/passwd /..%2f..%2fetc%2fpasswd /%2e%2e/%2e%2e/etc/passwd /.mlops/state.db /credit_risk.mlops \
    '/index.html%00.css' //etc/passwd /model-scorer.html/..; do
    code=$(curl -s --path-as-is -o "$E2E_WORK/body" -w '%{http_code}' "${url%/}$path")
    [[ ($code == 404 || $code == 400) ]] && ! grep -q 'root:' "$E2E_WORK/body" && pass "GET $path: $code" ||
      fail "GET $path answered $code: $(head -c 200 "$E2E_WORK/body")"
  done
  pids=()
  for i in $(seq 20); do
    curl -s -o "$E2E_WORK/c$i" -w '%{http_code}' --max-time 20 "${url}model-scorer.html" >"$E2E_WORK/code$i" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  answered=0
  for i in $(seq 20); do
    [[ $(cat "$E2E_WORK/code$i") == 200 ]] && cmp -s "$E2E_WORK/c1" "$E2E_WORK/c$i" && answered=$((answered + 1))
  done
  [[ $answered == 20 ]] && pass "20 concurrent clients all answered" || fail "$answered of 20 concurrent clients answered"
fi
kill -TERM "$server_pid" 2>/dev/null || true
status=0
wait "$server_pid" || status=$?
[[ $status == 0 ]] && grep -q 'the dashboard server stopped' "$E2E_WORK/serve.err" &&
  pass "SIGTERM stops the server cleanly" || fail "the server ended with $status: $(head -c 400 "$E2E_WORK/serve.err")"
server_pid=

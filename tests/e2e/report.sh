#!/usr/bin/env bash
# `mlopsc report` and the audit report `build` writes: every example gets a
# report in three formats that match the documented schema and the golden
# Markdown, byte for byte the same on a second run; user text is escaped in
# Markdown and HTML (a doc comment with `<script>` stays text); the HTML is
# self-contained (no scripts, no external references); the run history adds
# test results, approvals and the hash-chain verdict; --baseline lists
# changes and marks a loosened threshold; bad options are usage errors.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
validate_json=$MLOPS_SHARED_DIR/tools/validate-json
schema=$src/docs/report.schema.json

valid_report() {  # valid_report FILE WHAT
  if "$validate_json" "$schema" "$1" >vj.out 2>&1; then pass "$2: report.json matches docs/report.schema.json"
  else fail "$2: report.json does not match the schema: $(head -c 600 vj.out)"; fi
}

# ---- every example, against its golden Markdown, valid JSON, deterministic
cd "$src"
for dir in examples/*/; do
  name=$(basename "$dir")
  spec=$(ls "$dir"*.mlops | grep -v teams.mlops | head -1)
  out=$E2E_WORK/$name
  run report "$spec" -o "$out" --state /nonexistent-is-not-read 2>/dev/null
  expect_exit 2 "$name: a --state that does not exist is a usage error"
  run report "$spec" -o "$out" --state none
  expect_exit 0 "$name: report"
  for f in report.md report.html report.json pipeline.svg; do
    [[ -s $out/$f ]] && pass "$name: $f written" || fail "$name: $f missing"
  done
  (cd "$E2E_WORK" && valid_report "$out/report.json" "$name")
  golden=$src/tests/golden/audit/$name.report.md
  if [[ ${MLOPS_UPDATE_GOLDEN:-0} == 1 ]]; then mkdir -p "$(dirname "$golden")"; cp "$out/report.md" "$golden"; fi
  if diff -u "$golden" "$out/report.md" >"$E2E_WORK/md.diff"; then pass "$name: report.md matches its golden file"
  else fail "$name: report.md differs from $golden (MLOPS_UPDATE_GOLDEN=1 to refresh): $(head -c 1500 "$E2E_WORK/md.diff")"; fi
  # report.json minus the picture (whose bytes depend on Graphviz and fonts)
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r["graph_svg"] = "(svg)"; print(json.dumps(r, indent=2))' \
    "$out/report.json" >"$out/report.nosvg.json"
  golden_json=$src/tests/golden/audit/$name.report.json
  if [[ ${MLOPS_UPDATE_GOLDEN:-0} == 1 ]]; then cp "$out/report.nosvg.json" "$golden_json"; fi
  if diff -u "$golden_json" "$out/report.nosvg.json" >"$E2E_WORK/json.diff"; then pass "$name: report.json matches its golden file"
  else fail "$name: report.json differs from $golden_json: $(head -c 1500 "$E2E_WORK/json.diff")"; fi
  run report "$spec" -o "$out.again" --state none
  for f in report.md report.html report.json; do
    cmp -s "$out/$f" "$out.again/$f" && pass "$name: $f is deterministic" || fail "$name: $f differs between two runs"
  done
  if grep -q -i -E '<script|<link|<iframe|src="http|href="http|url\(' "$out/report.html"; then
    fail "$name: report.html has a script or an external reference"
  else
    pass "$name: report.html is self-contained (no script, no external reference)"
  fi
  grep -q '<svg' "$out/report.html" && pass "$name: the graph is inline SVG" || fail "$name: no inline SVG"
done
cd "$E2E_WORK"

# ---- user text is text
mkdir -p esc && cd esc
cat > e.mlops <<'SPEC'
/// Project <b>bold</b> & "quotes" | pipes
project e { version = "1.0.0"  risk_tier = low }
use std.roles
role ds : data_scientist { members = ["d@x.example"] }
role de : software_engineer { members = ["e@x.example"] }
role mrm : model_risk_manager { members = ["v@x.example"] }
data raw {
  owner  = de
  source = file("raw.csv")
  schema { x : int }
}
/// <script>alert("owned")</script> | *not emphasis* [link](http://evil.example) `tick`
model m {
  owner   = ds
  inputs  = [raw]
  run     = "cp ${inputs.raw} ${outputs.model} && echo '{}' > ${outputs.metrics}"
  outputs { model = "m.bin"  metrics = "metrics.json" }
  metrics = outputs.metrics
}
test t on m { expect metrics.auc >= 0.5 }
gate g for m {
  require   = [t]
  approvals = [mrm]
}
pipeline p { owner = de  targets = [g] }
SPEC
run report e.mlops -o out
expect_exit 0 "a spec with markup in its doc comments"
if grep -q '<script>alert' out/report.html; then fail "a <script> from a doc comment reached report.html as markup"
else pass "no <script> from a doc comment in report.html"; fi
grep -q '&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;' out/report.html \
  && pass "the doc comment is shown as escaped text in HTML" || fail "the escaped doc comment is missing from report.html"
grep -q '\\<script\\>alert' out/report.md && pass "the doc comment is escaped in Markdown" || fail "report.md does not escape <script>"
grep -q '\\\[link\\\](http://evil.example)' out/report.md && pass "a Markdown link in a doc comment stays text" || fail "a link from a doc comment became a link"
grep -q '| \\\*not emphasis\\\*' out/report.md && pass "pipes and stars in a doc comment cannot break a table" || fail "report.md lets a | or * through: $(grep -m1 'script' out/report.md)"
if grep -q '<b>bold</b>' out/report.html; then fail "markup from the project's doc comment reached report.html"; else pass "the project's doc comment is escaped"; fi
cd ..

# ---- formats and bad options
run report esc/e.mlops -o only-json --format json
expect_exit 0 "--format json"
[[ -f only-json/report.json && ! -e only-json/report.md && ! -e only-json/report.html ]] \
  && pass "--format json writes report.json only" || fail "--format json wrote: $(ls only-json)"
run report esc/e.mlops -o x --format pdf
expect_exit 2 "an unknown format"
expect_stderr_contains "unknown --format \`pdf\`: expected md, html or json" "the unknown format is named"
run report esc/e.mlops -o x --baseline missing.mlops
expect_exit 2 "a baseline that cannot be read"
printf 'project broken {\n' > broken.mlops
run report broken.mlops -o x
expect_exit 1 "a spec with errors gets no report"
[[ ! -e x ]] && pass "nothing written for a spec with errors" || fail "files written for a broken spec"

# ---- findings an auditor needs
run --stdin /dev/null report esc/e.mlops -o f --format json
expect_eq "$(python3 -c 'import json; print(sorted({f["code"] for f in json.load(open("f/report.json"))["findings"] if f["code"].startswith("A")}))')" \
  "['A03']" "a model without a KPI is an audit finding (A03)"

# ---- build writes the report of the spec
run build esc/e.mlops -o built --ci-ir-path built/pipeline.json
expect_exit 0 "build"
[[ -s built/audit/report.json && -s built/audit/report.md && -s built/audit/report.html ]] \
  && pass "build writes audit/report.{json,md,html}" || fail "build wrote no audit report: $(find built -maxdepth 2)"
valid_report built/audit/report.json "build"
run build esc/e.mlops -o built --check --ci-ir-path built/pipeline.json
expect_exit 0 "build --check: the audit report is reproducible"

# ---- with a run history: results, approvals, the hash chain
cp -r "$src/examples/credit-risk" cr && rm -rf cr/.mlops cr/build cr/serving && cd cr
run run credit_risk.mlops --secrets-file demo.secrets.env
expect_exit 5 "the example waits at its gate"
run approve production --as carol@bank.example --comment "reviewed <AUC> & drift"
run report credit_risk.mlops -o audit
expect_exit 0 "report with a run history"
valid_report audit/report.json "with history"
expect_eq "$(python3 -c '
import json; r = json.load(open("audit/report.json"))
t = {x["name"]: x["last_result"]["status"] for x in r["tests"]}
g = r["gates"][0]
print(t["auc_floor"], g["status"], len(g["recorded_approvals"]), g["recorded_approvals"][0]["for_current_artifact"], r["approvals_log"]["verified"], r["summary"]["verdict"]["gates_pending"])')" \
  "passed pending 1 True True 1" "tests' results, the pending gate, the approval for the current artifact, the verified chain"
grep -q 'reviewed &lt;AUC&gt; &amp; drift' audit/report.html && pass "an approval comment is escaped" || fail "the approval comment is not escaped in HTML"
if [[ ${MLOPS_TEST_STATE:-} == pg ]]; then  # the record is the server's
  pg_sql "ALTER TABLE mlops_credit_risk.approvals DISABLE TRIGGER USER;
          UPDATE mlops_credit_risk.approvals SET comment = 'edited' WHERE id = 1" >/dev/null
else
python3 - <<'PY'
import sqlite3
c = sqlite3.connect(".mlops/state.db")
c.execute("DROP TRIGGER approvals_no_update")
c.execute("UPDATE approvals SET comment = 'edited' WHERE id = 1")
c.commit()
PY
fi
run report credit_risk.mlops -o audit2 --format json
expect_eq "$(python3 -c 'import json; print(json.load(open("audit2/report.json"))["approvals_log"]["verified"])')" False \
  "a tampered approvals log shows in the report"
cd ..

# ---- changes since a baseline
sed -e 's/metrics.auc >= 0.5/metrics.auc >= 0.4/' esc/e.mlops > esc/e2.mlops
run report esc/e2.mlops -o changed --baseline esc/e.mlops --format json,md
expect_exit 0 "report --baseline"
expect_eq "$(python3 -c '
import json; c = json.load(open("changed/report.json"))["changes"]
print([(i["declaration"], i["direction"]) for i in c["items"]])')" "[('test:t', 'loosened')]" "a lowered floor is listed as loosened"
grep -q 'loosened' changed/report.md && pass "the Markdown report highlights the loosened threshold" || fail "no loosened change in report.md"

#!/usr/bin/env bash
# The graph backend end to end: `mlopsc graph --format=dot|svg|png` of every
# example (exit 0, well-formed SVG naming every node, byte-identical reruns,
# a real PNG), labels (gate quorum, test expectation, owner clusters), a
# spec full of quotes, `<script>`, `&`, backslashes, control characters and
# Unicode (escaped, displayed as written), `build --emit=graph` and its
# --check, the 2,000-node DOT-only rule, and usage errors.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

src=$MLOPS_SOURCE_DIR

# svg_check FILE NAMES... : FILE is well-formed XML, and each NAME is the
# whole text of some <text> element (a label line). Prints what is wrong.
cat >svg_check.py <<'PY'
import sys, xml.etree.ElementTree as ET
path, names = sys.argv[1], sys.argv[2:]
try:
    root = ET.parse(path).getroot()
except ET.ParseError as e:
    print(f"not well-formed XML: {e}"); sys.exit(1)
texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
missing = [n for n in names if n not in texts]
if missing:
    print("no <text> element reads: " + ", ".join(missing)); sys.exit(1)
PY

# expect_svg FILE WHAT NAMES...
expect_svg() {
  local file=$1 what=$2 out
  shift 2
  if out=$(python3 svg_check.py "$file" "$@" 2>&1); then
    pass "$what: well-formed SVG with every expected label line"
  else
    fail "$what: $out"
  fi
}

# expect_same FILE1 FILE2 WHAT
expect_same() {
  if cmp -s "$1" "$2"; then pass "$3: byte-identical"; else fail "$3: $1 and $2 differ"; fi
}

# node_names IR: the names of the nodes in a pipeline.json, one per line.
node_names() {
  python3 -c 'import json, sys; print("\n".join(n["name"] for n in json.load(open(sys.argv[1]))["nodes"]))' "$1"
}

# ---- every example: dot, svg, png; deterministic; every node drawn
examples=0
for spec in "$src"/examples/*/*.mlops; do
  case $spec in */teams.mlops) continue ;; esac
  name=$(basename "$(dirname "$spec")")
  examples=$((examples + 1))

  run build "$spec" -o "ir_$name" --emit=ir
  expect_exit 0 "$name: build --emit=ir (for the node names)"
  mapfile -t names < <(node_names "ir_$name/pipeline.json")
  if ((${#names[@]} > 0)); then pass "$name: ${#names[@]} nodes"; else fail "$name: no nodes in the IR"; fi

  run graph "$spec" --format=dot
  expect_exit 0 "$name: graph --format=dot"
  expect_stderr_empty "$name: graph --format=dot prints nothing on stderr"
  cp "$STDOUT" "$name.1.dot"
  expect_stdout_matches '^digraph ' "$name: DOT starts with digraph"
  run graph "$spec" --format=dot
  expect_same "$name.1.dot" "$STDOUT" "$name: two DOT runs"

  run graph "$spec" --format=svg
  expect_exit 0 "$name: graph --format=svg"
  expect_stderr_empty "$name: graph --format=svg prints nothing on stderr"
  cp "$STDOUT" "$name.1.svg"
  expect_svg "$name.1.svg" "$name" "${names[@]}"
  run graph "$spec" --format=svg
  expect_same "$name.1.svg" "$STDOUT" "$name: two SVG runs"
  run graph "$spec"
  expect_same "$name.1.svg" "$STDOUT" "$name: SVG is the default format"

  run graph "$spec" --format=png -o "$name.png"
  expect_exit 0 "$name: graph --format=png -o FILE"
  expect_stdout_empty "$name: -o FILE leaves stdout empty"
  if [[ $(head -c 8 "$name.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
    pass "$name: the PNG starts with the PNG signature"
  else
    fail "$name: $name.png does not start with the PNG signature"
  fi
  run graph "$spec" --format=png
  expect_same "$name.png" "$STDOUT" "$name: PNG to stdout and to -o, two runs"
done
if ((examples >= 3)); then pass "$examples examples drawn"; else fail "expected at least 3 examples, found $examples"; fi

# ---- what the credit-risk picture says
spec=$src/examples/credit-risk/credit_risk.mlops
expect_svg credit-risk.1.svg "credit-risk labels" \
  "2 of validators, risk_owner" "metrics.auc >= 0.75" "uses psi(column = \"income\", threshold = 0.2)" \
  "modelers : data_scientist" "Retail Credit Modelling" "bob@bank.example, dana@bank.example" \
  "canary 10% → 50% → 100%, every 1h"
for cluster in cluster_modelers cluster_platform cluster_pipeline_eng; do
  if grep -q "subgraph $cluster {" credit-risk.1.dot; then pass "credit-risk DOT: $cluster"; else fail "credit-risk DOT: no subgraph $cluster"; fi
done
if grep -q 'shape=doubleoctagon' credit-risk.1.dot && grep -q 'shape=cylinder' credit-risk.1.dot &&
   grep -q 'shape=box3d' credit-risk.1.dot && grep -q 'shape=note' credit-risk.1.dot; then
  pass "credit-risk DOT: nodes shaped by kind"
else
  fail "credit-risk DOT: expected the gate, data, model and test shapes"
fi
if grep -q 'rankdir=' credit-risk.1.svg; then fail "the SVG should not carry DOT attributes"; else pass "SVG is rendered, not DOT"; fi

# ---- hostile text: quotes, <script>, &, &amp;, backslashes, a control character, Unicode
cat >teams.part <<'SPEC'
/// Team <b>"quoted"</b> & co --> ]]>
role eng : software_engineer { members = ["o'neil&amp@x.example", "a&b{c}@x.example"] }
role ds : data_scientist { members = ["d@x.example"] }
role rev : model_risk_manager { members = ["r@x.example", "s@x.example"] }
SPEC
cat >hostile.mlops <<'SPEC'
/// Project "doc" with <script>alert(1)</script> & &amp; ünïcödé ✓ 中文
project hostile { version = "1.0.0"  risk_tier = low }
use std.roles
use std.checks
import "teams.part"

/// Data <script>alert("x")</script> & more
data raw_data {
  owner  = eng
  source = file("data/<x>&amp;\"q\"\\b\u{1}.csv")
  format = csv
  schema { region : string }
}
step clean { owner = eng  inputs = [raw_data]  run = "cp ${inputs.raw_data} ${outputs.out}"  outputs { out = "o.csv" } }
model m {
  owner     = ds
  framework = "py<script>&\"x\""
  inputs    = [clean.out]
  run       = "train ${inputs.clean.out} ${outputs.model} ${outputs.metrics}"
  outputs   { model = "m.json"  metrics = "metrics.json" }
  metrics   = outputs.metrics
}
/// Test with "<script>" & stuff
test t1 on m { expect metrics.auc >= 0.5 }
test t2 on raw_data uses nulls { column = "region"  max = 1% }
gate g for m {
  require     = [t1, t2]
  approvals   = [2 of rev]
  environment = "prod_1.eu/west-2"   // environments are names: the hostile text is elsewhere
}
deploy d { owner = eng  model = m  after = g  target = "k8s://<script>&amp;/\"x\"\\"  run = "deploy" }
SPEC
run check hostile.mlops
expect_exit 0 "the hostile spec checks clean"
run graph hostile.mlops --format=svg -o hostile.svg
expect_exit 0 "the hostile spec renders to SVG"
# Each line as it must display: the literal text of the spec, nothing decoded.
expect_svg hostile.svg "hostile SVG" \
  "o'neil&amp@x.example, a&b{c}@x.example" \
  'py<script>&"x"' \
  'environment prod_1.eu/west-2' \
  'k8s://<script>&amp;/"x"\' \
  'csv · file data/<x>&amp;"q"\b�.csv'
if grep -q '<script' hostile.svg; then fail "hostile SVG contains a raw <script"; else pass "hostile SVG: no raw <script"; fi
if grep -q '&lt;script&gt;' hostile.svg; then pass "hostile SVG: <script> is escaped as &lt;script&gt;"; else fail "hostile SVG: no escaped &lt;script&gt;"; fi
if LC_ALL=C grep -q -P '[\x00-\x08\x0b\x0c\x0e-\x1f]' hostile.svg; then
  fail "hostile SVG contains a control character"
else
  pass "hostile SVG: no control characters"
fi
python3 - hostile.svg >tooltips.txt <<'PY'
import sys, xml.etree.ElementTree as ET
for a in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}a"):
    print(a.get("{http://www.w3.org/1999/xlink}title", "").replace("\n", "|"))
PY
if grep -q -F 'Data <script>alert("x")</script> & more' tooltips.txt &&
   grep -q -F 'Team <b>"quoted"</b> & co --> ]]>' tooltips.txt &&
   grep -q -F 'Project "doc" with <script>alert(1)</script> & &amp; ünïcödé ✓ 中文' tooltips.txt; then
  pass "hostile SVG: doc comments are tooltips that read as written"
else
  fail "hostile SVG: tooltips do not read as the doc comments: $(head -c 600 tooltips.txt)"
fi
run graph hostile.mlops --format=dot
expect_exit 0 "the hostile spec renders to DOT"
expect_stdout_contains 'label="m\npy<script>&amp;\"x\""' "hostile DOT: quotes escaped, & as &amp; (labels decode entities)"
expect_stdout_contains 'k8s://<script>&amp;amp;/\"x\"\\",' "hostile DOT: a trailing backslash is doubled, the string stays closed"
run graph hostile.mlops --format=png -o hostile.png
expect_exit 0 "the hostile spec renders to PNG"

# ---- build --emit=graph, default targets, --check
run build "$spec" -o b1 --emit=graph
expect_exit 0 "build --emit=graph"
expect_stderr_empty "build --emit=graph prints nothing on stderr"
expect_eq "$(cd b1 && find . -type f | sort | tr '\n' ' ')" "./graph/pipeline.dot ./graph/pipeline.svg " \
  "build --emit=graph writes graph/pipeline.dot and .svg only"
expect_same b1/graph/pipeline.dot credit-risk.1.dot "build's pipeline.dot and graph --format=dot"
expect_same b1/graph/pipeline.svg credit-risk.1.svg "build's pipeline.svg and graph --format=svg"
run build "$spec" -o b2 --ci-ir-path mlops/pipeline.json
expect_exit 0 "build with the default targets"
expect_eq "$(cd b2 && find . -type f | sort | tr '\n' ' ')" "./argo/main.yaml ./argo/monitor-scorer_live.yaml ./audit/pipeline.svg ./audit/report.html ./audit/report.json ./audit/report.md ./github/CODEOWNERS ./github/environments.json ./github/main.yml ./github/mlops-review.yml ./github/monitors.yml ./gitlab/.gitlab-ci.yml ./gitlab/CODEOWNERS ./gitlab/protected-environments.json ./gitlab/schedules.json ./graph/pipeline.dot ./graph/pipeline.svg ./pipeline.json " \
  "the default --emit is every target"
run build "$spec" -o b3 --emit=ir,graph
expect_same b2/graph/pipeline.svg b3/graph/pipeline.svg "--emit=ir,graph and the default"
run build --check "$spec" -o b2 --ci-ir-path mlops/pipeline.json
expect_exit 0 "--check of an up-to-date graph"
expect_stdout_empty "--check up to date prints nothing"
sed -i 's/2 of validators/3 of validators/' b2/graph/pipeline.svg
run build --check "$spec" -o b2 --ci-ir-path mlops/pipeline.json
expect_exit 1 "--check after editing pipeline.svg"
expect_stdout_matches '^--- b2/graph/pipeline\.svg' "--check diffs pipeline.svg"
expect_stdout_contains '3 of validators' "--check shows the edited line"
rm b2/graph/pipeline.dot
run build --check "$spec" -o b2 --ci-ir-path mlops/pipeline.json
expect_exit 1 "--check with pipeline.dot deleted"
expect_stdout_contains '+++ b2/graph/pipeline.dot' "--check shows the missing pipeline.dot"
run build "$spec" -o b4 --emit=svg
expect_exit 2 "--emit=svg is not a target"
expect_stderr_contains "expected ir, graph, github, gitlab, argo, audit or slurm" "the --emit error lists the targets"

# ---- above 2,000 nodes: DOT only, said on stderr; an explicit --format is honoured
python3 - <<'PY'
lines = ['project p { version = "1.0.0"  risk_tier = low }', 'use std.roles',
         'role eng : data_engineer { members = ["a@x.example"] }',
         'data raw { owner = eng  source = file("raw.csv") schema { a : int } }']
prev = 'raw'
for i in range(2000):
    lines.append(f'step s{i} {{ owner = eng  inputs = [{prev}]  run = "x"  outputs {{ out = "o{i}" }} }}')
    prev = f's{i}.out'
open("big.mlops", "w").write("\n".join(lines) + "\n")
PY
run graph big.mlops
expect_exit 0 "graph of 2,001 nodes without --format"
expect_stdout_matches '^digraph p' "2,001 nodes: DOT on stdout"
expect_stderr_contains "more than 2000" "2,001 nodes: stderr says why it is DOT"
run build big.mlops -o bigout --emit=graph
expect_exit 0 "build --emit=graph of 2,001 nodes"
expect_eq "$(cd bigout && find . -type f | sort | tr '\n' ' ')" "./graph/pipeline.dot " "2,001 nodes: build writes pipeline.dot only"
expect_stderr_contains "pipeline.dot only" "2,001 nodes: build says it skipped the SVG"
run graph big.mlops --format=dot
expect_stderr_not_contains "more than 2000" "2,001 nodes with --format=dot: no notice"

# ---- usage errors and specs with errors
run graph "$spec" --format=jpg
expect_exit 2 "--format=jpg"
expect_stderr_contains "expected dot, svg or png" "--format: the message lists the formats"
run graph "$spec" --diagnostics-format=json
expect_exit 2 "JSON diagnostics and the graph both on stdout"
run graph "$spec" --diagnostics-format=json -o j.svg
expect_exit 0 "JSON diagnostics with -o FILE"
expect_json "$STDOUT" errors 0 "JSON diagnostics on stdout, the graph in the file"
run graph
expect_exit 2 "graph without a spec"
run graph missing.mlops
expect_exit 2 "graph of a missing file"
printf 'project p {\n  version =\n}\n' >bad.mlops
run graph bad.mlops -o bad.svg
expect_exit 1 "graph of a spec with errors"
expect_stderr_contains "error[E0101]" "the syntax error is reported"
if [[ ! -e bad.svg ]]; then pass "a spec with errors writes no picture"; else fail "bad.svg was written"; fi
# PNG is binary: never to a terminal.
set +e
python3 - "$MLOPSC" "$spec" >pty.out 2>&1 <<'PY'
import os, pty, subprocess, sys
leader, follower = pty.openpty()
p = subprocess.run([sys.argv[1], "graph", sys.argv[2], "--format=png"], stdout=follower,
                   stderr=subprocess.PIPE, timeout=60)
os.close(follower)
os.set_blocking(leader, False)
try:
    shown = os.read(leader, 65536)
except (BlockingIOError, OSError):
    shown = b""
print(p.returncode, len(shown))
sys.stdout.write(p.stderr.decode())
PY
set -e
if [[ $(head -n 1 pty.out) == "2 0" ]] && grep -q "terminal" pty.out; then
  pass "PNG to a terminal is refused (exit 2, nothing written)"
else
  fail "PNG to a terminal: expected exit 2 and no output, got: $(head -c 300 pty.out)"
fi

#!/usr/bin/env bash
# `mlopsc build SPEC -o OUT`: the IR (OUT/pipeline.json) of every example and
# of every clean golden sema case is written, byte-for-byte reproducible,
# valid against docs/ir.schema.json and internally consistent (the
# invariants of docs/ir.md: references resolve, edges follow from the node
# fields, pipelines list their upstream closure in topological order);
# `--check` is silent when up to date and prints a unified diff (exit 1)
# otherwise; specs with errors and usage errors write nothing.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

src=$MLOPS_SOURCE_DIR
# The specs of the source tree are built into this temporary folder, outside
# their repository: the CI files need to be told where pipeline.json is.
ci=(--ci-ir-path mlops/pipeline.json)
schema=$src/docs/ir.schema.json
validator=$MLOPS_SHARED_DIR/tools/validate-json

# ---- the validator must work, or every schema assertion below is void
if [[ ! -f $schema ]]; then
  fail "the IR schema $schema is missing"
  exit 1
fi
if [[ ! -x $validator ]]; then
  fail "the JSON Schema validator $validator is missing or not executable (set MLOPS_SHARED_DIR)"
  exit 1
fi
echo '{}' >empty.json
set +e
"$validator" "$schema" empty.json >validator.out 2>&1
vrc=$?
set -e
if ((vrc != 1)); then
  # 0 would mean the schema accepts anything; 2 a broken setup (python3-jsonschema missing, bad schema).
  fail "validate-json cannot check against $schema (exit $vrc, expected 1 for an empty object): $(head -c 600 validator.out)"
  exit 1
fi
pass "validate-json works with docs/ir.schema.json and rejects an empty object"

# validate FILE WHAT: FILE is valid against the IR schema.
validate() {
  local out
  if out=$("$validator" "$schema" "$1" 2>&1); then
    pass "$2: valid against docs/ir.schema.json"
  else
    fail "$2: not valid against docs/ir.schema.json:"$'\n'"$(head -n 15 <<<"$out" | cut -b1-400 | sed 's/^/      /')"
  fi
}

# The invariants of docs/ir.md that a JSON Schema cannot express.
cat >consistency.py <<'PY'
import heapq, json, sys
from collections import Counter

path, root = sys.argv[1], sys.argv[2]
ir = json.load(open(path, encoding="utf-8"))
problems = []
def bad(msg):
    problems.append(msg)

nodes = {}
order = {}
for i, n in enumerate(ir["nodes"]):
    if n["id"] in nodes:
        bad(f"node id {n['id']} appears twice")
    nodes[n["id"]] = n
    order[n["id"]] = i
    if n["id"] != f"{n['kind']}:{n['name']}":
        bad(f"node id {n['id']} is not KIND:NAME of kind {n['kind']} and name {n['name']}")
roles = {r["name"] for r in ir["roles"]}
kpis = {k["name"] for k in ir["kpis"]}

if ir["sources"][0]["path"] != root:
    bad(f"sources[0].path is {ir['sources'][0]['path']!r}, expected the spec as given: {root!r}")
if len({s["path"] for s in ir["sources"]}) != len(ir["sources"]):
    bad("a source file is listed twice")

def ref(id, kinds, what):
    n = nodes.get(id)
    if n is None:
        bad(f"{what}: {id} is not a node")
    elif n["kind"] not in kinds:
        bad(f"{what}: {id} is a {n['kind']}, expected {'/'.join(kinds)}")
    return n

def role(name, what):
    if name is not None and name not in roles:
        bad(f"{what}: role {name} is not in roles")

for k in ir["kpis"]:
    role(k["owner"], f"kpi {k['name']} owner")

derived = []
for n in ir["nodes"]:
    id = n["id"]
    role(n["owner"], f"{id} owner")
    kind = n["kind"]
    if kind in ("step", "model"):
        for inp in n["inputs"]:
            src = ref(inp["node"], ("data", "step", "model"), f"{id} input")
            derived.append((inp["node"], id, "input"))
            if src is None:
                continue
            if src["kind"] == "data":
                if inp["as"] != src["name"]:
                    bad(f"{id} input {inp['node']}: as is {inp['as']!r}, expected {src['name']!r}")
            else:
                if inp["output"] not in src["outputs"]:
                    bad(f"{id} input {inp['node']}: {src['kind']} has no output {inp['output']!r}")
                # An item of a fan-out is read under its declaration's name
                # (`featurize.features` reads every `featurize@ITEM`).
                written = src.get("fan_out", {}).get("of", src["name"]) if src.get("fan_out") else src["name"]
                if inp["as"] != f"{written}.{inp['output']}":
                    bad(f"{id} input: as is {inp['as']!r}, expected {written}.{inp['output']}")
    if kind == "model":
        if n["kpi"] is not None and n["kpi"] not in kpis:
            bad(f"{id} kpi {n['kpi']} is not in kpis")
        if n["metrics_output"] is not None and n["metrics_output"] not in n["outputs"]:
            bad(f"{id} metrics_output {n['metrics_output']} is not one of its outputs")
    if kind == "test":
        ref(n["target"], ("data", "model"), f"{id} target")
        derived.append((n["target"], id, "test"))
    if kind == "gate":
        ref(n["model"], ("model",), f"{id} model")
        derived.append((n["model"], id, "gate-model"))
        for t in n["require"]:
            ref(t, ("test",), f"{id} require")
            derived.append((t, id, "requires"))
        for a in n["approvals"]:
            role(a["role"], f"{id} approval")
    if kind == "deploy":
        ref(n["model"], ("model",), f"{id} model")
        gate = ref(n["after"], ("gate",), f"{id} after")
        if gate is not None and gate.get("model") != n["model"]:
            bad(f"{id}: after gate {n['after']} is for {gate.get('model')}, not {n['model']}")
        derived.append((n["model"], id, "deploys"))
        derived.append((n["after"], id, "after"))
    if kind == "monitor":
        ref(n["deploy"], ("deploy",), f"{id} deploy")
        derived.append((n["deploy"], id, "monitors"))
        for r in n["alert"]:
            role(r, f"{id} alert")
    for a in n.get("after", []) if kind in ("step", "model") else []:
        derived.append((a, id, "order"))
    for r in n.get("when_reads", []):
        derived.append((r, id, "condition"))

edges = [(e["from"], e["to"], e["kind"]) for e in ir["edges"]]
derived = list(dict.fromkeys(derived))  # one edge per (from, to, kind), as ir.md section 7 says
if Counter(edges) != Counter(derived):
    extra = Counter(edges) - Counter(derived)
    missing = Counter(derived) - Counter(edges)
    bad(f"edges do not follow from the node fields: extra {sorted(extra)}, missing {sorted(missing)}")

upstream, downstream = {}, {}
for f, t, _ in edges:
    upstream.setdefault(t, []).append(f)
    downstream.setdefault(f, []).append(t)

for p in ir["pipelines"]:
    what = f"pipeline {p['name']}"
    role(p["owner"], f"{what} owner")
    for t in p["targets"]:
        ref(t, ("data", "step", "model", "test", "gate", "deploy", "monitor"), f"{what} target")
    closure, work = set(p["targets"]), list(p["targets"])
    while work:
        for f in upstream.get(work.pop(), []):
            if f not in closure:
                closure.add(f)
                work.append(f)
    if set(p["nodes"]) != closure:
        bad(f"{what}: nodes are not the targets and their upstream: extra {sorted(set(p['nodes']) - closure)}, "
            f"missing {sorted(closure - set(p['nodes']))}")
        continue
    # Kahn's algorithm, ties broken by declaration order: the documented order.
    indegree = {n: sum(1 for f in upstream.get(n, []) if f in closure) for n in closure}
    ready = [(order[n], n) for n in closure if indegree[n] == 0]
    heapq.heapify(ready)
    expected = []
    while ready:
        _, n = heapq.heappop(ready)
        expected.append(n)
        for t in downstream.get(n, []):
            if t in closure:
                indegree[t] -= 1
                if indegree[t] == 0:
                    heapq.heappush(ready, (order[t], t))
    if p["nodes"] != expected:
        bad(f"{what}: nodes are not in topological order with ties by declaration order: {p['nodes']} != {expected}")

for msg in problems[:20]:
    print(msg)
sys.exit(1 if problems else 0)
PY

# consistent FILE SPEC WHAT: the invariants hold (SPEC: the path given to build).
consistent() {
  local out
  if out=$(python3 consistency.py "$1" "$2" 2>&1); then
    pass "$3: references resolve, edges follow from the nodes, pipelines are topological closures"
  else
    fail "$3: the IR is inconsistent:"$'\n'"$(head -n 20 <<<"$out" | cut -b1-400 | sed 's/^/      /')"
  fi
}

# ---- every example: build, reproducible bytes, schema, --check
examples=0
for spec in "$src"/examples/*/*.mlops; do
  case $spec in */teams.mlops) continue ;; esac
  name=$(basename "$(dirname "$spec")")
  examples=$((examples + 1))
  rm -rf out1 out2 out3

  run build "$spec" -o out1 "${ci[@]}"
  expect_exit 0 "$name: build"
  expect_stdout_empty "$name: build prints nothing on stdout"
  expect_only_codes "W0701 W0702 W0703 W0704 W0705 W0706" "$name: build of a clean example reports only what CI platforms cannot express"
  expect_stderr_not_contains "error" "$name: build of a clean example reports no error"
  if [[ ! -f out1/pipeline.json ]]; then
    fail "$name: build did not write out1/pipeline.json"
    continue
  fi
  pass "$name: out1/pipeline.json written"
  expect_eq "$(find out1 -name '*.tmp')" "" "$name: no temporary file left behind"
  expect_valid_json out1/pipeline.json "$name: pipeline.json"
  expect_json out1/pipeline.json ir_version 4 "$name: ir_version"

  run build "$spec" -o out2 "${ci[@]}"
  expect_exit 0 "$name: second build"
  if cmp -s out1/pipeline.json out2/pipeline.json; then
    pass "$name: a second build writes identical bytes"
  else
    fail "$name: two builds of the same spec differ: $(diff out1/pipeline.json out2/pipeline.json | head -n 10)"
  fi
  run build "$spec" -o out3 --emit=ir
  expect_exit 0 "$name: --emit=ir"
  if cmp -s out1/pipeline.json out3/pipeline.json; then
    pass "$name: --emit=ir writes the same pipeline.json"
  else
    fail "$name: --emit=ir differs from the default build"
  fi

  validate out1/pipeline.json "$name"
  consistent out1/pipeline.json "$spec" "$name"

  # --check: silent and exit 0 when up to date, and it writes nothing.
  before=$(stat -c '%Y %i' out1/pipeline.json)
  run build --check "$spec" -o out1 "${ci[@]}"
  expect_exit 0 "$name: --check on an up-to-date folder"
  expect_stdout_empty "$name: --check up to date prints nothing on stdout"
  expect_only_codes "W0701 W0702 W0703 W0704 W0705 W0706" "$name: --check up to date prints no diagnostics but the W07xx"
  expect_eq "$(stat -c '%Y %i' out1/pipeline.json)" "$before" "$name: --check leaves the file alone"

  # An edited file: exit 1 with a unified diff, the file left as it was.
  sed -i 's/"ir_version": 4,/"ir_version": 99,/' out1/pipeline.json
  cp out1/pipeline.json edited.json
  run build --check "$spec" -o out1 "${ci[@]}"
  expect_exit 1 "$name: --check after editing pipeline.json"
  expect_stdout_matches '^--- out1/pipeline\.json' "$name: --check prints the --- line of a unified diff"
  expect_stdout_matches '^\+\+\+ out1/pipeline\.json' "$name: --check prints the +++ line"
  expect_stdout_matches '^-  "ir_version": 99,$' "$name: the diff shows the edited line removed"
  expect_stdout_matches '^\+  "ir_version": 4,$' "$name: the diff shows the generated line added"
  expect_stderr_contains "out of date" "$name: --check says the files are out of date"
  if cmp -s out1/pipeline.json edited.json; then
    pass "$name: --check does not rewrite the edited file"
  else
    fail "$name: --check modified out1/pipeline.json"
  fi

  # A deleted file: exit 1, and still nothing written.
  rm out1/pipeline.json
  run build --check "$spec" -o out1 "${ci[@]}"
  expect_exit 1 "$name: --check with pipeline.json deleted"
  expect_stdout_contains "+++ out1/pipeline.json" "$name: --check shows the missing file as a diff"
  if [[ ! -e out1/pipeline.json ]]; then pass "$name: --check does not create the file"; else fail "$name: --check wrote out1/pipeline.json"; fi

  # --check into a folder that does not exist: exit 1, nothing created.
  run build --check "$spec" -o nowhere "${ci[@]}"
  expect_exit 1 "$name: --check into a missing folder"
  if [[ ! -e nowhere ]]; then pass "$name: --check creates no folder"; else fail "$name: --check created nowhere/"; fi
done
if ((examples >= 3)); then pass "$examples examples built"; else fail "expected at least 3 examples, found $examples"; fi

# ---- the schema is strict: edits a consumer would trip over are rejected
run build "$src/examples/credit-risk/credit_risk.mlops" -o strict "${ci[@]}"
expect_exit 0 "credit-risk for the strictness checks"
python3 - strict/pipeline.json <<'PY'
import copy, json, sys
ir = json.load(open(sys.argv[1], encoding="utf-8"))
def node(d, id):
    return next(n for n in d["nodes"] if n["id"] == id)
mutations = {
    "unknown_top_level_key": lambda d: d.update(generated_at="2024-01-01"),
    "ir_version_1": lambda d: d.update(ir_version=1),
    "gate_without_approvals": lambda d: node(d, "gate:production").pop("approvals"),
    "gate_with_a_deploy_field": lambda d: node(d, "gate:production").update(strategy={"kind": "rolling"}),
    "unknown_node_kind": lambda d: node(d, "data:applications").update(kind="dataset"),
    "canary_steps_in_percent": lambda d: node(d, "deploy:scorer_prod")["strategy"].update(steps=[10, 50, 100]),
    "memory_as_text": lambda d: node(d, "model:scorer")["resources"].update(memory_bytes="8Gi"),
    "unknown_edge_kind": lambda d: d["edges"][0].update(kind="feeds"),
    "unknown_expression_node": lambda d: node(d, "test:auc_floor")["expect"].update(tree={"regex": "x"}),
    "unknown_data_function": lambda d: node(d, "test:income_drift")["expect"]["tree"]["args"][0].update(call=["exec"]),
    "binary_operator_with_one_argument": lambda d: node(d, "test:auc_floor")["expect"]["tree"]["args"].pop(),
    "unknown_severity": lambda d: node(d, "test:auc_floor").update(severity="fatal"),
    "unknown_trigger": lambda d: d["pipelines"][0]["triggers"].append({"kind": "webhook"}),
}
for name, mutate in mutations.items():
    d = copy.deepcopy(ir)
    mutate(d)
    with open(f"mutated_{name}.json", "w", encoding="utf-8") as f:
        json.dump(d, f)
PY
for mutated in mutated_*.json; do
  what=${mutated#mutated_}
  what=${what%.json}
  if "$validator" "$schema" "$mutated" >/dev/null 2>&1; then
    fail "the schema accepts an IR with: ${what//_/ }"
  else
    pass "the schema rejects an IR with: ${what//_/ }"
  fi
done

# ---- paths are written as given on the command line
pushd "$src" >/dev/null
run build examples/credit-risk/credit_risk.mlops -o "$E2E_WORK/rel" "${ci[@]}"
popd >/dev/null
expect_exit 0 "build with a relative spec path from the source root"
expect_json rel/pipeline.json sources.0.path examples/credit-risk/credit_risk.mlops "a relative spec path is kept as given"
expect_json rel/pipeline.json sources.1.path examples/credit-risk/teams.mlops "imports are shown relative to the root as given"
expect_json rel/pipeline.json roles.0.location.file std/roles.mlops "stdlib locations are std/NAME.mlops"
# The stdlib's folder does not leak into the IR.
cp -r "$src/stdlib" otherstd
run build --stdlib otherstd "$src/examples/credit-risk/credit_risk.mlops" -o std1 "${ci[@]}"
expect_exit 0 "build with --stdlib elsewhere"
run build "$src/examples/credit-risk/credit_risk.mlops" -o std2 "${ci[@]}"
if cmp -s std1/pipeline.json std2/pipeline.json; then
  pass "the IR does not depend on where the stdlib lives"
else
  fail "--stdlib changes the IR: $(diff std1/pipeline.json std2/pipeline.json | head -n 6)"
fi

# ---- a spec with only warnings: built; a minimal project is a valid IR
write_clean_spec tiny.mlops
run build tiny.mlops -o tiny
expect_exit 0 "minimal project builds"
validate tiny/pipeline.json "minimal project"
expect_json tiny/pipeline.json "len(nodes)" 0 "minimal project: no nodes"
cat >warn.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data raw { owner = eng  source = file("raw.csv") }
SPEC
run build warn.mlops -o warn
expect_exit 0 "a spec with warnings builds"
expect_stderr_contains "warning[W0602]" "build prints the warnings"
validate warn/pipeline.json "spec with warnings"
run build -Werror warn.mlops -o warn_strict
expect_exit 1 "build -Werror: warnings are errors"
[[ ! -e warn_strict ]] && pass "build -Werror writes nothing" || fail "build -Werror wrote warn_strict/"
run build -Wno-W0602 -Wno-W0601 -Wno-W0604 warn.mlops -o warn_quiet
expect_exit 0 "build -Wno-CODE"
expect_stderr_empty "build -Wno-CODE silences the warnings"

# ---- a spec with errors writes nothing
cat >bad.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
data raw { owner = nobody  source = file("raw.csv") }
SPEC
run build bad.mlops -o badout
expect_exit 1 "a spec with errors"
expect_stderr_contains "error[E0201]" "the error is reported"
expect_stderr_contains "nothing written" "build says it wrote nothing"
if [[ ! -e badout ]]; then pass "a spec with errors creates no output folder"; else fail "badout/ was created"; fi
mkdir -p stale && echo '{"old": true}' >stale/pipeline.json
run build bad.mlops -o stale
expect_exit 1 "a spec with errors, existing output folder"
expect_eq "$(cat stale/pipeline.json)" '{"old": true}' "a spec with errors leaves an existing pipeline.json alone"
run build --check bad.mlops -o stale
expect_exit 1 "--check of a spec with errors"
expect_stdout_empty "--check of a spec with errors prints no diff"

write_syntax_error_spec syntax.mlops
run build syntax.mlops -o synout
expect_exit 1 "a spec with a syntax error"
expect_stderr_contains "error[E0101]" "the syntax error is reported"
if [[ ! -e synout ]]; then pass "a syntax error writes nothing"; else fail "synout/ was created"; fi

# ---- usage errors: exit 2, nothing written
spec=$src/examples/credit-risk/credit_risk.mlops
run build "$spec" -o emitout --emit=jenkins
expect_exit 2 "--emit=jenkins is not a target"
expect_stderr_contains "jenkins" "the --emit error names the target"
expect_stderr_contains "expected ir, graph, github, gitlab, argo, audit or slurm" "the --emit error lists the targets"
if [[ ! -e emitout ]]; then pass "an unknown --emit writes nothing"; else fail "emitout/ was created"; fi
run build "$spec" -o emitout --emit=ir,bogus
expect_exit 2 "--emit with one unknown target in a list"
if [[ ! -e emitout ]]; then pass "--emit=ir,bogus writes nothing"; else fail "emitout/ was created by --emit=ir,bogus"; fi
run build "$spec"
expect_exit 2 "build without -o"
expect_stderr_contains "-o" "the message names -o"
run build -o noout
expect_exit 2 "build without a spec"
if [[ ! -e noout ]]; then pass "build without a spec writes nothing"; else fail "noout/ was created"; fi
run build missing.mlops -o missout
expect_exit 2 "build of a file that does not exist"
if [[ ! -e missout ]]; then pass "a missing spec writes nothing"; else fail "missout/ was created"; fi
echo 'not a folder' >afile
run build "$spec" -o afile "${ci[@]}"
expect_exit 2 "-o naming an existing file"
expect_stderr_contains "afile" "the message names the output folder"

# ---- CI files carry pipeline.json's path relative to the repository root
# (the git work tree of the spec, else its folder), whatever -o looks like.
mkdir -p repo/sub repo/x
git -C repo init -q
cat >repo/p.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data seed { owner = eng  source = file("in.txt")  schema { x : int } }
step hello { owner = eng  inputs = [seed]  run = "cp ${inputs.seed} ${outputs.out}"  outputs { out = "build/o.txt" } }
pipeline main { targets = [hello] }
SPEC
# ci_paths OUT EXPECTED WHAT: the three platforms' files under OUT name
# EXPECTED, and no file names this machine's folder.
ci_paths() {
  expect_exit 0 "$3: build"
  grep -q "MLOPS_IR: $2\$" "$1/github/main.yml" && pass "$3: github MLOPS_IR is $2" \
    || fail "$3: github/main.yml lacks MLOPS_IR: $2 ($(grep MLOPS_IR "$1/github/main.yml" | head -n1))"
  grep -q "MLOPS_IR: $2\$" "$1/gitlab/.gitlab-ci.yml" && pass "$3: gitlab MLOPS_IR is $2" \
    || fail "$3: gitlab lacks MLOPS_IR: $2 ($(grep MLOPS_IR "$1/gitlab/.gitlab-ci.yml" | head -n1))"
  grep -A1 -- '- name: ir$' "$1/argo/main.yaml" | grep -q "value: $2\$" && pass "$3: argo parameter ir is $2" \
    || fail "$3: argo/main.yaml lacks the ir parameter $2"
  if grep -rlF "$E2E_WORK" "$1" --include='*.yml' --include='*.yaml' --include='*.json' | grep -v pipeline.json | grep -q .; then
    fail "$3: a CI file holds this machine's path $E2E_WORK"
  else
    pass "$3: no CI file holds this machine's path"
  fi
}
run build repo/p.mlops -o "$E2E_WORK/repo/out" --emit=github,gitlab,argo
ci_paths repo/out out/pipeline.json "absolute -o inside the repository"
pushd repo/sub >/dev/null
run build ../p.mlops -o out --emit=github,gitlab,argo
popd >/dev/null
ci_paths repo/sub/out sub/out/pipeline.json "relative -o from a subfolder"
run build repo/p.mlops -o repo/sub/../x/./out --emit=github,gitlab,argo
ci_paths repo/x/out x/out/pipeline.json "-o with .. inside the repository"
ln -s repo alias
run build alias/p.mlops -o alias/linked --emit=github,gitlab,argo
ci_paths repo/linked linked/pipeline.json "through a symlink to the repository"
run build repo/p.mlops -o repo/../outside --emit=github,gitlab,argo
expect_exit 2 "-o with .. leaving the repository"
expect_stderr_contains "is outside the repository \`$E2E_WORK/repo\`" "the error names the repository"
expect_stderr_contains "pass --ci-ir-path" "the error says to pass --ci-ir-path"
[[ ! -e outside ]] && pass "nothing written outside the repository" || fail "outside/ was written"
run build repo/p.mlops -o /tmp --emit=github --check
expect_exit 2 "an absolute -o outside the repository, with --check too"
run build repo/p.mlops -o outside --emit=github,gitlab,argo --ci-ir-path deploy/pipeline.json
ci_paths outside deploy/pipeline.json "-o outside with --ci-ir-path"
run build repo/p.mlops -o outside2 --emit=ir,graph
expect_exit 0 "-o outside without CI targets needs no --ci-ir-path"
for bad in /abs/pipeline.json ../pipeline.json a/../../pipeline.json; do
  run build repo/p.mlops -o repo/out --ci-ir-path "$bad"
  expect_exit 2 "--ci-ir-path $bad is refused"
  expect_stderr_contains "--ci-ir-path \`$bad\`" "the error names --ci-ir-path $bad"
done
# A worktree: .git is a file.
mkdir -p wt/proj && echo 'gitdir: /elsewhere' >wt/.git && cp repo/p.mlops wt/proj/
run build wt/proj/p.mlops -o wt/ci --emit=github,gitlab,argo
ci_paths wt/ci ci/pipeline.json "a worktree (.git is a file)"
# No git: the spec's folder is the root.
mkdir -p nogit/proj && cp repo/p.mlops nogit/proj/
if git -C nogit/proj rev-parse 2>/dev/null; then
  echo "# skipped the no-git case: $E2E_WORK is inside a git work tree"
else
  run build nogit/proj/p.mlops -o nogit/proj/gen --emit=github,gitlab,argo
  ci_paths nogit/proj/gen gen/pipeline.json "no git: relative to the spec's folder"
  run build nogit/proj/p.mlops -o nogit/gen --emit=github
  expect_exit 2 "no git: -o beside the spec's folder"
  expect_stderr_contains "outside the project folder" "the error says there is no git work tree"
fi

# ---- every clean golden sema case builds a valid, consistent IR
golden=0
for case_file in "$src"/tests/golden/sema/*.mlops; do
  base=$(basename "$case_file" .mlops)
  case $base in fail_*) continue ;; esac
  run check "$case_file"
  if ((RC != 0)); then
    echo "# skipped golden case $base: mlopsc check exits $RC"
    continue
  fi
  golden=$((golden + 1))
  rm -rf "g_$base"
  run build "$case_file" -o "g_$base" "${ci[@]}"
  expect_exit 0 "golden $base: build"
  if [[ -f g_$base/pipeline.json ]]; then
    validate "g_$base/pipeline.json" "golden $base"
    consistent "g_$base/pipeline.json" "$case_file" "golden $base"
  else
    fail "golden $base: no pipeline.json written"
  fi
done
if ((golden >= 10)); then pass "$golden clean golden cases validated"; else fail "only $golden clean golden cases found under tests/golden/sema"; fi

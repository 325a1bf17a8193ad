#!/usr/bin/env bash
# What `mlopsc run` reads and writes, as real pipelines (DVC, Kubeflow, MLflow
# projects) have it: editing the script a node runs reruns it (`code`, found
# in the command or declared), folder outputs and folder data sources are
# hashed, cached, carried between CI jobs and approved as trees, stale
# outputs are removed before a node runs, a symbolic link cannot carry
# writes out of the project, and `--dry-run`/`status` predict what a run
# does at a gate waiting for approvals.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data/images proj/steps proj/lib
cd proj
printf 'x\n1\n2\n' > data/raw.csv
echo a > data/images/1.txt
echo b > data/images/2.txt
cat > steps/train.sh <<'SH'
#!/bin/sh
# train.sh DATA MODEL_DIR METRICS
mkdir -p "$2"
cat "$1" > "$2/weights.txt"
. ./lib/util.sh
echo "$UTIL" > "$2/config.txt"
echo '{"auc": 0.9}' > "$3"
SH
echo 'UTIL=v1' > lib/util.sh
cat > p.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer      { members = ["a@x.example"] }
role ds  : data_scientist     { members = ["b@x.example"] }
role mrm : model_risk_manager { members = ["c@x.example"] }
role ops : devops             { members = ["d@x.example"] }
data raw    { owner = eng  source = file("data/raw.csv")  schema { x : int } }
data images { owner = eng  source = file("data/images")  format = json }
step plain {
  owner   = eng
  inputs  = [raw]
  run     = "cp ${inputs.raw} ${outputs.copy}"
  outputs { copy = "build/copy.csv" }
}
step index {
  owner   = eng
  inputs  = [images]
  run     = "mkdir -p ${outputs.folder} && ls ${inputs.images} > ${outputs.folder}/list.txt && cat ${inputs.images}/* > ${outputs.folder}/all.txt"
  outputs { folder = "build/index" }
}
model m {
  owner   = ds
  inputs  = [plain.copy, index.folder]
  code    = ["lib/"]
  run     = "sh steps/train.sh ${inputs.plain.copy} ${outputs.model} ${outputs.metrics}"
  outputs { model = "build/model"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate release for m { require = [floor]  approvals = [mrm] }
deploy prod {
  owner = ops
  model = m
  after = release
  run   = "cat ${model.outputs.model}/weights.txt > deployed.txt"
}
pipeline main { owner = ops  targets = [prod] }
SPEC

run check p.mlops
expect_exit 0 "the spec with folder outputs, a folder source and \`code\` checks"

# ---- folder outputs and a folder data source
run run p.mlops -j2
expect_exit 5 "first run: built, tested, waiting at the gate"
expect_stdout_contains "step index: ran" "a step writing a folder output runs"
expect_stdout_contains "model m: ran" "a model whose output is a folder runs"
expect_stderr_not_contains "did not write its output" "a folder output counts as written"
expect_eq "$(cat build/model/weights.txt | tr '\n' ' ')" "x 1 2 " "the model folder holds what the command wrote"

run run p.mlops -j2
expect_exit 5 "rerun: still waiting at the gate"
expect_stdout_contains "model m: cached" "folder outputs are cached"
expect_stdout_contains "step index: cached" "a folder data source is cached"

echo c > data/images/3.txt
run run p.mlops --explain
expect_stdout_contains "step index: ran" "a file added to a folder data source reruns its reader"
expect_stdout_contains "input \`data/images\` changed" "and says the folder input changed"
expect_eq "$(cat build/index/all.txt | tr '\n' ' ')" "a b c " "the reader saw the new file"

echo tampered > build/model/weights.txt
run run p.mlops --explain
expect_stdout_contains "model m: ran" "a file edited inside a folder output reruns its node"
expect_stdout_contains "output \`build/model\` changed since it was written" "and says the folder output changed"
expect_eq "$(cat build/model/weights.txt | tr '\n' ' ')" "x 1 2 " "the folder output was rebuilt"

# A stale file left in a folder output is gone after its node reruns.
echo stale > build/model/stale.txt
run run p.mlops --explain
expect_stdout_contains "model m: ran" "a file added to a folder output reruns its node"
if [[ -e build/model/stale.txt ]]; then fail "a stale file survived in the rebuilt folder output"; else pass "outputs are removed before their node runs: no stale file"; fi

# ---- code: the script a command names, and declared `code`
run run p.mlops --explain
expect_stdout_contains "model m: cached" "unchanged code: cached"
echo '# a comment' >> steps/train.sh
run run p.mlops --explain
expect_stdout_contains "model m: ran" "editing the script the command names reruns the model"
expect_stdout_contains "code \`steps/train.sh\` changed" "and --explain names the script"
echo 'UTIL=v2' > lib/util.sh
run run p.mlops --explain
expect_stdout_contains "model m: ran" "editing a module under a declared \`code\` folder reruns the model"
expect_stdout_contains "code \`lib\` changed" "and --explain names the code folder"
expect_eq "$(cat build/model/config.txt)" "v2" "the model saw the new module"
touch steps/train.sh lib/util.sh
run run p.mlops --explain
expect_stdout_contains "model m: cached" "touching code without changing it reruns nothing"
echo '# unrelated' > steps/notes.sh
run run p.mlops --explain
expect_stdout_contains "step plain: cached" "a command naming no project file is not rerun by unrelated edits"
expect_stdout_contains "model m: cached" "a file the command does not name is not its code"

# ---- the gate approves the folder's tree digest
run approve release --as c@x.example
expect_exit 0 "approve the model folder's artifact"
run run p.mlops
expect_exit 0 "the gate passes and the deploy runs"
expect_eq "$(cat deployed.txt | tr '\n' ' ')" "x 1 2 " "the deploy read the model folder"
echo '# a comment only' >> steps/train.sh
run run p.mlops --explain
expect_stdout_contains "model m: ran" "an edited script reruns the model"
expect_exit 0 "the same bytes again: the approved artifact, the gate still passes"
echo 'UTIL=v3' > lib/util.sh
run run p.mlops
expect_exit 5 "a model folder with new content is a new artifact: the gate waits again"

# ---- --dry-run and status predict the gate
run run p.mlops --dry-run
expect_exit 5 "a dry run predicts the wait (exit 5)"
expect_stdout_contains "gate release: waiting" "the gate waits for approvals of the new artifact"
expect_stdout_not_contains "deploy prod: would run" "a dry run does not claim the deploy behind a waiting gate would run"
expect_stdout_contains "waiting for approvals" "the deploy is held back by the gate"
echo '# again' >> steps/train.sh
run run p.mlops --dry-run
expect_stdout_contains "model m: would run" "the model would be rebuilt"
expect_stdout_contains "gate release: would wait" "so the gate would wait for approvals of the new artifact"
expect_stdout_not_contains "deploy prod: would run" "and the deploy would not run"
expect_stdout_contains "gate(s) waiting" "the summary counts the waiting gate"
run status p.mlops
expect_stdout_not_contains "deploy prod: would run" "status does not claim the deploy would run"
expect_stdout_contains "model \`m\` would be rebuilt: its new artifact needs approval by mrm" "status says the gate would wait, and for whom"
expect_stdout_contains "\`gate:release\` is waiting for approvals" "status says why the deploy would not run"

# ---- a symbolic link cannot carry writes out of the project
mkdir -p ../outside
rm -rf build/copy.csv && mv build build.real && ln -s "$(cd ../outside && pwd)" build
run run p.mlops plain
expect_exit 3 "a step whose output folder is a link out of the project fails"
expect_stderr_contains "would be written outside the project" "and says why"
if [[ -e ../outside/copy.csv ]]; then fail "the step wrote through the link"; else pass "nothing was written outside the project"; fi
rm build && mv build.real build

# ---- CI artifacts carry folders
"$MLOPSC" build p.mlops -o out >/dev/null 2>&1 || fail "build p.mlops"
rm -rf ../ci1 ../ci2 && mkdir -p ../ci1/data ../ci2 && cp -r data steps lib p.mlops ../ci1/ && cp -r steps lib p.mlops ../ci2/
cp out/pipeline.json ../ci1/ && cp out/pipeline.json ../ci2/
(cd ../ci1 && "$MLOPSC" run pipeline.json --node step:index --artifacts ../artifacts >/dev/null 2>&1) || fail "CI job step:index"
expect_eq "$(cat ../artifacts/step-index/outputs/build/index/list.txt 2>/dev/null | tr '\n' ' ')" "1.txt 2.txt 3.txt " \
  "a folder output is left as an artifact"
(cd ../ci1 && "$MLOPSC" run pipeline.json --node step:plain --artifacts ../artifacts >/dev/null 2>&1) || fail "CI job step:plain"
(cd ../ci2 && "$MLOPSC" run pipeline.json --node model:m --artifacts ../artifacts >/dev/null 2>&1) || fail "CI job model:m"
expect_eq "$(cat ../ci2/build/index/all.txt 2>/dev/null | tr '\n' ' ')" "a b c " "the next job gets the folder back"
expect_eq "$(cat ../artifacts/model-m/outputs/build/model/weights.txt 2>/dev/null | tr '\n' ' ')" "x 1 2 " \
  "the model folder travels on"
ln -s /etc/passwd ../artifacts/step-index/outputs/build/index/evil.txt
(cd ../ci2 && "$MLOPSC" run pipeline.json --node model:m --artifacts ../artifacts >../ci2.out 2>&1) || true
if grep -q "symbolic link" ../ci2.out; then pass "a link in an artifact folder is refused"; else fail "a link in an artifact was restored: $(cat ../ci2.out)"; fi
if [[ -L ../ci2/build/index/evil.txt ]]; then fail "the link was restored into the project"; else pass "no link was restored"; fi

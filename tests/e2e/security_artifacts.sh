#!/usr/bin/env bash
# Security, issue 14 items 3 and 4: what a CI job's artifact folder proves,
# and what restoring one may do. The folder comes from earlier jobs an
# attacker may control (docs/ci.md section 1).
#
# Item 3: a result.json names its node and the digest of the artifact it
# judged; a gate job needs every required test's result for the model it
# gates (a blocking test's `warning` is no pass; no --artifacts is refused,
# never skipped); a deploy job needs its gate's passed result for the digest
# it ships; outside CI, `--node` needs the evidence a full run needs (the
# approvals in the state store).
# Item 4: restoring follows no symbolic link in any component, takes regular
# files and folders only, caps sizes, refuses an output missing from the
# artifact (never the repository's copy) and never writes through a link.
source "$(dirname "$0")/lib.bash"

mkdir -p src/data outside secret/build
cd src
printf 'x\n1\n2\n' > data/rows.csv
echo '{"auc": 0.9}' > auc.json
cat > s.mlops <<'SPEC'
project s { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = ["val@x.example"] }
role ops : devops { members = ["op@x.example"] }
data rows {
  owner  = eng
  source = file("data/rows.csv")
  format = csv
  schema { x : float }
}
model m {
  owner   = ds
  inputs  = [rows]
  run     = "cp ${inputs.rows} ${outputs.model} && cat auc.json > ${outputs.metrics}"
  outputs { model = "build/model.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.7 }
test trend on m {
  expect metrics.auc >= 0.8
  severity = warning
}
gate release for m { require = [floor, trend]  approvals = [mrm] }
deploy prod {
  owner = ops
  model = m
  after = release
  run   = "cat build/model.csv >> deployed.txt"
}
SPEC
run build s.mlops -o out --emit=ir
expect_exit 0 "the IR for the CI jobs"
cd ..
echo 'runner-secret-token' > secret/build/model.csv
echo '{"auc": 0.99}' > secret/build/metrics.json
SECRET=$(cd secret && pwd)
OUTSIDE=$(cd outside && pwd)

# job NODE FOLDER [ARG...]: NODE as a CI job (CI=true) in a fresh checkout
# job/ of src/, with FOLDER (may be empty) as its mlops-artifacts; the folder
# stays in job/mlops-artifacts afterwards. `cp -a` keeps links and FIFOs.
job() {
  local node=$1 folder=$2
  shift 2
  rm -rf job && cp -a src job
  if [[ -n $folder ]]; then cp -a "$folder" job/mlops-artifacts; fi
  cd job
  run --env CI=true --env "MLOPS_STATE=$TEAM" run out/pipeline.json --node "$node" --artifacts mlops-artifacts "$@"
  cd ..
}
TEAM=$PWD/team.db  # the team's record (MLOPS_STATE) the jobs share
keep() { rm -rf "$1" && cp -a job/mlops-artifacts "$1"; }  # keep the last job's folder as $1
edit_json() {  # edit_json FILE PYTHON-STATEMENT (on `d`)
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
exec(sys.argv[2])
with open(sys.argv[1], "w") as f:
    json.dump(d, f)
PY
}
not_deployed() {  # not_deployed WHAT: the deploy's command did not run
  if [[ -e job/deployed.txt ]]; then fail "$1: the deploy rolled out ($(head -c 100 job/deployed.txt))"; else pass "$1: nothing was rolled out"; fi
}

# ---- the genuine chain: model, tests, gate, deploy
job model:m ""
expect_exit 0 "the model's job"
keep good
job test:floor good
expect_exit 0 "a test job"
keep good
job test:trend good
keep good
expect_json good/test-floor/result.json version 2 "item 3: result.json carries its format version"
expect_json good/test-floor/result.json node test:floor "item 3: result.json names its node"
if [[ $(json_get good/test-floor/result.json artifact) =~ ^[0-9a-f]{32,}$ ]]; then
  pass "item 3: result.json names the digest of the artifact it judged"
else
  fail "item 3: no artifact digest in result.json: $(cat good/test-floor/result.json)"
fi
expect_eq "$(json_get good/test-floor/result.json artifact)" "$(json_get good/model-m/result.json artifact)" \
  "item 3: a test's result names the model artifact it read"
job gate:release good
expect_exit 5 "item 3: on every required test's genuine result the gate job still needs the approval"
mkdir approver && cd approver
run --env "MLOPS_STATE=$TEAM" approve release --artifact "$(json_get ../good/model-m/result.json artifact | cut -c1-12)" --as val@x.example
cd ..
expect_exit 0 "the validator approves the recorded artifact"
job gate:release good
expect_exit 0 "item 3: the gate job passes on every required test's genuine result and the approval"
keep gated
expect_json gated/gate-release/result.json status passed "the gate's result says passed"
job deploy:prod gated
expect_exit 0 "item 3: the deploy job rolls out with its gate's passed result"
expect_eq "$(cat job/deployed.txt 2>/dev/null | head -1)" "x" "the deploy shipped the model"

# ---- item 3: what a gate job accepts as a test's result
rm -rf forged && mkdir -p forged/test-floor forged/test-trend && cp -a good/model-m forged/
echo '{"status":"warning"}' > forged/test-floor/result.json
echo '{"status":"warning"}' > forged/test-trend/result.json
job gate:release forged
expect_exit 3 "item 3: a gate job refuses results naming no node and no digest"
expect_stderr_contains "\`version\` is missing" "item 3: the refusal says the result is of no known format"

rm -rf forged && cp -a good forged
edit_json forged/test-floor/result.json 'd["status"] = "warning"'
job gate:release forged
expect_exit 3 "item 3: a blocking test's \`warning\` is not a pass"
expect_stderr_contains "test:floor\` is blocking: its result is \`warning\`, expected \`passed\`" \
  "item 3: the gate says the blocking test only warned"

rm -rf forged && cp -a good forged && cp forged/test-trend/result.json forged/test-floor/result.json
job gate:release forged
expect_exit 3 "item 3: a result naming another node is refused"
expect_stderr_contains "is the result of \`test:trend\`, expected \`test:floor\`" "item 3: the refusal names both nodes"

rm -rf forged && cp -a good forged && echo 'x,swapped' > forged/model-m/outputs/build/model.csv
job gate:release forged
expect_exit 3 "item 3: results for another model artifact do not pass the gate"
expect_stderr_contains "judged artifact" "item 3: the refusal says the results judged another artifact"

rm -rf forged && cp -a good forged && rm -rf forged/test-trend
job gate:release forged
expect_exit 3 "item 3: a warning test's missing result fails the gate job"

# A checkout where the model's outputs happen to exist, and no --artifacts.
rm -rf job && cp -a src job && mkdir -p job/build && cp good/model-m/outputs/build/* job/build/
cd job
run --env CI=true run out/pipeline.json --node gate:release
cd ..
expect_exit 2 "item 3: a gate job without --artifacts is refused, not skipped"
expect_stderr_contains "--artifacts" "item 3: the refusal asks for the artifact folder"

# ---- item 3: what a deploy job accepts as its gate's result
rm -rf forged && cp -a gated forged && edit_json forged/gate-release/result.json 'd["status"] = "failed"'
job deploy:prod forged
expect_exit 3 "item 3: a deploy job refuses a gate result that says failed"
not_deployed "item 3: gate result failed"
expect_stderr_contains "expected \`passed\`" "item 3: the deploy says its gate did not pass"

rm -rf forged && cp -a gated forged && rm -rf forged/gate-release
job deploy:prod forged
expect_exit 3 "item 3: a deploy job refuses to roll out without its gate's result"
not_deployed "item 3: gate result missing"

rm -rf forged && cp -a gated forged && echo 'x,unapproved' > forged/model-m/outputs/build/model.csv
job deploy:prod forged
expect_exit 3 "item 3: a deploy job refuses a model its gate did not pass"
not_deployed "item 3: another artifact"
expect_stderr_contains "judged artifact" "item 3: the deploy names the digest mismatch"

rm -rf forged && cp -a gated forged && edit_json forged/gate-release/result.json 'd["node"] = "gate:other"'
job deploy:prod forged
expect_exit 3 "item 3: a deploy job refuses a result naming another gate"
not_deployed "item 3: another gate's result"

# ---- item 3: --node outside CI needs the evidence of a full run
cp -a src local
cd local
run --env CI= run s.mlops
expect_exit 5 "a full run waits at the gate"
run --env CI= run s.mlops --node deploy:prod
expect_exit 5 "item 3: --node deploy outside CI waits for the gate's approvals"
if [[ -e deployed.txt ]]; then fail "item 3: --node deploy outside CI rolled out an unapproved model"; else pass "item 3: --node deploy outside CI rolled nothing out"; fi
expect_stdout_contains "gate release: waiting" "item 3: the gate is checked as a full run checks it"
run --env CI= run s.mlops --node gate:release
expect_exit 5 "item 3: --node gate outside CI needs the approvals in the state store"
run approve release --as val@x.example
expect_exit 0 "the approval"
run --env CI= run s.mlops --node deploy:prod
expect_exit 0 "item 3: with the approvals, --node deploy outside CI rolls out"
expect_eq "$(head -1 deployed.txt 2>/dev/null)" "x" "item 3: the approved model was shipped"
cd ..

# ---- item 4: restoring an artifact folder
rm -rf evil && cp -a good evil && rm -rf evil/model-m/outputs/build && ln -s "$SECRET/build" evil/model-m/outputs/build
cp -a gated evil2 && rm -rf evil2/model-m/outputs/build && ln -s "$SECRET/build" evil2/model-m/outputs/build
job deploy:prod evil2
expect_exit 2 "item 4: a link among an artifact's folders is refused"
expect_stderr_contains "mlops-artifacts/model-m/outputs/build\` is a symbolic link" "item 4: the error names the link"
if grep -q runner-secret job/deployed.txt job/build/model.csv 2>/dev/null; then
  fail "item 4: a runner secret was copied through a link and deployed"
else
  pass "item 4: nothing was copied through the link"
fi

rm -rf evil && cp -a good evil && rm evil/model-m/outputs/build/model.csv && ln -s /dev/zero evil/model-m/outputs/build/model.csv
job test:floor evil
expect_exit 2 "item 4: a link to /dev/zero in an artifact is refused"
expect_stderr_contains "is a symbolic link" "item 4: the error says what it found"

rm -rf evil && cp -a good evil && rm evil/model-m/outputs/build/model.csv && mkfifo evil/model-m/outputs/build/model.csv
job test:floor evil
expect_exit 2 "item 4: a FIFO in an artifact is refused without hanging"
expect_stderr_contains "is a FIFO, expected a regular file or a folder" "item 4: the error says a FIFO was found"

rm -rf evil && cp -a good evil && rm evil/test-floor/result.json && ln -s /dev/zero evil/test-floor/result.json
job gate:release evil
expect_exit 3 "item 4: result.json linked to /dev/zero is refused without exhausting memory"
expect_stderr_contains "test-floor/result.json\` is a symbolic link" "item 4: the gate names the linked result"

rm -rf evil && cp -a good evil && rm evil/test-floor/result.json && mkfifo evil/test-floor/result.json
job gate:release evil
expect_exit 3 "item 4: result.json as a FIFO is refused without hanging"

rm -rf evil && cp -a good evil
python3 -c 'import json; print(json.dumps({"version": 2, "node": "test:floor", "status": "passed", "why": "x" * 1100000, "seconds": 0, "artifact": ""}))' \
  > evil/test-floor/result.json
job gate:release evil
expect_exit 3 "item 4: a result.json over 1 MiB is refused"
expect_stderr_contains "larger than 1048576 bytes" "item 4: the error gives the cap"

rm -rf evil && cp -a good evil && rm evil/model-m/outputs/build/metrics.json
mkdir -p src/build && echo '{"auc": 0.99}' > src/build/metrics.json  # a copy committed to the repository
job test:floor evil
rm -rf src/build
expect_exit 2 "item 4: an output missing from its artifact is refused"
expect_stderr_contains "model-m/outputs/build/metrics.json\` is missing" "item 4: the error names the missing output"
expect_stdout_not_contains "test floor: passed" "item 4: the repository's copy was not used"

job test:floor good --max-artifact-size 10
expect_exit 2 "item 4: artifacts over --max-artifact-size are refused"
expect_stderr_contains "--max-artifact-size" "item 4: the error names the option"
job test:floor good --max-artifact-size 1M
expect_exit 0 "item 4: --max-artifact-size takes a unit suffix"

# Writes never go through a link: not the job's own result folder...
rm -rf evil && cp -a good evil && rm -rf evil/test-floor && ln -s "$OUTSIDE" evil/test-floor
job test:floor evil
expect_exit 3 "item 4: a link where the job writes its result is refused"
if [[ -n $(ls -A outside) ]]; then fail "item 4: the job wrote through the link: $(ls outside)"; else pass "item 4: nothing was written through the link"; fi
# ...nor a folder of the checkout, even one leading inside the project.
rm -rf src2 && cp -a src src2 && ln -s data src2/build
rm -rf job && cp -a src2 job && cp -a good job/mlops-artifacts
cd job
run --env CI=true run out/pipeline.json --node test:floor --artifacts mlops-artifacts
cd ..
expect_exit 2 "item 4: a checkout folder that is a link is not written through"
expect_stderr_contains "\`build\` is a symbolic link" "item 4: the error names the link in the checkout"
if [[ -e job/data/model.csv ]]; then fail "item 4: the restore wrote through build -> data"; else pass "item 4: data/ was left alone"; fi

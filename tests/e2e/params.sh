#!/usr/bin/env bash
# Project params (docs/language.md 5.1.2) with real processes: a DVC-like
# two-stage pipeline reads params.yaml per key, so editing one key reruns
# only the stage reading it; `-P` overrides rerun what reads them and are
# checked against the value's type (exit 2); a typed param without a default
# must be given; a subtree read reruns on any key under it.
source "$(dirname "$0")/lib.bash"

mkdir -p proj/data
cd proj
printf 'x\n1\n2\n3\n' > data/raw.csv
cat > params.yaml <<'YAML'
prepare:
  split: 0.20
  seed: 20170428
train:
  n_est: 50
  min_split: 0.01
YAML
cat > p.mlops <<'SPEC'
project p {
  version   = "1.0.0"
  risk_tier = low
  params    = file("params.yaml")
}
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
role ds  : data_scientist { members = ["b@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step prepare {
  owner   = eng
  inputs  = [raw]
  run     = "echo seed=${params.prepare.seed} split=${params.prepare.split} > ${outputs.out}; cat ${inputs.raw} >> ${outputs.out}"
  outputs { out = "build/prepared.txt" }
}
model train {
  owner   = ds
  inputs  = [prepare.out]
  run     = "echo n_est=${params.train.n_est} train=${params.train} env=$MLOPS_PARAM_TRAIN_N_EST > ${outputs.model}; echo '{}' > ${outputs.metrics}"
  outputs { model = "build/model.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
SPEC

run run p.mlops
expect_exit 0 "first run"
expect_stdout_contains "run succeeded: 2 ran" "both stages ran"
expect_eq "$(head -n1 build/prepared.txt)" "seed=20170428 split=0.2" "prepare read its keys from params.yaml"
expect_eq "$(cat build/model.txt)" 'n_est=50 train={"n_est":50,"min_split":0.01} env=50' \
  "train read a key, its group as JSON and MLOPS_PARAM_TRAIN_N_EST"

run run p.mlops
expect_stdout_contains "run succeeded: 0 ran, 2 up to date" "a rerun runs nothing"

# ---- editing one key reruns only the stage reading it
sed -i 's/n_est: 50/n_est: 60/' params.yaml
run run p.mlops --explain
expect_exit 0 "run after editing train.n_est"
expect_stdout_contains "step prepare: cached" "prepare does not read train.n_est: cached"
expect_stdout_contains "parameter \`train.n_est\` changed (50 → 60)" "train reruns, naming the key"
expect_stdout_contains "run succeeded: 1 ran, 1 up to date" "one stage ran"

sed -i 's/split: 0.20/split: 0.25/' params.yaml
run run p.mlops --explain
expect_stdout_contains "parameter \`prepare.split\` changed (0.2 → 0.25)" "prepare reruns for its key"
expect_stdout_contains "run succeeded: 2 ran" "and train after it (its input changed)"

# A key nothing reads warns, and changing it reruns nothing.
printf 'evaluate:\n  folds: 5\n' >> params.yaml
run check p.mlops
expect_exit 0 "an unread key is a warning"
expect_stderr_contains "W0608" "W0608 names the unread key"
expect_stderr_contains "\`evaluate.folds\`" "by its dotted name"
run run p.mlops
expect_stdout_contains "run succeeded: 0 ran, 2 up to date" "an unread key reruns nothing"

# ---- -P overrides
run run p.mlops -P train.n_est=100 --explain
expect_exit 0 "run with -P"
expect_stdout_contains "parameter \`train.n_est\` changed (60 → 100)" "-P reruns what reads the key"
expect_stdout_contains "step prepare: cached" "and nothing else"
expect_eq "$(head -c 10 build/model.txt)" "n_est=100 " "the command got the -P value"
run run p.mlops --param train.n_est=100
expect_stdout_contains "run succeeded: 0 ran, 2 up to date" "the same -P again: cached (--param is -P)"
run run p.mlops
expect_stdout_contains "parameter" "without -P the file's value comes back" 

run run p.mlops -P train.n_est=many
expect_exit 2 "an untyped int param takes an int"
expect_stderr_contains "expected an integer for \`train.n_est\`" "the type is named"
run run p.mlops -P train.n_ets=5
expect_exit 2 "an unknown key"
expect_stderr_contains "did you mean \`train.n_est\`?" "with a did-you-mean"
run run p.mlops -P train=5
expect_exit 2 "a group takes no value"
expect_stderr_contains "is a group of params" "the group is named"

# ---- typed params in the block form
cat > t.mlops <<'SPEC'
project t {
  version   = "1.0.0"
  risk_tier = low
  params {
    region : string
    train { n_est = 50 }
  }
}
use std.roles
role eng : data_engineer  { members = ["a@x.example"] }
step fit {
  owner   = eng
  run     = "echo ${params.region} ${params.train.n_est} > ${outputs.out}"
  outputs { out = "build/fit.txt" }
}
SPEC
run run t.mlops
expect_exit 2 "a typed param without a default must be given"
expect_stderr_contains "param \`region\` of type \`string\` has no default: give it with \`-P region=VALUE\`" "it is named"
run run t.mlops -P region=eu-west
expect_exit 0 "given with -P"
expect_eq "$(cat build/fit.txt)" "eu-west 50" "the typed value reached the command"

#!/usr/bin/env bash
# The SLURM submit scripts of `mlopsc build --emit slurm` (docs/slurm.md,
# "Submit script"):
#   1. every example, every clean golden case and the adversarial spec:
#      the scripts pass `sh -n` and shellcheck (when installed) with no
#      finding, and are deterministic; --check, stdin, no pipeline;
#   2. run against a recording sbatch/scancel on PATH: the argv of every
#      sbatch (order, the mapping, dependencies, names-only --export), a
#      failed submission and a signal cancel what was queued, options the
#      script sets itself and a missing secret are refused before anything
#      is queued, a hostile spec file name reaches sbatch exactly and runs
#      nothing;
# The same scripts on a real cluster: tests/e2e/slurm_script_cluster.sh.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR

# ---- 1. every spec: sh -n, shellcheck, determinism

specs=()
for spec in "$src"/examples/*/*.mlops; do
  [[ $(basename "$spec") == teams.mlops ]] || specs+=("$spec")
done
while IFS= read -r spec; do specs+=("$spec"); done < <(
  find "$src/tests/golden/sema" "$src/tests/golden/targets" "$src/tests/golden/fan_out" \
    \( -name '.*' -o -name build -o -name node_modules \) -prune -o -type f -name '*.mlops' ! -name 'fail_*' -print | sort)
specs+=("$src/tests/unit/data/adversarial_ci.mlops")

have_shellcheck=0
if command -v shellcheck >/dev/null; then have_shellcheck=1; else echo "# shellcheck is not installed: the scripts are only checked with sh -n"; fi
scripts=0
n=0
for spec in "${specs[@]}"; do
  n=$((n + 1))
  run build "$spec" -o "out/$n" --emit=slurm
  if ((RC != 0)); then
    expect_stderr_contains "nothing written" "$(basename "$spec"): a spec that does not build says so"
    continue
  fi
  for script in out/"$n"/slurm/*.sh; do
    [[ -e $script ]] || continue
    scripts=$((scripts + 1))
    what="$(basename "$spec") $(basename "$script")"
    if sh -n "$script" 2>sh-n.err; then pass "$what: sh -n"; else fail "$what: sh -n: $(head -c 300 sh-n.err)"; fi
    if ((have_shellcheck)); then
      if shellcheck --shell=sh --severity=style "$script" >shellcheck.out 2>&1; then
        pass "$what: shellcheck finds nothing"
      else
        fail "$what: shellcheck:"
        show shellcheck.out
      fi
    fi
  done
  run build "$spec" -o "again/$n" --emit=slurm
  if [[ ! -e out/$n && ! -e again/$n ]] || diff -r "out/$n" "again/$n" >/dev/null; then
    pass "$(basename "$spec"): the same bytes twice"
  else
    fail "$(basename "$spec"): two builds differ"
  fi
done
((scripts >= 6)) && pass "$scripts scripts checked" || fail "only $scripts submit scripts were written"

# --emit slurm writes slurm/ only; --check compares it.
cp -r "$src/examples/credit-risk" cr
rm -rf cr/build cr/.mlops
(cd cr && "$MLOPSC" build credit_risk.mlops -o mlops --emit=slurm 2>/dev/null)
expect_eq "$(cd cr/mlops && find . -type f | sort | tr '\n' ' ')" "./slurm/main.sh " "--emit=slurm writes only the submit script"
run build cr/credit_risk.mlops -o cr/mlops --emit=slurm --check
expect_exit 0 "build --check --emit=slurm on fresh files"
echo '# edited' >>cr/mlops/slurm/main.sh
run build cr/credit_risk.mlops -o cr/mlops --emit=slurm --check
expect_exit 1 "build --check --emit=slurm after an edit"
expect_stdout_contains "-# edited" "--check prints the diff of the submit script"
(cd cr && "$MLOPSC" build credit_risk.mlops -o mlops --emit=slurm 2>/dev/null)
run --stdin cr/credit_risk.mlops build - -o stdin-out --emit=slurm
expect_exit 2 "--emit=slurm with the spec on standard input"
expect_stderr_contains "needs the spec as a file" "the jobs need a spec file"
cat >nopipe.mlops <<'EOF'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["ana@shop.example"] }
step s {
  owner   = eng
  run     = "true > ${outputs.o}"
  outputs { o = "build/o" }
}
EOF
run build nopipe.mlops -o nopipe --emit=slurm
expect_exit 0 "--emit=slurm on a spec without pipelines"
expect_stderr_contains "no SLURM submit script written" "and says there is no script"

# ---- 2. against a recording sbatch

# sbatch prints job ids from 100 and keeps each call's argv, one
# NUL-terminated argument each, in calls/N, its SBATCH_ variables in
# calls/N.env and the job script it was given in calls/N.script.
# FAKE_SBATCH_FAIL_AT=N fails the Nth call; FAKE_SBATCH_SIGNAL_AT=N sends
# SIGTERM to FAKE_SUBMIT_PID during the Nth.
mkdir -p fakebin
cat >fakebin/sbatch <<'EOF'
#!/usr/bin/env bash
set -eu
dir=$FAKE_SLURM_DIR
mkdir -p "$dir/calls"
n=$(($(cat "$dir/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/count"
printf '%s\0' "$@" >"$dir/calls/$n"
env | grep '^SBATCH_' | sort >"$dir/calls/$n.env" || true
if [[ ${FAKE_SBATCH_FAIL_AT:-0} == "$n" ]]; then
  echo "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" >&2
  exit 1
fi
for a in "$@"; do [[ -f $a && $a == */mlopsc-slurm.* ]] && cp "$a" "$dir/calls/$n.script"; done
if [[ ${FAKE_SBATCH_SIGNAL_AT:-0} == "$n" ]]; then kill -TERM "$FAKE_SUBMIT_PID"; sleep 0.2; fi
echo "$((99 + n));cluster1"
EOF
cat >fakebin/scancel <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_SLURM_DIR/scancel"
EOF
chmod +x fakebin/sbatch fakebin/scancel
fake=$PWD/fakebin

# submit DIR SCRIPT [ENV=VALUE...] -- [ARG...]: runs the script in DIR with
# the fakes first on PATH; RC, $STDOUT, $STDERR as for `run`; calls in
# $PWD/slurm-DIR.
submit() {
  local dir=$1 script=$2
  shift 2
  local -a envs=()
  while (($#)) && [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  FAKE_DIR=$PWD/slurm-$(basename "$dir")
  rm -rf "$FAKE_DIR"
  mkdir -p "$FAKE_DIR"
  LAST_CMD="(cd $dir && ${envs[*]:+${envs[*]} }sh $script $*)"
  set +e
  (cd "$dir" && exec env -u MLOPSC PATH="$fake:$PATH" FAKE_SLURM_DIR="$FAKE_DIR" "${envs[@]}" \
    timeout "$((MLOPS_E2E_TIMEOUT * 3))" sh -c 'FAKE_SUBMIT_PID=$$ && export FAKE_SUBMIT_PID && exec sh "$@"' sh "$script" "$@") \
    >"$STDOUT" 2>"$STDERR"
  RC=$?
  set -e
}

# call_args N: the argv of the Nth sbatch call, one argument a line ($'\n' in
# an argument shown as \n).
call_args() {
  local -a args=()
  [[ -f $FAKE_DIR/calls/$1 ]] || return 0
  mapfile -d '' args <"$FAKE_DIR/calls/$1"
  local a
  for a in "${args[@]}"; do printf '%s\n' "${a//$'\n'/\\n}"; done
}
calls() { cat "$FAKE_DIR/count" 2>/dev/null || echo 0; }

root=$(cd cr && pwd -P)
token=demo-placeholder-token-9f2c
submit cr mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token MLOPSC=/opt/mlopsc/bin/mlopsc -- --partition=debug --qos=high
expect_exit 0 "the credit-risk script against a recording sbatch"
expect_eq "$(calls)" 3 "one sbatch per job (step, model, deploy; the tests and gate run in the deploy's job)"
expect_eq "$(head -n 3 "$STDOUT" | tr '\t\n' ' |')" "100 step:features|101 model:scorer|102 deploy:scorer_prod|" "each job id is printed as it is queued"
expect_stdout_contains "mlopsc slurm: queued 3 jobs of pipeline main: 100 101 102 (squeue --jobs=100,101,102; logs in $root/.mlops/logs/slurm)" "the summary line"
base=PATH,HOME,USER,LOGNAME,LANG,LC_ALL,LC_CTYPE,TZ,TMPDIR,TERM,MLOPS_STDLIB
jobscript=$(call_args 1 | sed -n 11p)
expect_eq "$(call_args 1 | tr '\n' ' ')" "--parsable --partition=debug --qos=high --job-name=mlops.credit_risk.step:features --output=.mlops/logs/slurm/step-features.%j.log --chdir=$root --export=$base --cpus-per-task=1 --mem=512M --time=5 $jobscript /opt/mlopsc/bin/mlopsc run ./credit_risk.mlops --node step:features " \
  "sbatch 1: the caller's options first, then the job's own, then the job script and mlopsc's argv"
expect_eq "$(call_args 2 | tr '\n' ' ')" "--parsable --partition=debug --qos=high --job-name=mlops.credit_risk.model:scorer --output=.mlops/logs/slurm/model-scorer.%j.log --chdir=$root --export=$base,MLOPS_STATE,PGPASSWORD,FEATURE_STORE_TOKEN --cpus-per-task=4 --mem=8192M --time=30 --dependency=afterok:100 --kill-on-invalid-dep=yes $jobscript /opt/mlopsc/bin/mlopsc run ./credit_risk.mlops --node model:scorer " \
  "sbatch 2: after the step's job; the record and the model's secret by name"
expect_eq "$(call_args 3 | tr '\n' ' ')" "--parsable --partition=debug --qos=high --job-name=mlops.credit_risk.deploy:scorer_prod --output=.mlops/logs/slurm/deploy-scorer_prod.%j.log --chdir=$root --export=$base,MLOPS_STATE,PGPASSWORD --dependency=afterok:101 --kill-on-invalid-dep=yes $jobscript /opt/mlopsc/bin/mlopsc run ./credit_risk.mlops --node deploy:scorer_prod " \
  "sbatch 3: after the model's job, no secret it does not declare"
expect_eq "$(cat "$FAKE_DIR/calls/1.script")" "$(printf '#!/bin/sh\nexec "$@"')" "the job script execs its arguments"
[[ ! -e $jobscript ]] && pass "the job script is removed when the script ends" || fail "$jobscript left behind"
[[ -d cr/.mlops/logs/slurm ]] && pass "the log folder is created" || fail "no cr/.mlops/logs/slurm"
if grep -r -a -q -F "$token" "$FAKE_DIR"; then fail "a secret's value reached sbatch"; else pass "no secret value in any sbatch argument"; fi
[[ ! -e $FAKE_DIR/scancel ]] && pass "nothing cancelled after a full submission" || fail "scancel ran: $(cat "$FAKE_DIR/scancel")"

# MLOPS_SLURM_SERIAL=1: each job also waits for the one before it, so the
# independent items of a fan-out run one after another.
cp -r "$src/tests/golden/fan_out" regions
(cd regions && "$MLOPSC" build regions.mlops -o out --emit=slurm 2>/dev/null)
submit regions out/slurm/sweep.sh --
expect_exit 0 "the fan-out's script"
expect_eq "$(call_args 2 | grep -c -- --dependency)" 0 "extract@eu waits for nothing"
expect_eq "$(call_args 3 | grep -- --dependency)" "--dependency=afterok:100:101" "featurize@us waits for both extracts"
submit regions out/slurm/sweep.sh MLOPS_SLURM_SERIAL=1 --
expect_exit 0 "the fan-out's script, serial"
expect_eq "$(call_args 1 | grep -c -- --dependency)" 0 "serial: the first job waits for nothing"
expect_eq "$(call_args 2 | grep -- -dep | tr '\n' ' ')" "--dependency=afterany:100 --kill-on-invalid-dep=yes " "serial: extract@eu waits for extract@us to end"
expect_eq "$(call_args 3 | grep -- --dependency)" "--dependency=afterok:100:101,afterany:101" "serial: the graph's dependencies and the job before"

# SBATCH_PARTITION and SBATCH_ACCOUNT stay in the environment for sbatch;
# SBATCH_WAIT and SBATCH_ARRAY_INX, which would change what a job is, do not.
submit cr mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token SBATCH_PARTITION=gpu SBATCH_ACCOUNT=ml SBATCH_WAIT=1 SBATCH_ARRAY_INX=1-3 --
expect_exit 0 "with SBATCH_PARTITION and SBATCH_ACCOUNT set"
expect_eq "$(call_args 1 | sed -n 2p)" "--job-name=mlops.credit_risk.step:features" "no option is added for them"
expect_eq "$(tr '\n' ' ' <"$FAKE_DIR/calls/1.env")" "SBATCH_ACCOUNT=ml SBATCH_PARTITION=gpu " "sbatch reads them itself; SBATCH_WAIT and SBATCH_ARRAY_INX are cleared"
expect_eq "$(call_args 1 | tail -n 5 | head -n 1)" "mlopsc" "MLOPSC unset: mlopsc from the jobs' PATH"

# A failed submission cancels what was queued.
submit cr mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token FAKE_SBATCH_FAIL_AT=3 --
expect_exit 1 "a failing third sbatch"
expect_stderr_contains "Invalid account" "sbatch's own error is shown"
expect_stderr_contains "cancelling the jobs already queued: 100 101" "the script says what it cancels"
expect_eq "$(cat "$FAKE_DIR/scancel" 2>/dev/null)" "100 101" "scancel gets the queued jobs"
expect_stdout_not_contains "queued 3 jobs" "no summary of success"

# A signal between two submissions cancels the jobs queued so far, the one
# whose sbatch was running included.
submit cr mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token FAKE_SBATCH_SIGNAL_AT=2 --
expect_exit 143 "SIGTERM during the second sbatch"
expect_eq "$(cat "$FAKE_DIR/scancel" 2>/dev/null)" "100 101" "scancel gets both jobs"
expect_eq "$(calls)" 2 "nothing is queued after the signal"

# Options the script sets itself, a missing secret and the wrong folder stop
# it before anything is queued.
for option in --output=x.log -Jname --dependency=afterok:1 --export=ALL -ox --wait --time=5 -c4; do
  submit cr mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token -- --qos=high "$option"
  expect_exit 2 "the script refuses $option"
  expect_stderr_contains "${option}: the script sets this option for each job itself" "and says why"
  expect_eq "$(calls)" 0 "nothing queued with $option"
done
submit cr mlops/slurm/main.sh -- 
expect_exit 2 "FEATURE_STORE_TOKEN unset"
expect_stderr_contains "the secret FEATURE_STORE_TOKEN of model:scorer is not set" "the missing secret is named"
expect_eq "$(calls)" 0 "nothing queued without the secret"
submit . cr/mlops/slurm/main.sh FEATURE_STORE_TOKEN=$token --
expect_exit 2 "run outside the project root"
expect_stderr_contains "./credit_risk.mlops not found: run this script from the project root" "the project root is asked for"

# A hostile spec file name: it reaches sbatch as one exact argument and the
# shell never runs any of it.
hostile=$'adv\'$(touch PWNED1)`touch PWNED2`"q" $HOME;touch PWNED3\n# x.mlops'
mkdir hostile
cp "$src/tests/unit/data/adversarial_ci.mlops" "hostile/$hostile"
(cd hostile && "$MLOPSC" build "$hostile" -o out --emit=slurm 2>/dev/null) && pass "the hostile spec builds" || fail "the hostile spec does not build"
if ((have_shellcheck)); then
  shellcheck --shell=sh --severity=style hostile/out/slurm/main.sh >shellcheck.out 2>&1 &&
    pass "shellcheck on the hostile spec's script" || { fail "shellcheck on the hostile spec's script"; show shellcheck.out; }
fi
submit hostile out/slurm/main.sh API_TOKEN=x DEPLOY_KEY=y --
expect_exit 0 "the hostile spec's script runs"
expect_eq "$(find . -name 'PWNED*' | wc -l)" 0 "nothing of the name ran"
expect_eq "$(call_args 1 | tail -n 3 | head -n 1)" "./${hostile//$'\n'/\\n}" "the spec reaches sbatch exactly"
expect_eq "$(calls)" 2 "model and deploy queued (test and gate in the deploy's job; the monitor is not in the pipeline)"
expect_eq "$(call_args 2 | tail -n 1)" "deploy:churn_prod" "the deploy's node id"

#!/usr/bin/env bash
# The SLURM submit script of `mlopsc build --emit slurm` (docs/slurm.md,
# "Submit script") on a private cluster (tests/support/slurm-cluster): the
# credit-risk example's script queues step, model and deploy; the deploy's
# job stops at the approval gate (exit 5), the resources reach SLURM; after
# the approvals the script runs again, the step and model jobs find their
# nodes up to date, the deploy rolls out, and `mlopsc status` says
# everything is up to date. Skipped when SLURM is not installed. What needs
# no cluster (shellcheck, the argv of every sbatch, cancellation, quoting)
# is tests/e2e/slurm_script.sh.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR

source "$src/tests/e2e/lib_slurm.bash"
# The model asks for 4 CPUs and 8 GiB: the test node declares that much
# (slurm-cluster's config_overrides), whatever the machine has.
slurm_start --cpus 4 --real-memory 12000
pass "a private SLURM cluster is up"

rm -rf real
cp -r "$src/examples/credit-risk" real
rm -rf real/build real/.mlops real/mlops
chmod 600 real/demo-keys/*.key
(cd real && "$MLOPSC" build credit_risk.mlops -o mlops --emit=slurm 2>/dev/null)
# The canary's intervals are an hour: the jobs' mlopsc runs them scaled
# down, as `make demo` does (MLOPSC may be any program that takes mlopsc's
# arguments).
cat >mlopsc-scaled <<EOF
#!/bin/sh
exec '$MLOPSC' "\$@" --interval-scale 0.0001
EOF
chmod +x mlopsc-scaled

# queue_and_wait: runs the script in real/, then waits (bounded) until each
# of its jobs has ended; JOBS holds their ids, FINAL[ID] each one's final
# state and exit code as first seen (the controller forgets a job MinJobAge
# seconds after it ended; one it no longer knows ended as `FORGOTTEN`).
declare -A FINAL=()
queue_and_wait() {
  set +e
  (cd real && FEATURE_STORE_TOKEN=demo-placeholder-token MLOPSC=$E2E_WORK/mlopsc-scaled timeout 60 sh mlops/slurm/main.sh) \
    >"$STDOUT" 2>"$STDERR"
  RC=$?
  set -e
  LAST_CMD="(cd real && sh mlops/slurm/main.sh)"
  JOBS=$(cut -f1 "$STDOUT" | grep -E '^[0-9]+$' | tr '\n' ' ')
  # What SLURM holds of each job now, while it certainly remembers them.
  local id
  for id in $JOBS; do timeout 20 scontrol show job "$id" >"job-$id.txt" 2>&1 || true; done
  local start=$SECONDS pending=1 state
  while ((SECONDS - start < 600)); do
    pending=0
    for id in $JOBS; do
      [[ -z ${FINAL[$id]:-} ]] || continue
      state=$(state_of "$id")
      case $state in
        COMPLETED* | FAILED* | CANCELLED* | TIMEOUT* | OUT_OF_MEMORY* | NODE_FAIL* | PREEMPTED* | BOOT_FAIL* | DEADLINE*)
          FINAL[$id]=$state ;;
        '') FINAL[$id]=FORGOTTEN ;;
        *) pending=1 ;;
      esac
    done
    ((pending)) || break
    sleep 1
  done
  ((!pending)) || fail "the jobs $JOBS had not all ended after 600 s"
}
# state_of ID: the job's final state and exit code (`COMPLETED 0:0`), from
# scontrol while the controller remembers the job (MinJobAge), else sacct.
state_of() {
  local state
  state=$(timeout 20 scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p; s/^ExitCode=//p' |
    tr '\n' ' ' | sed 's/ $//')
  [[ -n $state ]] || state=$(timeout 20 sacct -n -X -P -j "$1" -o State,ExitCode 2>/dev/null | head -n 1 | tr '|' ' ')
  echo "$state"
}
# field_of ID NAME: a field of `scontrol show job` as it was right after submission.
field_of() { tr ' ' '\n' <"job-$1.txt" | sed -n "s/^$2=//p" | head -n 1; }

queue_and_wait
expect_exit 0 "the submit script on a real cluster"
read -r step model deploy <<<"$JOBS"
expect_eq "${FINAL[$step]:-}" "COMPLETED 0:0" "step:features ran as job $step"
expect_eq "${FINAL[$model]:-}" "COMPLETED 0:0" "model:scorer ran as job $model"
expect_eq "${FINAL[$deploy]:-}" "FAILED 5:0" "deploy:scorer_prod's job stops at the gate (exit 5: waiting for approvals)"
expect_eq "$(field_of "$step" TimeLimit) $(field_of "$step" MinMemoryNode) $(field_of "$step" MinCPUsNode)" "00:05:00 512M 1" "the step's resources reach SLURM"
expect_eq "$(field_of "$model" TimeLimit) $(field_of "$model" MinMemoryNode) $(field_of "$model" MinCPUsNode)" "00:30:00 8G 4" "the model's resources reach SLURM"
expect_eq "$(field_of "$model" JobName)" "mlops.credit_risk.model:scorer" "the job name carries project and node"
grep -q "gate production: waiting" "real/.mlops/logs/slurm/deploy-scorer_prod.$deploy.log" &&
  pass "the deploy's log says the gate waits" || fail "no waiting gate in the deploy's log"
[[ -s real/build/features.csv && -s real/build/scorer.json && -s real/build/metrics.json ]] &&
  pass "the step's and the model's outputs exist" || fail "outputs missing in real/build"
for who in carol grace alice; do
  (cd real && "$MLOPSC" approve production --key "demo-keys/$who.key" >/dev/null 2>&1) || fail "approve as $who"
done
queue_and_wait
expect_exit 0 "the submit script again, after the approvals"
read -r step model deploy <<<"$JOBS"
for id in $step $model $deploy; do expect_eq "${FINAL[$id]:-}" "COMPLETED 0:0" "job $id completed"; done
grep -q "up to date" "real/.mlops/logs/slurm/model-scorer.$model.log" &&
  pass "the model's second job found it up to date" || fail "the model ran again"
grep -q "rolled out" "real/.mlops/logs/slurm/deploy-scorer_prod.$deploy.log" &&
  pass "the deploy rolled out" || fail "no roll-out in the deploy's log"
(cd real && "$MLOPSC" status credit_risk.mlops >status.out 2>&1) || true
grep -q "all 9 nodes up to date" real/status.out && pass "mlopsc status: everything up to date" ||
  { fail "mlopsc status after the SLURM runs"; show real/status.out; }

# `mlopsc run --executor slurm` against a real private SLURM cluster
# (tests/support/slurm-cluster: munged, slurmctld, slurmd under the test's
# folder): the credit-risk example end to end with its resources mapped and
# its job ids recorded (a canary rollout: one job per step, in the deploy's
# job column), failures of every kind, retries, Ctrl-C leaving no
# job, a second run that submits nothing, a killed run's jobs adopted or
# cancelled, and a controller that does not answer.
source "$(dirname "$0")/lib.bash"
source "$MLOPS_SOURCE_DIR/tests/e2e/lib_slurm.bash"

MLOPS_E2E_TIMEOUT=120
# The example's model asks for 4 CPUs and 8 GiB: the test node declares 8 CPUs.
slurm_start --cpus 8

# The id the next job gets: a probe job, cancelled at once.
next_job_id() {
  local id
  id=$(sbatch --parsable --hold --job-name=probe --output=/dev/null --wrap true)
  scancel "$id"
  echo "$id"
}

# ---- the credit-risk example -------------------------------------------------
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" cr
rm -rf cr/.mlops cr/build
cd cr
run run credit_risk.mlops --executor slurm --secrets-file demo.secrets.env --interval-scale 0.001
expect_exit 5 "credit-risk on SLURM runs up to its gate, which waits for approvals"
features_job=$(sed -n 's/.*step features: ran.*slurm job \([0-9]*\).*/\1/p' "$STDOUT" | head -n 1)
model_job=$(sed -n 's/.*model scorer: ran.*slurm job \([0-9]*\).*/\1/p' "$STDOUT" | head -n 1)
if [[ -n $features_job && -n $model_job ]]; then
  pass "the summary names the SLURM job of each step and model (features: $features_job, scorer: $model_job)"
else
  fail "no SLURM job ids in the summary"
fi
expect_eq "$(slurm_job_field "$model_job" JobName)" "mlops.credit_risk.model:scorer" "the model's job name carries project and node"
expect_eq "$(slurm_job_field "$model_job" NumCPUs)" 4 "cpu = 4 became --cpus-per-task=4"
expect_eq "$(slurm_job_field "$model_job" MinMemoryNode)" 8G "memory = 8Gi became --mem=8192M"
expect_eq "$(slurm_job_field "$model_job" TimeLimit)" 00:30:00 "timeout = 30m became --time=30"
expect_eq "$(slurm_job_field "$features_job" JobState)" COMPLETED "the features job completed"
expect_eq "$(slurm_job_field "$model_job" WorkDir)" "$PWD" "jobs run in the project folder"
if grep -q . .mlops/logs/1/model-scorer.log 2>/dev/null || [[ -f .mlops/logs/1/model-scorer.log ]]; then
  pass "the model's output went to its log in .mlops/logs"
else
  fail "no log for the model in .mlops/logs/1"
fi
run history model:scorer
expect_stdout_contains "slurm job $model_job" "the record keeps the model's SLURM job id"
expect_stdout_matches "^1 +succeeded .* slurm:$model_job  " "history's job column holds the model's job id (the record's job_id)"
# The model's secret reaches its job by name (--export) only: its value is
# in neither the job's description, nor its batch script, nor the registry.
secret=demo-placeholder-token
if scontrol show job -o "$model_job" | grep -q -F "$secret" ||
  scontrol write batch_script "$model_job" - 2>/dev/null | grep -q -F "$secret" ||
  grep -q -F "$secret" .mlops/slurm-jobs; then
  fail "the secret's value is visible outside the job's environment"
else
  pass "no secret value in the job's description, batch script or the registry"
fi
if scontrol write batch_script "$model_job" - 2>/dev/null | grep -q 'exec "$MLOPS_EXEC_MLOPSC" exec-node'; then
  pass "the batch script is the fixed text that runs exec-node"
else
  fail "unexpected batch script: $(scontrol write batch_script "$model_job" - 2>&1 | head -n 5)"
fi

before=$(next_job_id)
run run credit_risk.mlops --executor slurm --secrets-file demo.secrets.env --interval-scale 0.001
expect_exit 5 "the second run stops at the same gate"
expect_stdout_contains "up to date" "the second run finds everything up to date"
after=$(next_job_id)
expect_eq "$after" "$((before + 1))" "the second run submitted no job"
# Approved, the canary rolls out as one job per step: the record keeps
# their ids in order, in the deploy's job column.
chmod 600 demo-keys/*.key
for who in carol grace alice; do
  run approve production --key "demo-keys/$who.key"
  expect_exit 0 "$who approves"
done
run run credit_risk.mlops --executor slurm --secrets-file demo.secrets.env --interval-scale 0.001
expect_exit 0 "the approved run rolls the scorer out on SLURM"
steps=$(sed -n 's/.*deploy scorer_prod: rolled out.*slurm jobs \([0-9]*\), \([0-9]*\), \([0-9]*\).*/slurm:\1 slurm:\2 slurm:\3/p' "$STDOUT" | head -n 1)
if [[ -n $steps ]]; then pass "the summary names the three canary steps' jobs ($steps)"; else fail "no SLURM jobs for the canary steps in the summary"; fi
run history scorer_prod
expect_stdout_matches "^3 +succeeded .* $steps  " "the deploy's job column holds its steps' job ids in order"
cd ..

# ---- failures, retries, a job that can never start --------------------------
mkdir fails && cd fails
cat >f.mlops <<'SPEC'
project f { version = "1.0.0"  risk_tier = low }
role eng : std.roles.data_engineer { members = ["a@x.io"] }
step fails {
  owner = eng
  run = "echo about to fail; exit 3"
  outputs { o = "fails.txt" }
}
step slow {
  owner = eng
  run = "sleep 60; echo done > slow.txt"
  outputs { o = "slow.txt" }
  resources { timeout = 2s }
}
step hog {
  owner = eng
  run = "python3 -c 'import time; b = bytearray(600 * 1024 * 1024); time.sleep(5)'; echo ok > hog.txt"
  outputs { o = "hog.txt" }
  resources { memory = 100Mi }
}
step flaky {
  owner = eng
  run = "n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count; [ $n -ge 1 ] && echo ok > flaky.txt"
  outputs { o = "flaky.txt" }
  resources { retries = 2 }
}
step huge {
  owner = eng
  run = "echo never > huge.txt"
  outputs { o = "huge.txt" }
  resources { cpu = 64 }
}
pipeline p { targets = [fails, slow, hog, flaky, huge] }
SPEC
run run f.mlops --executor slurm -j 8
expect_exit 3 "a run with failed steps exits 3"
expect_stdout_contains "step flaky: ran" "a step that fails once is resubmitted and succeeds"
expect_eq "$(cat count)" 2 "the flaky step ran twice"
expect_stderr_matches "step fails: failed.*exit code 3.*slurm job [0-9]+" "a failing command: its exit code and job id"
expect_stderr_matches "step slow: failed.*timeout" "a step over its timeout fails as timed out"
expect_stderr_matches "step hog: failed.*more memory than its .memory. resource" "a step over its memory is stopped by SLURM and says so"
expect_stderr_matches "step huge: failed.*SLURM cannot start its job \(PartitionConfig\)" "a job no node can run fails at once"
expect_eq "$(slurm_queue_count)" 0 "nothing of the run is left in the queue"
if [[ ! -e slow.txt && ! -e hog.txt && ! -e huge.txt ]]; then pass "failed steps left no outputs"; else fail "outputs of failed steps exist"; fi
cd ..

# ---- Ctrl-C cancels every job -------------------------------------------------
mkdir cancel && cd cancel
cat >c.mlops <<'SPEC'
project c { version = "1.0.0"  risk_tier = low }
role eng : std.roles.data_engineer { members = ["a@x.io"] }
step one {
  owner = eng
  run = "sleep 297; echo > one.txt"
  outputs { o = "one.txt" }
}
step two {
  owner = eng
  run = "sleep 297; echo > two.txt"
  outputs { o = "two.txt" }
}
pipeline p { targets = [one, two] }
SPEC
# wait_running N: until N jobs of this user run (at most 30 s).
wait_running() {
  local i
  for ((i = 0; i < 150; i++)); do
    (($(squeue -h -u "$(id -un)" -t RUNNING -o %i | wc -l) >= $1)) && return 0
    sleep 0.2
  done
  return 1
}
"$MLOPSC" run c.mlops --executor slurm -j 2 >out.txt 2>err.txt &
pid=$!
if wait_running 2; then pass "both jobs run"; else fail "the jobs did not start"; fi
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 130 "Ctrl-C ends the run with 130"
expect_eq "$(slurm_queue_count)" 0 "Ctrl-C left no job in the queue"
if grep -q "its SLURM job was cancelled" err.txt; then pass "the summary says the jobs were cancelled"; else fail "no cancellation in: $(cat err.txt)"; fi
# 297: a duration no other test's job sleeps (the tests run side by side).
if pgrep -f "sleep 297" >/dev/null; then fail "a job's process is still running"; else pass "no job process is left"; fi
cd ..

# ---- a killed run's jobs: adopted when the work is the same, else cancelled --
mkdir adopt && cd adopt
cat >a.mlops <<'SPEC'
project a { version = "1.0.0"  risk_tier = low }
role eng : std.roles.data_engineer { members = ["a@x.io"] }
step slow {
  owner = eng
  run = "sleep 4; echo done > slow.txt"
  outputs { o = "slow.txt" }
}
pipeline p { targets = [slow] }
SPEC
"$MLOPSC" run a.mlops --executor slurm >out.txt 2>err.txt &
pid=$!
wait_running 1 || fail "the job did not start"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
orphan=$(squeue -h -u "$(id -un)" -o %i | head -n 1)
expect_eq "$(slurm_job_field "$orphan" JobState)" RUNNING "kill -9 leaves the job running"
before=$(next_job_id)
run run a.mlops --executor slurm
expect_exit 0 "the next run succeeds"
expect_stderr_contains "adopted SLURM job $orphan" "the next run adopts the job doing its very work"
expect_stdout_contains "slurm job $orphan" "the node's result is the adopted job's"
expect_eq "$(next_job_id)" "$((before + 1))" "adopting submitted nothing"
expect_eq "$(cat slow.txt)" done "the adopted job's output is there"

sed -i 's/sleep 4; echo done/sleep 300; echo v1/' a.mlops
"$MLOPSC" run a.mlops --executor slurm >out.txt 2>err.txt &
pid=$!
wait_running 1 || fail "the job did not start"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
orphan=$(squeue -h -u "$(id -un)" -o %i | head -n 1)
sed -i 's/sleep 300; echo v1/echo v2/' a.mlops
run run a.mlops --executor slurm
expect_exit 0 "a run with other work for the node succeeds"
expect_stderr_contains "cancelling SLURM job $orphan" "the killed run's job for other inputs is cancelled"
expect_eq "$(slurm_job_field "$orphan" JobState)" CANCELLED "the stale job was cancelled"
expect_eq "$(cat slow.txt)" v2 "the node's output is this run's"
expect_eq "$(slurm_queue_count)" 0 "nothing is left in the queue"
cd ..

# ---- bad options and a controller that does not answer -----------------------
cd fails
run run f.mlops --executor slurm --slurm-opt=--output=/tmp/x fails
expect_exit 2 "--slurm-opt may not set what mlopsc sets"
expect_stderr_contains "mlopsc sets this sbatch option itself" "and says so"
run run f.mlops --partition gpu fails
expect_exit 2 "--partition without --executor slurm is a usage error"
run run f.mlops --executor slurm --partition nosuch fails
expect_exit 3 "an unknown partition fails the node"
expect_stderr_contains "sbatch" "the node's failure quotes sbatch"
kill -TERM "$(cat "$SLURM_DIR/run/slurmctld.pid")"
sleep 1
start=$SECONDS
run run f.mlops --executor slurm --slurm-timeout 3 flaky
expect_exit 3 "with the controller down the node fails"
expect_stderr_matches "did not answer|Unable to contact|controller" "the failure names the controller"
if ((SECONDS - start <= 30)); then pass "the run gave up within a bounded time ($((SECONDS - start)) s)"; else fail "the run took $((SECONDS - start)) s with the controller down"; fi
cd ..

#!/usr/bin/env bash
# The private SLURM cluster the SLURM tests run on (tests/support/
# slurm-cluster, lib_slurm.bash): it starts; a two-job chain with
# --dependency=afterok and --kill-on-invalid-dep=yes runs in order, and a
# job after a failed one is cancelled (DependencyNeverSatisfied); sbatch
# run in an environment of its own with --export=ALL gives the job exactly
# that environment; --open-mode=append appends to one log; `scontrol show job` shows the requested CPUs, memory and time
# limit; a job over its --mem is killed (FAILED, signal 9, "Exceeded job
# memory limit"); scancel ends a running job (CANCELLED); and `stop` leaves
# no daemon, slurmstepd or job process of the cluster behind, twice over.
# shellcheck disable=SC2016 # the jobs' shells expand their --wrap commands
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.bash"
source "$here/lib_slurm.bash"

slurm_start

expect_eq "$(cat "$SLURM_DIR/env")" "export SLURM_CONF=$SLURM_DIR/slurm.conf" "the cluster's env file names only its slurm.conf"
expect_eq "$(timeout 10 sinfo -h -o '%P %a %T')" "debug* up idle" "one partition, debug, up and idle"

# submit ARG...: sbatch --parsable; the job id (a failure ends the script).
# With SUBMIT_ENV set (NAME=VALUE words), sbatch runs in an environment of
# exactly those variables and SLURM_CONF, and exports all of it: the job gets
# that environment and no other. (--export=NAME,... would pass the names
# too, but slurmd then runs the user's login shell for the rest of the
# environment, one `su - USER` per job: docs/slurm.md.)
SUBMIT_ENV=()
submit() {
  local id
  local -a pre=()
  ((${#SUBMIT_ENV[@]} == 0)) || pre=(env -i "SLURM_CONF=$SLURM_CONF" "${SUBMIT_ENV[@]}")
  if ! id=$("${pre[@]}" timeout 20 sbatch --parsable "$@" 2>"$E2E_WORK/.sbatch.err"); then
    fail "sbatch $*: $(cat "$E2E_WORK/.sbatch.err")"
    exit 0
  fi
  echo "${id%%;*}"
}

# A chain of two jobs writing one log; a secret in the environment only.
export E2E_NOT_EXPORTED=leaked
SUBMIT_ENV=("PATH=$PATH" "HOME=$HOME" E2E_TOKEN=token-4711)
a=$(submit --job-name=e2e.a --cpus-per-task=1 --mem=64M --time=2 --export=ALL \
  --output=chain.log --open-mode=append \
  --wrap 'echo "a: token=$E2E_TOKEN other=${E2E_NOT_EXPORTED-unset}"; echo a > a.txt')
b=$(submit --job-name=e2e.b --dependency="afterok:$a" --kill-on-invalid-dep=yes --export=ALL \
  --output=chain.log --open-mode=append \
  --wrap 'echo "b: read $(cat a.txt)"; echo b >> a.txt; mv a.txt b.txt')
SUBMIT_ENV=()
f=$(submit --job-name=e2e.f --output=f.log --wrap 'exit 3')
g=$(submit --job-name=e2e.g --dependency="afterok:$f" --kill-on-invalid-dep=yes --output=g.log --wrap 'echo ran > g.txt')

expect_eq "$(slurm_job_field "$a" NumCPUs) $(slurm_job_field "$a" MinMemoryNode) $(slurm_job_field "$a" TimeLimit)" \
  "1 64M 00:02:00" "--cpus-per-task, --mem and --time in scontrol show job"
expect_eq "$(slurm_job_field "$a" JobName)" "e2e.a" "the job name"

expect_eq "$(slurm_wait_job "$b" 60)" COMPLETED "the second job of the chain"
expect_eq "$(slurm_job_field "$a" JobState) $(slurm_job_field "$a" ExitCode)" "COMPLETED 0:0" "the first job of the chain"
expect_eq "$(cat chain.log 2>&1)" $'a: token=token-4711 other=unset\nb: read a' \
  "both jobs appended to one log, in order; only sbatch's environment reached the job"
expect_eq "$(cat b.txt 2>&1)" $'a\nb' "the second job read the first one's output"

expect_eq "$(slurm_wait_job "$g" 60)" CANCELLED "a job after a failed one"
expect_eq "$(slurm_job_field "$g" Reason)" DependencyNeverSatisfied "its reason"
expect_eq "$(slurm_job_field "$f" JobState) $(slurm_job_field "$f" ExitCode)" "FAILED 3:0" "the failed job and its exit code"
if [[ ! -e g.txt ]]; then pass "the cancelled job never ran"; else fail "the cancelled job ran"; fi

# Memory: sampled every second, a job over its --mem is killed.
m=$(submit --job-name=e2e.mem --mem=20M --output=mem.log \
  --wrap 'python3 -c "import time; b = bytearray(200 << 20); time.sleep(20)"')
expect_eq "$(slurm_wait_job "$m" 60)" FAILED "a job over its --mem"
expect_eq "$(slurm_job_field "$m" ExitCode)" 0:9 "killed by SIGKILL"
if grep -q 'Exceeded job memory limit' mem.log; then pass "its log says why"; else fail "mem.log lacks 'Exceeded job memory limit':"; show mem.log; fi

# scancel ends a running job.
s=$(submit --job-name=e2e.sleep --output=sleep.log --wrap 'sleep 300')
state=
for ((i = 0; i < 100; i++)); do
  state=$(slurm_job_field "$s" JobState)
  [[ $state == RUNNING ]] && break
  sleep 0.2
done
expect_eq "$state" RUNNING "a long job starts"
timeout 10 scancel "$s"
expect_eq "$(slurm_wait_job "$s" 30)" CANCELLED "scancel"
expect_eq "$(slurm_queue_count)" 0 "nothing left in the queue"

# Stop: nothing of this cluster is left, and a second stop is harmless.
if [[ -n $(slurm_pids) ]]; then pass "the cluster has processes before stop"; else fail "no process of the cluster found before stop"; fi
slurm_stop
left=$(slurm_pids | tr '\n' ' ')
expect_eq "$left" "" "no process of the cluster after stop (daemons, slurmstepd, jobs)"
expect_eq "$(pgrep -f -- "$SLURM_DIR/" | tr '\n' ' ')" "" "no munged, slurmctld or slurmd naming the cluster's folder"
if "$SLURM_CLUSTER" stop "$SLURM_DIR"; then pass "a second stop succeeds"; else fail "a second stop failed"; fi
if "$SLURM_CLUSTER" status "$SLURM_DIR"; then fail "status says a stopped cluster runs"; else pass "status: stopped"; fi

# A private single-node SLURM cluster for an e2e script
# (tests/support/slurm-cluster), stopped when the script exits, pass or
# fail (and by a watcher should the script be killed outright). Source after
# lib.bash.
#
#   slurm_start [ARG...]           skips the test when SLURM is not installed;
#                                  starts a cluster under $E2E_WORK (ARGs go
#                                  to `slurm-cluster start`: --cpus N,
#                                  --set Key=Value...), exports SLURM_CONF,
#                                  sets SLURM_DIR; a start failure ends the
#                                  script as a failure
#   slurm_stop                     stops it (also done at exit); afterwards
#                                  none of its processes is left
#   slurm_pids                     the cluster's processes still running
#                                  (daemons, slurmstepd, jobs), one per line
#   slurm_wait_job ID [TIMEOUT]    waits (default 60 s) until job ID has left
#                                  the queue; prints its JobState; 1 on timeout
#   slurm_job_field ID FIELD       one field of `scontrol show job -o ID`
#                                  (JobState, Reason, ExitCode, NumCPUs,
#                                  MinMemoryNode, TimeLimit, ...)
#   slurm_queue_count              this user's jobs still in the queue
SLURM_CLUSTER=$MLOPS_SOURCE_DIR/tests/support/slurm-cluster
SLURM_DIR=

slurm_start() {
  local why
  if ! why=$("$SLURM_CLUSTER" available 2>&1); then
    skip "SLURM is not installed here (${why#slurm-cluster: }); scripts/install-deps installs it"
  fi
  SLURM_DIR=$E2E_WORK/slurm
  # The munge socket path (SLURM_DIR/munge/munge.socket) must stay under
  # 108 bytes: a long TMPDIR gets a short folder of its own.
  if ((${#SLURM_DIR} > 80)); then SLURM_DIR=$(mktemp -u /tmp/mlslurm.XXXXXX); fi
  # munged wants every folder above its socket searchable by all.
  chmod a+x "$E2E_WORK"
  E2E_CLEANUPS+=(slurm_stop)
  if ! "$SLURM_CLUSTER" start "$SLURM_DIR" --owner $$ "$@" >"$E2E_WORK/.slurm-start.log" 2>&1; then
    fail "slurm_start: cannot start a SLURM cluster: $(tail -n 30 "$E2E_WORK/.slurm-start.log")"
    exit 0
  fi
  export SLURM_CONF=$SLURM_DIR/slurm.conf
}

slurm_stop() {
  [[ -n $SLURM_DIR ]] || return 0
  "$SLURM_CLUSTER" stop "$SLURM_DIR"
  [[ $SLURM_DIR == "$E2E_WORK"/* ]] || rm -rf "$SLURM_DIR"
}

slurm_pids() {
  grep -l -z -x -F -- "SLURM_TEST_CLUSTER=$SLURM_DIR" /proc/[0-9]*/environ 2>/dev/null |
    sed 's|^/proc/\([0-9]*\)/environ$|\1|' || true
}

slurm_wait_job() {
  local id=$1 limit=${2:-60} state
  local deadline=$((SECONDS + limit))
  while ((SECONDS < deadline)); do
    state=$(timeout 10 squeue -h -j "$id" -o %T 2>/dev/null || true)
    if [[ -z $state ]]; then
      slurm_job_field "$id" JobState
      return 0
    fi
    sleep 0.2
  done
  echo "${state:-UNKNOWN}"
  return 1
}

slurm_job_field() {
  timeout 10 scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

slurm_queue_count() {
  timeout 10 squeue -h -u "$(id -un)" -o %i 2>/dev/null | wc -l
}

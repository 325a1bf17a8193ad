#!/usr/bin/env bash
# A run killed with `kill -9` leaves no process behind: its step's shell
# dies with it (PR_SET_PDEATHSIG), and what the shell started (here two
# background sleeps, one a grandchild) is killed by the next `mlopsc status`
# or `mlopsc run`, which says so. Every process the test starts is killed
# on exit, whether it passed or not.
source "$(dirname "$0")/lib.bash"

# A copy of sleep whose name is unique to this test: pgrep finds exactly the
# step's processes (the shell's command line holds the name too).
marker="sleep-orphan-$(basename "$E2E_WORK" | tr -c 'A-Za-z0-9\n' '-')"
victims=()
cleanup_processes() {
  local pids
  for pid in "${victims[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  pids=$(pgrep -f -- "$marker" || true)
  [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
}
trap 'status=$?; cleanup_processes; (exit $status); e2e_finish' EXIT

mkdir -p proj/tools
cd proj
cp "$(command -v sleep)" "tools/$marker"
cat > p.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
step s {
  owner   = eng
  run     = "tools/$marker 300 & tools/$marker 300; wait"
  outputs { o = "build/s.txt" }
}
step quick {
  owner   = eng
  run     = "echo done > \${outputs.o}"
  outputs { o = "build/quick.txt" }
}
SPEC

alive() { pgrep -f -- "$marker" | tr '\n' ' ' | sed 's/ $//'; }
# The shell that leads the step's process group.
step_shell() { pgrep -f -- "^/bin/sh -c tools/$marker" || true; }

# kill_run_mid_step: starts `mlopsc run p.mlops s` in the background, waits
# until both sleeps run, and kills the run with SIGKILL.
kill_run_mid_step() {
  "$MLOPSC" run p.mlops s -j1 >bg.out 2>&1 &
  local victim=$!
  victims+=("$victim")
  for _ in $(seq 100); do
    [[ $(pgrep -c -f -- "^tools/$marker 300" || true) -ge 2 ]] && break
    sleep 0.1
  done
  if [[ $(pgrep -c -f -- "^tools/$marker 300" || true) -ge 2 ]]; then
    pass "the step's two sleeps run"
  else
    fail "the step did not start its two sleeps within 10 s (run output: $(head -c 300 bg.out))"
  fi
  kill -9 "$victim"
  wait "$victim" 2>/dev/null || true
}

# gone_within_a_second WHAT: no process of the step is left, polling for 1 s.
gone_within_a_second() {
  for _ in $(seq 10); do
    [[ -z $(alive) ]] && break
    sleep 0.1
  done
  if [[ -z $(alive) ]]; then pass "$1"; else fail "$1: still alive: $(alive)"; fi
}

# ---- `mlopsc status` after the kill
kill_run_mid_step
for _ in $(seq 10); do [[ -z $(step_shell) ]] && break; sleep 0.1; done
expect_eq "$(step_shell)" "" "the step's shell died with the killed run (PR_SET_PDEATHSIG)"
run status p.mlops
expect_exit 0 "status after a kill -9"
expect_stderr_matches "^mlopsc: killed the processes of step s left running by run 1 \(killed with SIGKILL\): pids [0-9]+, [0-9]+$" \
  "status says what it killed"
gone_within_a_second "no process of the step survives status"
run status p.mlops
expect_stderr_not_contains "killed the processes" "a second status has nothing left to kill"

# ---- `mlopsc run` after the kill
kill_run_mid_step
run run p.mlops quick
expect_exit 0 "the next run"
expect_stderr_matches "^mlopsc: killed the processes of step s left running by run 2 \(killed with SIGKILL\): pids [0-9]+, [0-9]+$" \
  "the next run says what it killed"
gone_within_a_second "no process of the step survives the next run"
expect_stdout_contains "step quick: ran" "and runs its own nodes"

# ---- a run that ends normally leaves no entry behind
expect_eq "$(cat .mlops/process-groups)" "# mlopsc process groups v1" "the registry is empty after a finished run"

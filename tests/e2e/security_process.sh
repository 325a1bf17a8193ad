#!/usr/bin/env bash
# Issue 14, items 9 and 10: what a run's processes can see and what its text
# outputs show.
#   item 9: secrets never reach the disk. A node that declares no secret
#   cannot read one from the runtime's environment (/proc/$PPID/environ);
#   every log masks every secret value (split across writes, base64 and
#   URL-encoded too), while the step runs as well as after it, and keeps its
#   0600 mode; SIGTERM mid-step stops every process of the run, leaves a
#   masked log and records the run as interrupted (exit 143).
#   item 10: an approval comment with escape sequences and a bidi override
#   shows escaped in `history` and in report.md, never raw.
# Every process the test starts is killed on exit, whether it passed or not.
source "$(dirname "$0")/lib.bash"

# A copy of sleep whose name is unique to this test: pgrep finds exactly the
# step's processes.
marker="sleep-secproc-$(basename "$E2E_WORK" | tr -c 'A-Za-z0-9\n' '-')"
victims=()
cleanup_processes() {
  local pid pids
  for pid in "${victims[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  pids=$(pgrep -f -- "$marker" || true)
  [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
}
trap 'status=$?; cleanup_processes; (exit $status); e2e_finish' EXIT

secret='tok/Secret+4242=xyz'    # in the environment: TOKEN
file_secret='file-secret-9876'   # in --secrets-file: FILETOK
mkdir -p proj/tools
cd proj
cp "$(command -v sleep)" "tools/$marker"
printf 'FILETOK=%s\n' "$file_secret" > secrets.env
cat > tools/user.sh <<'SH'
echo "token=$TOKEN"
echo "stderr token=$TOKEN" >&2
head=${TOKEN%??????}
tail=${TOKEN#"$head"}
# One value in two writes, the second after a pause: two chunks of output.
printf 'split=%s' "$head"; sleep 0.3; printf '%s\n' "$tail"
printf '%s' "$TOKEN" | base64
python3 -c 'import os, urllib.parse; print("url=" + urllib.parse.quote(os.environ["TOKEN"], safe=""))'
echo "file=$FILETOK"
echo ok > "$MLOPS_OUTPUT_O"
SH
cat > p.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
role ds : data_scientist { members = ["d@x.example"] }
role mrm : model_risk_manager { members = ["v@x.example"] }
step leak {
  owner   = eng
  run     = "cat /proc/\$PPID/environ > \${outputs.env} 2>/dev/null || echo unreadable > \${outputs.env}; cat secrets.env"
  outputs { env = "build/leak.txt" }
}
step user {
  owner   = eng
  run     = "sh tools/user.sh"
  outputs { o = "build/user.txt" }
  secrets = [TOKEN, FILETOK]
}
step slow {
  owner   = eng
  run     = "echo \"slow start \$TOKEN\"; tools/$marker 300 & tools/$marker 300; wait"
  outputs { o = "build/slow.txt" }
  secrets = [TOKEN]
}
model m {
  owner   = ds
  run     = "echo 1 > \${outputs.model}; echo '{\"auc\": 0.9}' > \${outputs.metrics}"
  outputs { model = "build/m.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate release for m {
  require   = [floor]
  approvals = [1 of mrm]
}
SPEC

# no_secret_in FILE WHAT: neither value, nor the base64 or URL form of the
# environment's, is in FILE.
no_secret_in() {
  local b64 url
  b64=$(printf '%s' "$secret" | base64 | tr -d '=')
  url=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$secret")
  if grep -a -q -F -e "$secret" -e "$file_secret" -e "$b64" -e "$url" "$1"; then
    fail "$2: $(grep -a -F -e "$secret" -e "$file_secret" -e "$b64" -e "$url" "$1" | head -3 | cut -b1-200)"
  else
    pass "$2"
  fi
}

# ---- item 9: the environment, every log
run --env "TOKEN=$secret" run p.mlops leak user --secrets-file secrets.env -j1
expect_exit 0 "the run of leak and user"
if [[ -f build/leak.txt ]] && ! grep -a -q -F "$secret" build/leak.txt; then
  pass "item 9: a node without secrets finds none in the runtime's environment (/proc/\$PPID/environ)"
else
  fail "item 9: a node without secrets read the secret from the runtime's environment (/proc/\$PPID/environ)"
fi
user_log=.mlops/logs/1/step-user.log
leak_log=.mlops/logs/1/step-leak.log
expect_eq "$(grep -a -c -F 'token=***' "$user_log")" "2" "item 9: the value is masked in the node's stdout and stderr"
expect_eq "$(grep -a -c -x -F 'split=***' "$user_log")" "1" "item 9: a value written in two chunks is masked"
no_secret_in "$user_log" "item 9: no value, base64 or URL-encoded form is in the log of the node that declares it"
no_secret_in "$leak_log" "item 9: the secrets file printed by a node that does not declare it is masked in its log"
if grep -r -a -q -F -e "$secret" -e "$file_secret" .mlops build; then
  fail "item 9: a secret value is on disk under .mlops or build: $(grep -r -a -l -F -e "$secret" -e "$file_secret" .mlops build | head -3)"
else
  pass "item 9: no secret value anywhere under .mlops or build"
fi
expect_eq "$(stat -c %a "$user_log")" "600" "item 9: the masked log keeps its 0600 mode"
run log user
expect_exit 0 "mlopsc log user"
expect_stdout_contains "token=***" "item 9: \`mlopsc log\` shows the masked log"
no_secret_in "$STDOUT" "item 9: \`mlopsc log\` shows no secret"

# ---- item 9: SIGTERM mid-step
TOKEN=$secret "$MLOPSC" run p.mlops slow --secrets-file secrets.env -j1 >bg.out 2>&1 &
runner=$!
victims+=("$runner")
for _ in $(seq 100); do
  [[ $(pgrep -c -f -- "^tools/$marker 300" || true) -ge 2 ]] && break
  sleep 0.1
done
if [[ $(pgrep -c -f -- "^tools/$marker 300" || true) -ge 2 ]]; then
  pass "the slow step's two sleeps run"
else
  fail "the slow step did not start its two sleeps within 10 s (run output: $(head -c 300 bg.out))"
fi
slow_log=$(ls .mlops/logs/*/step-slow.log 2>/dev/null | head -1)
for _ in $(seq 50); do
  [[ -n $slow_log ]] && grep -a -q "slow start" "$slow_log" && break
  sleep 0.1
  slow_log=$(ls .mlops/logs/*/step-slow.log 2>/dev/null | head -1)
done
expect_eq "$(grep -a -c -F 'slow start ***' "${slow_log:-/dev/null}")" "1" "item 9: while the step runs its log is already masked"
no_secret_in "${slow_log:-/dev/null}" "item 9: no secret in the log of a running step"
environ=$(tr '\0' '\n' < "/proc/$runner/environ" 2>/dev/null || true)
if grep -q -F "$secret" <<<"$environ"; then
  fail "item 9: the running mlopsc's /proc/PID/environ shows the secret"
else
  pass "item 9: the running mlopsc's /proc/PID/environ shows no secret"
fi
kill -TERM "$runner"
for _ in $(seq 150); do
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.1
done
runner_rc=0
if kill -0 "$runner" 2>/dev/null; then
  fail "item 9: mlopsc run did not end within 15 s of SIGTERM"
else
  wait "$runner" || runner_rc=$?
  expect_eq "$runner_rc" "143" "item 9: a run stopped by SIGTERM exits 143"
fi
for _ in $(seq 20); do
  [[ -z $(pgrep -f -- "$marker" || true) ]] && break
  sleep 0.1
done
expect_eq "$(pgrep -f -- "$marker" | tr '\n' ' ' || true)" "" "item 9: after SIGTERM no process of the step is left"
expect_eq "$(stat -c %a "${slow_log:-/dev/null}" 2>/dev/null)" "600" "item 9: after SIGTERM the log keeps its 0600 mode"
no_secret_in "${slow_log:-/dev/null}" "item 9: after SIGTERM the log is masked"
if grep -a -q -F "run interrupted by SIGTERM" bg.out; then
  pass "item 9: the run's summary says it was interrupted"
else
  fail "item 9: the run's summary does not say it was interrupted: $(tail -c 300 bg.out)"
fi
run history
expect_stdout_matches "^  2 +[-0-9T:Z]+ +interrupted " "item 9: history records the run as interrupted"
run history slow
expect_stdout_contains "stopped: the run was interrupted by SIGTERM" "item 9: the step's result says why it stopped"
expect_eq "$(cat .mlops/process-groups)" "# mlopsc process groups v1" "item 9: the registry of process groups is empty after SIGTERM"

# ---- item 10: control characters in an approval comment
run run p.mlops release
expect_exit 5 "the gate waits for an approval"
comment=$(printf 'fine\033[2J\033]0;pwned\007 \342\200\256evil')
run approve release --as v@x.example --comment "$comment"
expect_exit 0 "approve with a hostile comment"
run history
expect_stdout_contains 'fine\x1b[2J\x1b]0;pwned\x07 \u{202e}evil' "item 10: history shows the comment's controls escaped"
if grep -a -q -e $'\033' -e $'\007' -e $'\342\200\256' "$STDOUT"; then
  fail "item 10: history wrote a raw control character or bidi override"
else
  pass "item 10: history writes no raw control character or bidi override"
fi
run report p.mlops -o out
expect_exit 0 "the report"
if grep -a -q -e $'\033' -e $'\007' -e $'\342\200\256' out/report.md; then
  fail "item 10: report.md holds a raw control character or bidi override"
else
  pass "item 10: report.md holds no raw control character or bidi override"
fi
expect_eq "$(grep -a -c -F 'x1b' out/report.md)" "1" "item 10: report.md shows the escape visibly"

# Shared helpers for the end-to-end tests (tests/e2e/*.sh), sourced, never
# run: its name does not end in .sh so CTest does not register it.
#
# Environment (set by tests/CMakeLists.txt; defaults for running a script
# by hand from a checkout with a build/ tree):
#   MLOPSC            the mlopsc binary under test
#   MLOPS_SOURCE_DIR  the source tree
#   MLOPS_SHARED_DIR  shared validators: tools/validate-json, schemas/
#   MLOPS_E2E_TIMEOUT seconds one mlopsc run may take (default 20; 60 for
#                     a sanitizer build)
#   MLOPS_TEST_STATE  `pg`: the script's record is a throwaway PostgreSQL
#                     cluster (lib_pg.bash; MLOPS_STATE exported), not the
#                     projects' .mlops/state.db
#
# Each script runs in a fresh temporary directory (removed on exit), so test
# inputs are written and passed by relative names. `run` executes mlopsc
# with a timeout, a memory cap and an output cap, and records its exit code
# in $RC, its output in the files $STDOUT and $STDERR. Assertions print `ok - ...` or
# `FAIL - ...` with the command and its output, and keep going; the script
# exits 1 at the end if any assertion failed. A hang (timeout), a crash
# (exit code >= 128) or a sanitizer report is always a failure.
set -euo pipefail

MLOPS_SOURCE_DIR=${MLOPS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MLOPSC=${MLOPSC:-$MLOPS_SOURCE_DIR/build/mlopsc}
MLOPS_SHARED_DIR=${MLOPS_SHARED_DIR:-$MLOPS_SOURCE_DIR/../shared}
# Sanitizer builds: a distinctive exit code and an RSS cap (ulimit -v cannot
# be used with ASan's huge shadow mapping).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=223:hard_rss_limit_mb=3072"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=223"

# The tests are hermetic: what the machine running them sets (a CI
# service's CI=true, a developer's MLOPS_STATE or signing key, libpq's
# defaults) must not change what mlopsc does. A test that wants one of
# these passes it with `run --env`.
unset CI GITHUB_ACTIONS GITLAB_CI MLOPS_STATE MLOPS_RUN_ID MLOPS_SIGNING_KEY \
  PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE PGOPTIONS

E2E_FAILURES=0
E2E_PASSES=0
E2E_NAME=$(basename "$0" .sh)

if [[ ! -x $MLOPSC ]]; then
  echo "FAIL - $E2E_NAME: MLOPSC=$MLOPSC is not an executable (build first, or set MLOPSC)" >&2
  exit 1
fi
MLOPSC=$(cd "$(dirname "$MLOPSC")" && pwd)/$(basename "$MLOPSC")
# A sanitizer build (Debug, ASan+UBSan) runs several times slower: it gets a
# longer timeout, and its memory is capped by ASan's hard_rss_limit_mb above
# instead of an address-space limit (KiB; 0: none).
if grep -q __asan_init "$MLOPSC" 2>/dev/null; then
  MLOPS_E2E_TIMEOUT=${MLOPS_E2E_TIMEOUT:-60}
  E2E_MEMORY_LIMIT_KB=0
else
  MLOPS_E2E_TIMEOUT=${MLOPS_E2E_TIMEOUT:-20}
  E2E_MEMORY_LIMIT_KB=${MLOPS_E2E_MEMORY_LIMIT_KB:-3145728}
fi

# Cap on each output file of a run (KiB): runaway output fails fast instead of filling the disk.
E2E_OUTPUT_LIMIT_KB=${MLOPS_E2E_OUTPUT_LIMIT_KB:-262144}

E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlops-e2e-$E2E_NAME.XXXXXX")
STDOUT=$E2E_WORK/.stdout
STDERR=$E2E_WORK/.stderr
RC=0
LAST_CMD=

# Commands e2e_finish runs first, pass or fail (a helper such as lib_pg.bash
# adds its own to stop what it started).
E2E_CLEANUPS=()

e2e_finish() {
  local status=$?
  local cleanup
  for cleanup in "${E2E_CLEANUPS[@]}"; do $cleanup || true; done
  rm -rf "$E2E_WORK"
  if ((status != 0)); then
    echo "FAIL - $E2E_NAME: the script itself failed (exit $status) before all assertions ran" \
      "($E2E_FAILURES failed, $E2E_PASSES passed so far)" >&2
    exit 1
  fi
  if ((E2E_FAILURES > 0)); then
    echo "$E2E_NAME: $E2E_FAILURES assertion(s) FAILED, $E2E_PASSES passed" >&2
    exit 1
  fi
  echo "$E2E_NAME: all $E2E_PASSES assertions passed"
}
trap e2e_finish EXIT
if [[ ${MLOPS_TEST_STATE:-} == pg ]]; then
  source "$MLOPS_SOURCE_DIR/tests/e2e/lib_pg.bash"
  pg_start || { echo "FAIL - $E2E_NAME: cannot start a PostgreSQL cluster for MLOPS_TEST_STATE=pg" >&2; exit 1; }
  export MLOPS_STATE=$PG_STATE
fi
cd "$E2E_WORK"

# ---- reporting

pass() {
  E2E_PASSES=$((E2E_PASSES + 1))
  echo "ok - $*"
}

# show FILE: the start of a file (a command's output), under a failure message.
show() { head -n 40 "$1" | cut -b1-300 | sed 's/^/      | /' >&2; }

# Prints the last command, its exit code and the start of its output.
show_last_run() {
  [[ -n $LAST_CMD ]] || return 0
  {
    echo "    command: $LAST_CMD"
    echo "    exit code: $RC"
    local stream
    for stream in stdout stderr; do
      local file=$STDOUT
      [[ $stream == stderr ]] && file=$STDERR
      if [[ -s $file ]]; then
        echo "    $stream (first 20 lines, 300 bytes each):"
        head -n 20 "$file" | cut -b1-300 | sed 's/^/      | /'
      else
        echo "    $stream: (empty)"
      fi
    done
  } >&2
}

fail() {
  E2E_FAILURES=$((E2E_FAILURES + 1))
  echo "FAIL - $E2E_NAME: $*" >&2
  show_last_run
}

# skip WHY: the test cannot run on this machine for a reason outside the
# project (a network service it needs is unreachable; a missing package is a
# failure, never a skip). CTest reports it as skipped (exit 77,
# SKIP_RETURN_CODE in tests/CMakeLists.txt).
skip() {
  trap - EXIT
  rm -rf "$E2E_WORK"
  echo "SKIP - $E2E_NAME: $*"
  exit 77
}

# ---- running mlopsc

# run [--stdin FILE] [--env NAME=VALUE]... ARG...
# Runs "$MLOPSC" ARG... under `timeout`; sets RC, fills $STDOUT and $STDERR.
# Reports (as failures) a hang, a crash and any sanitizer report.
run() {
  local stdin=/dev/null shown_stdin=
  local -a envs=()
  while (($#)); do
    case $1 in
      --stdin) stdin=$2; shown_stdin=" <$2"; shift 2 ;;
      --env) envs+=("$2"); shift 2 ;;
      *) break ;;
    esac
  done
  # `approve … --as ADDRESS` runs as on that person's machine: with their
  # own key (key_of) as MLOPS_SIGNING_KEY, which a project with signers
  # signs with and one without ignores. An explicit --key or
  # MLOPS_SIGNING_KEY wins.
  if [[ ${1-} == approve && " $* " != *" --key "* && " ${envs[*]-} " != *" MLOPS_SIGNING_KEY="* ]]; then
    local -a args=("$@")
    local k
    for ((k = 1; k + 1 < ${#args[@]}; k++)); do
      if [[ ${args[k]} == --as && ${args[k + 1]} =~ ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$ ]]; then
        envs+=("MLOPS_SIGNING_KEY=$(key_of "${args[k + 1]}")")
        break
      fi
    done
  fi
  LAST_CMD="${envs[*]:+${envs[*]} }mlopsc $*$shown_stdin"
  set +e
  {
    (
      ulimit -f "$E2E_OUTPUT_LIMIT_KB"
      if ((E2E_MEMORY_LIMIT_KB > 0)); then ulimit -v "$E2E_MEMORY_LIMIT_KB"; fi
      exec env "${envs[@]}" timeout -k 5 "$MLOPS_E2E_TIMEOUT" "$MLOPSC" "$@"
    ) <"$stdin" >"$STDOUT" 2>"$STDERR"
  } 2>/dev/null  # bash's own "Aborted"/"Killed" job messages; crashes are reported below
  RC=$?
  set -e
  if ((RC == 126 || RC == 127)); then
    fail "\`$LAST_CMD\`: $MLOPSC could not be executed (exit $RC; rebuilt while the test ran?)"
  elif ((RC == 124)); then
    fail "hang: \`$LAST_CMD\` did not finish within ${MLOPS_E2E_TIMEOUT}s"
  elif ((RC == 128 + 25)); then
    fail "\`$LAST_CMD\` wrote more than $((E2E_OUTPUT_LIMIT_KB / 1024)) MiB of output (SIGXFSZ)"
  elif ((RC == 223)) && grep -a -q -i 'rss limit' "$STDERR"; then
    fail "\`$LAST_CMD\` used more than 3 GiB of memory (ASan hard_rss_limit_mb)"
  elif ((RC == 223)); then
    fail "sanitizer error in \`$LAST_CMD\`: $(grep -a -m1 -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$STDERR" | cut -b1-200)"
  elif ((RC == 128 + 6)) && grep -a -q -E 'out of memory|bad_alloc' "$STDERR"; then
    fail "\`$LAST_CMD\` ran out of memory (cap: $((E2E_MEMORY_LIMIT_KB / 1024)) MiB of address space)"
  elif ((RC >= 128)); then
    fail "crash: \`$LAST_CMD\` was killed by signal $((RC - 128)) ($(kill -l $((RC - 128)) 2>/dev/null || echo '?'))"
  elif grep -a -q -E 'ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|runtime error: |Stack dump:|PLEASE submit a bug report' "$STDERR"; then
    fail "\`$LAST_CMD\` printed a sanitizer report or crash dump"
  fi
  return 0
}

# ---- assertions on the last run

# expect_exit CODE WHAT
expect_exit() {
  if [[ $RC == "$1" ]]; then pass "$2: exit code $1"; else fail "$2: expected exit code $1, got $RC"; fi
}

# expect_exit_in "CODES" WHAT   (e.g. "0 1")
expect_exit_in() {
  local c
  for c in $1; do
    if [[ $RC == "$c" ]]; then pass "$2: exit code $RC (one of $1)"; return 0; fi
  done
  fail "$2: expected an exit code in {$1}, got $RC"
}

# _contains FILE STRING: fixed-string search, binary-safe.
_contains() { grep -a -q -F -- "$2" "$1"; }

expect_stdout_contains() {
  if _contains "$STDOUT" "$1"; then pass "${2:-stdout contains $1}"; else fail "${2:-stdout}: expected stdout to contain: $1"; fi
}
expect_stderr_contains() {
  if _contains "$STDERR" "$1"; then pass "${2:-stderr contains $1}"; else fail "${2:-stderr}: expected stderr to contain: $1"; fi
}
expect_stderr_not_contains() {
  if ! _contains "$STDERR" "$1"; then pass "${2:-stderr lacks $1}"; else fail "${2:-stderr}: expected stderr NOT to contain: $1"; fi
}
expect_stdout_not_contains() {
  if ! _contains "$STDOUT" "$1"; then pass "${2:-stdout lacks $1}"; else fail "${2:-stdout}: expected stdout NOT to contain: $1"; fi
}
# diagnostic_codes: the distinct codes in the last run's text diagnostics, sorted, space-separated.
diagnostic_codes() {
  grep -a -o -E '(error|warning)\[[EW][0-9]{4}\]' "$STDERR" | grep -o -E '[EW][0-9]{4}' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# expect_only_codes "CODES" WHAT: every text diagnostic of the last run has one of CODES.
# (`check` runs the semantic passes too, so a syntax-level input may also get
# e.g. E0306 "no project"; tests of `check` use this to allow exactly that.)
expect_only_codes() {
  local code
  for code in $(diagnostic_codes); do
    if [[ " $1 " != *" $code "* ]]; then
      fail "$2: unexpected diagnostic $code (allowed: ${1:-none})"
      return 0
    fi
  done
  pass "$2: no diagnostics other than {${1:-none}}"
}

# expect_stderr_matches ERE [WHAT]
expect_stderr_matches() {
  if grep -a -q -E -- "$1" "$STDERR"; then pass "${2:-stderr matches /$1/}"; else fail "${2:-stderr}: expected a stderr line matching /$1/"; fi
}
expect_stdout_matches() {
  if grep -a -q -E -- "$1" "$STDOUT"; then pass "${2:-stdout matches /$1/}"; else fail "${2:-stdout}: expected a stdout line matching /$1/"; fi
}
expect_stdout_empty() {
  if [[ ! -s $STDOUT ]]; then pass "${1:-stdout is empty}"; else fail "${1:-stdout}: expected no output on stdout"; fi
}
expect_stderr_empty() {
  if [[ ! -s $STDERR ]]; then pass "${1:-stderr is empty}"; else fail "${1:-stderr}: expected no output on stderr"; fi
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  if [[ "$1" == "$2" ]]; then pass "$3: $2"; else fail "$3: expected [$2], got [$1]"; fi
}

# ---- JSON output

# json_get FILE PATH: prints the value at a dotted PATH (list indices are
# numbers; `len(PATH)` prints a length), or `<missing>`; strings unquoted,
# everything else as JSON. An invalid document prints `<invalid JSON: ...>`.
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
except Exception as e:
    print(f"<invalid JSON: {e}>"); sys.exit(0)
path = sys.argv[2]
length = path.startswith("len(") and path.endswith(")")
if length:
    path = path[4:-1]
v = doc
for part in filter(None, path.split(".")):
    try:
        v = v[int(part)] if isinstance(v, list) else v[part]
    except (KeyError, IndexError, ValueError, TypeError):
        print("<missing>"); sys.exit(0)
if length:
    print(len(v))
elif isinstance(v, str):
    print(v)
else:
    print(json.dumps(v, sort_keys=True))
PY
}

# expect_json FILE PATH EXPECTED [WHAT]
expect_json() {
  local actual
  actual=$(json_get "$1" "$2")
  expect_eq "$actual" "$3" "${4:-$2}"
}

# expect_valid_json FILE WHAT
expect_valid_json() {
  local err
  if err=$(python3 -m json.tool "$1" 2>&1 >/dev/null); then
    pass "$2: valid JSON"
  else
    fail "$2: not valid JSON: $err"
  fi
}

# ---- inputs

# A small spec with no errors.
write_clean_spec() {
  cat >"$1" <<'EOF'
/// A tiny but complete project.
project demo {
  version   = "1.0.0"
  risk_tier = low
}
EOF
}

# key_of ADDRESS: the path of ADDRESS's private key in $E2E_WORK/keys, made
# (ed25519, no passphrase) the first time; listed in a signers file only
# when write_signers names the address.
# The people of examples/credit-risk (ADDRESS@bank.example) sign with its
# published demo keys, which its allowed_signers lists.
key_of() {
  local demo=$MLOPS_SOURCE_DIR/examples/credit-risk/demo-keys/${1%@bank.example}.key
  mkdir -p "$E2E_WORK/keys"
  if [[ ! -f $E2E_WORK/keys/$1 ]]; then
    if [[ $1 == *@bank.example && -f $demo ]]; then
      install -m 600 "$demo" "$E2E_WORK/keys/$1"
    else
      ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$E2E_WORK/keys/$1"
    fi
  fi
  printf '%s\n' "$E2E_WORK/keys/$1"
}

# write_signers FILE ADDRESS...: an allowed_signers FILE with a fresh
# ed25519 key per address (`signers = file("allowed_signers")`; the compiler
# wants a key for every approver, E0509, and signers in high risk projects,
# E0510). The private keys are left in $E2E_WORK/keys/ADDRESS.
write_signers() {
  local file=$1 who
  shift
  mkdir -p "$E2E_WORK/keys"
  : >"$file"
  for who in "$@"; do
    key_of "$who" >/dev/null
    printf '%s namespaces="mlops-approval",valid-after="20260101Z" %s\n' "$who" \
      "$(cut -d' ' -f1,2 "$E2E_WORK/keys/$who.pub")" >>"$file"
  done
}

# A spec with exactly one syntax error: the value after `version =` is
# missing, so `}` on line 3, column 1 is unexpected.
write_syntax_error_spec() {
  printf 'project demo {\n  version =\n}\n' >"$1"
}

# release_archive: this build's release archive in $E2E_WORK/dist, as a
# mirror would serve it; sets version, archive (its path) and sha (its
# sha256). A failure to build it is reported and ends the script.
# shellcheck disable=SC2034 # version, archive and sha are for the caller
release_archive() {
  if ! "$MLOPS_SOURCE_DIR/packaging/make-release-archive" "$(dirname "$MLOPSC")" dist >archive.log 2>&1; then
    fail "packaging/make-release-archive failed: $(tail -n 20 archive.log)"
    exit 0
  fi
  version=$("$MLOPSC" --version | sed -n '1s/^mlopsc //p')
  archive=$E2E_WORK/dist/mlopsc-$version-linux-x86_64.tar.gz
  sha=$(cut -d' ' -f1 "$archive.sha256")
}

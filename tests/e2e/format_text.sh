#!/usr/bin/env bash
# Text diagnostics (the default) on stderr:
#   file:line:col: error[CODE]: message
#   <the source line>
#   <caret line: ^ under the start, ~ under the rest of the span>
# then notes as `file:line:col: note: ...` and a summary. Colour: --color=always
# forces ANSI escapes, --color=never and NO_COLOR (with --color=auto) turn
# them off, --color=auto colours only a terminal. Exact lines are tested
# with `parse` (syntax only); `check` prints the same diagnostics among its
# semantic ones.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

ESC=$'\033'
write_clean_spec clean.mlops

# ---- the three lines of a diagnostic
printf 'project p {\n  x = @ + 1\n}\n' >invalid.mlops
run parse invalid.mlops
expect_exit 1 "text: invalid character"
expect_stdout_empty "text: nothing on stdout"
expect_eq "$(sed -n 1p "$STDERR")" 'invalid.mlops:2:7: error[E0103]: invalid character `@` (U+0040) in source' "text: header line"
expect_eq "$(sed -n 2p "$STDERR")" '  x = @ + 1' "text: the source line follows"
expect_eq "$(sed -n 3p "$STDERR" | sed 's/ *$//')" '      ^' "text: the caret is under column 7"
expect_stderr_contains "1 error emitted" "text: summary line"

write_syntax_error_spec broken.mlops
run parse broken.mlops
expect_exit 1 "text: syntax error"
expect_stderr_contains 'broken.mlops:3:1: error[E0101]:' "text: file:line:col: error[E0101]:"
expect_eq "$(sed -n 2p "$STDERR")" '}' "text: syntax error: source line"
expect_eq "$(sed -n 3p "$STDERR" | sed 's/ *$//')" '^' "text: syntax error: caret line"

run check broken.mlops
expect_exit 1 "text: check of a syntax error"
expect_stdout_empty "text: check prints nothing on stdout"
# The header, then the source line and the caret line, wherever the diagnostic sorts.
snippet=$(grep -a -A2 -F 'broken.mlops:3:1: error[E0101]:' "$STDERR" | tail -n 2 | sed 's/ *$//' | tr '\n' '|')
expect_eq "$snippet" '}|^|' "text: check shows the same header, source line and caret"

# ---- a span is underlined; a note has its own header and snippet
printf 'project p {\n  version = "1.0.0"\n}\n  /* open\n never closed' >comment.mlops
run parse comment.mlops
expect_exit 1 "text: unterminated comment"
expect_eq "$(sed -n 1p "$STDERR")" 'comment.mlops:4:3: error[E0102]: unterminated block comment: expected `*/` before the end of the file' "text: unterminated comment header"
expect_eq "$(sed -n 2p "$STDERR")" '  /* open' "text: unterminated comment source line"
expect_eq "$(sed -n 3p "$STDERR" | sed 's/ *$//')" '  ^~' "text: the two characters of /* are underlined"
expect_stderr_matches '^comment\.mlops:5:14: note: ' "text: the note has file:line:col: note:"

# ---- summary counts
printf '@\n@\n@\n' >three.mlops
run parse three.mlops
expect_stderr_contains "3 errors emitted" "text: plural summary"
run check clean.mlops
expect_stderr_empty "text: a clean file prints nothing"

# ---- colour
run check --color=always broken.mlops
expect_exit 1 "colour: --color=always"
expect_stderr_contains "${ESC}[" "colour: --color=always emits ANSI escapes"
expect_stderr_contains "error[E0101]" "colour: --color=always keeps the code readable"

run check --color=never broken.mlops
expect_stderr_not_contains "$ESC" "colour: --color=never emits no escapes"

run check --color=auto broken.mlops
expect_stderr_not_contains "$ESC" "colour: --color=auto to a file emits no escapes"

run --env NO_COLOR=1 check --color=auto broken.mlops
expect_stderr_not_contains "$ESC" "colour: NO_COLOR=1 with --color=auto emits no escapes"

run --env NO_COLOR=1 check broken.mlops
expect_stderr_not_contains "$ESC" "colour: NO_COLOR=1 with the default --color emits no escapes"

run --env NO_COLOR=1 check --color=always broken.mlops
expect_stderr_contains "${ESC}[" "colour: an explicit --color=always wins over NO_COLOR"

run check --color=always --diagnostics-format=json broken.mlops
if grep -q "$ESC" "$STDOUT" "$STDERR"; then
  fail "colour: --color=always must not put escapes into JSON output"
else
  pass "colour: JSON output never has escapes"
fi

# --color=auto on a terminal: run under a pseudo-terminal with script(1).
# run_in_pty [NAME=VALUE...] -- ARG...: output (stdout and stderr merged) in $STDOUT.
run_in_pty() {
  local -a envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  local cmd
  cmd=$(printf '%q ' env "${envs[@]}" "$MLOPSC" "$@")
  LAST_CMD="(in a pty) ${envs[*]} mlopsc $*"
  set +e
  timeout -k 5 "$MLOPS_E2E_TIMEOUT" script -qec "$cmd" /dev/null </dev/null >"$STDOUT" 2>"$STDERR"
  RC=$?
  set -e
}
if ! command -v script >/dev/null; then
  fail "colour: script(1) from util-linux is needed to test --color=auto on a terminal"
else
  run_in_pty -- check --color=auto broken.mlops
  expect_exit 1 "colour: on a terminal"
  expect_stdout_contains "${ESC}[" "colour: --color=auto on a terminal emits escapes"

  run_in_pty NO_COLOR=1 -- check --color=auto broken.mlops
  if grep -q "$ESC" "$STDOUT"; then fail "colour: NO_COLOR=1 on a terminal still emitted escapes"; else pass "colour: NO_COLOR=1 on a terminal emits no escapes"; fi

  run_in_pty NO_COLOR= -- check --color=auto broken.mlops
  expect_stdout_contains "${ESC}[" "colour: an empty NO_COLOR is ignored (no-color.org)"
fi

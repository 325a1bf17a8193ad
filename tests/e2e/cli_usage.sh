#!/usr/bin/env bash
# Command line contract: exit codes (0 clean, 1 spec errors, 2 usage or I/O),
# --help, SUBCOMMAND --help and --version.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

write_clean_spec clean.mlops
write_syntax_error_spec broken.mlops

# ---- exit 0 and 1
for cmd in check parse; do
  run "$cmd" clean.mlops
  expect_exit 0 "$cmd of a clean file"
  expect_stdout_empty "$cmd of a clean file prints nothing on stdout"
  expect_stderr_empty "$cmd of a clean file prints nothing on stderr"

  run "$cmd" broken.mlops
  expect_exit 1 "$cmd of a file with a syntax error"
  expect_stderr_contains "error[E0101]" "$cmd of a file with a syntax error reports E0101"
done

run check clean.mlops broken.mlops
expect_exit 1 "check of a clean and a broken file"
expect_stderr_contains "broken.mlops:3:1: error[E0101]" "the broken file of two is reported"

# ---- exit 2: usage problems
run
expect_exit 2 "no subcommand"
expect_stderr_contains "subcommand" "no subcommand: the message says a subcommand is needed"
expect_stderr_contains "--help" "no subcommand: the message points to --help"

run --no-such-option
expect_exit 2 "unknown top-level option"
expect_stderr_contains "--no-such-option" "unknown top-level option: named in the message"

run check --no-such-option clean.mlops
expect_exit 2 "unknown option of check"
expect_stderr_contains "--no-such-option" "unknown option of check: named in the message"

run frobnicate clean.mlops
expect_exit 2 "unknown subcommand"
expect_stderr_contains "frobnicate" "unknown subcommand: named in the message"

run check
expect_exit 2 "check without a file"

run parse
expect_exit 2 "parse without a file"

for value in xml JSON ""; do
  run check --diagnostics-format="$value" clean.mlops
  expect_exit 2 "--diagnostics-format='$value'"
  expect_stderr_contains "diagnostics format" "--diagnostics-format='$value': the message names the option"
  expect_stdout_empty "--diagnostics-format='$value': nothing on stdout"
done
run check --diagnostics-format=xml broken.mlops
expect_exit 2 "a bad --diagnostics-format wins over spec errors"

run check --color=sometimes clean.mlops
expect_exit 2 "--color=sometimes"
expect_stderr_contains "sometimes" "--color=sometimes: the bad value is named"

run check --max-nesting=0 clean.mlops
expect_exit 2 "--max-nesting=0"

run check --max-errors=lots clean.mlops
expect_exit 2 "--max-errors=lots"

# ---- help and version
run --help
expect_exit 0 "--help"
expect_stdout_contains "check" "--help mentions check"
expect_stdout_contains "parse" "--help mentions parse"
expect_stdout_contains "USAGE" "--help prints a usage line"

run check --help
expect_exit 0 "check --help"
expect_stdout_contains "mlopsc check" "check --help shows the check usage"
expect_stdout_contains "--diagnostics-format" "check --help lists --diagnostics-format"
expect_stdout_contains "--color" "check --help lists --color"
expect_stdout_contains "--max-errors" "check --help lists --max-errors"

run parse --help
expect_exit 0 "parse --help"
expect_stdout_contains "mlopsc parse" "parse --help shows the parse usage"
expect_stdout_contains "--dump-ast" "parse --help lists --dump-ast"

run --version
expect_exit 0 "--version"
expect_eq "$(head -n 1 "$STDOUT")" "mlopsc 0.1.0" "--version first line"

# ---- max-errors caps the report (parse: syntax errors only, so the count is exact)
printf '@\n@\n@\n@\n@\n' >five-errors.mlops
run parse --max-errors=2 five-errors.mlops
expect_exit 1 "--max-errors=2 on five errors"
count=$(grep -c 'error\[E0103\]' "$STDERR" || true)
expect_eq "$count" 2 "--max-errors=2 reports two diagnostics"
expect_stderr_contains "--max-errors" "--max-errors=2 says how to see the rest"
run parse --max-errors=0 five-errors.mlops
count=$(grep -c 'error\[E0103\]' "$STDERR" || true)
expect_eq "$count" 5 "--max-errors=0 reports all five diagnostics"
run check --max-errors=2 five-errors.mlops
expect_exit 1 "check --max-errors=2"
count=$(grep -c -E '(error|warning)\[' "$STDERR" || true)
expect_eq "$count" 2 "check --max-errors=2 reports two diagnostics"

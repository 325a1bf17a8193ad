#!/usr/bin/env bash
# File arguments: a missing file and a directory are I/O problems (exit 2,
# E0105 naming the path), `-` reads standard input, odd but valid paths are
# printed as given.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

write_clean_spec clean.mlops
write_syntax_error_spec broken.mlops

# ---- a missing file
run check does-not-exist.mlops
expect_exit 2 "a missing file"
expect_stderr_contains "does-not-exist.mlops" "a missing file: the path is named"
expect_stderr_contains "error[E0105]" "a missing file: E0105"
expect_stderr_contains "No such file or directory" "a missing file: the reason is given"

run check "$E2E_WORK/nowhere/x.mlops"
expect_exit 2 "a file in a missing directory"
expect_stderr_contains "$E2E_WORK/nowhere/x.mlops" "a file in a missing directory: the full path is named"

run parse does-not-exist.mlops
expect_exit 2 "parse of a missing file"

# ---- a directory
mkdir specs.mlops
run check specs.mlops
expect_exit 2 "a directory as input"
expect_stderr_contains "specs.mlops" "a directory: the path is named"
expect_stderr_contains "directory" "a directory: the message says it is a directory"

run check .
expect_exit 2 "the current directory as input"

# ---- I/O problems win over spec errors; the other files are still checked
run check broken.mlops does-not-exist.mlops
expect_exit 2 "a broken and a missing file"
expect_stderr_contains "broken.mlops:3:1: error[E0101]" "a broken and a missing file: the broken one is still reported"
expect_stderr_contains "does-not-exist.mlops" "a broken and a missing file: the missing one is named"

run check clean.mlops specs.mlops
expect_exit 2 "a clean file and a directory"

# ---- machine-readable output for an I/O problem
run check --diagnostics-format=json does-not-exist.mlops
expect_exit 2 "json: a missing file"
expect_valid_json "$STDOUT" "json: a missing file"
expect_json "$STDOUT" diagnostics.0.code E0105 "json: a missing file: code"
expect_json "$STDOUT" diagnostics.0.file does-not-exist.mlops "json: a missing file: file"
expect_json "$STDOUT" diagnostics.0.range null "json: a missing file has no range"

# ---- `-` is standard input
run --stdin clean.mlops check -
expect_exit 0 "a clean spec on stdin"
expect_stderr_empty "a clean spec on stdin: no diagnostics"

run --stdin broken.mlops check -
expect_exit 1 "a broken spec on stdin"
expect_stderr_contains "<stdin>:3:1: error[E0101]" "a broken spec on stdin is reported as <stdin>"

run --stdin broken.mlops check --diagnostics-format=json -
expect_json "$STDOUT" diagnostics.0.file "<stdin>" "json: stdin is named <stdin>"

run --stdin broken.mlops parse -
expect_exit 1 "parse of a broken spec on stdin"

: >empty.input
run --stdin empty.input parse -
expect_exit 0 "parse: empty stdin"
run --stdin empty.input check -
expect_exit_in "0 1" "check: empty stdin"
expect_only_codes "E0306" "check: empty stdin (nothing but a missing project)"

run --stdin broken.mlops check clean.mlops -
expect_exit 1 "a file and stdin together"
expect_stderr_contains "<stdin>:3:1" "a file and stdin together: stdin is checked"

# ---- unusual but valid paths are printed as given
mkdir -p "dir with spaces"
write_syntax_error_spec "dir with spaces/sp€c, v2.mlops"
run check "dir with spaces/sp€c, v2.mlops"
expect_exit 1 "a path with spaces, a comma and UTF-8"
expect_stderr_contains "dir with spaces/sp€c, v2.mlops:3:1: error[E0101]" "a path with spaces, a comma and UTF-8 is printed as given"

write_syntax_error_spec "./-dash.mlops"
run check -- -dash.mlops
expect_exit 1 "a file named like an option, after --"
expect_stderr_contains "-dash.mlops:3:1" "a file named like an option is checked"

run parse /dev/null
expect_exit 0 "parse: /dev/null (an empty character device)"
run check /dev/null
expect_exit_in "0 1" "check: /dev/null"
expect_only_codes "E0306" "check: /dev/null (nothing but a missing project)"

# ---- a file that cannot be read (not meaningful as root)
if ((EUID != 0)); then
  cp clean.mlops locked.mlops
  chmod 000 locked.mlops
  run check locked.mlops
  expect_exit 2 "an unreadable file"
  expect_stderr_contains "locked.mlops" "an unreadable file: the path is named"
  expect_stderr_contains "error[E0105]" "an unreadable file: E0105"
  chmod 600 locked.mlops
fi

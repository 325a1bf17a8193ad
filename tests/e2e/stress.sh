#!/usr/bin/env bash
# Pathological sizes and depths: 100,000 nested brackets hit the nesting
# limit (E0101) instead of the stack; long chains, long lists and many
# diagnostics finish quickly in check, parse and parse --dump-ast. Every run
# is bounded by the e2e timeout and a memory cap (see lib.bash): a crash, a
# hang or runaway memory is a failure.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

N=100000

# gen FILE PYTHON-EXPRESSION: writes the expression's value (a str) to FILE.
gen() { python3 -c "import sys; sys.stdout.write($2)" >"$1"; }

# ---- deep nesting: a depth-limit diagnostic, no stack overflow
expect_nesting_error() {
  local file=$1 what=$2 cmd
  for cmd in check parse; do
    run "$cmd" "$file"
    expect_exit 1 "$cmd: $what"
    expect_stderr_contains "error[E0101]" "$cmd: $what: E0101"
    expect_stderr_contains "nesting is too deep" "$cmd: $what: the depth-limit diagnostic"
  done
}
gen brackets.mlops "'project p { x = ' + '[' * $N + '\n'"
expect_nesting_error brackets.mlops "$N nested ["
gen brackets-closed.mlops "'project p { x = ' + '[' * $N + ']' * $N + ' }\n'"
expect_nesting_error brackets-closed.mlops "$N nested [ ], closed"
gen blocks.mlops "'project p { ' + 'a { ' * $N + '\n'"
expect_nesting_error blocks.mlops "$N nested blocks"
gen calls.mlops "'project p { x = ' + 'f(' * $N + '\n'"
expect_nesting_error calls.mlops "$N nested calls"
gen parens.mlops "'test t on m { expect ' + '(' * $N + '1 }\n'"
expect_nesting_error parens.mlops "$N nested parentheses in an expression"
gen value-blocks.mlops "'project p { x = ' + 'canary { a = ' * $N + '\n'"
expect_nesting_error value-blocks.mlops "$N nested value blocks"
gen mixed.mlops "'project p { x = ' + '[{(' * ($N // 3) + '\n'"
run check mixed.mlops
expect_exit 1 "mixed brackets"
run --stdin brackets.mlops check -
expect_exit 1 "$N nested [ on stdin"
run check --diagnostics-format=json brackets.mlops
expect_valid_json "$STDOUT" "$N nested [: JSON output"

# --max-nesting moves the limit (the project's braces count as one level).
gen five.mlops "'project p { x = [[[[1]]]] }\n'"
run parse --max-nesting=5 five.mlops
expect_exit 0 "--max-nesting=5 with 5 levels"
run parse --max-nesting=4 five.mlops
expect_exit 1 "--max-nesting=4 with 5 levels"
expect_stderr_contains "more than 4 levels" "--max-nesting=4: the limit is named"

# ---- deep expressions without brackets
gen not-chain.mlops "'test t on m { expect ' + 'not ' * $N + 'x }\n'"
gen minus-chain.mlops "'test t on m { expect ' + '- ' * $N + '1 > 0 }\n'"
gen compare-chain.mlops "'test t on m { expect ' + 'a < ' * $N + '1 }\n'"
gen plus-chain.mlops "'test t on m { expect ' + ' + '.join(['1'] * $N) + ' > 0 }\n'"
for f in not-chain minus-chain compare-chain plus-chain; do
  run check "$f.mlops"
  expect_exit_in "0 1" "check: $f ($N operators)"
done
# The AST dump of a tree this deep would be O(depth^2) bytes of indentation,
# so the only good outcome is a depth-limit diagnostic (exit 1) or a dump
# that does not indent without bound; either way quickly and without a crash.
for f in not-chain compare-chain; do
  run parse --dump-ast "$f.mlops"
  expect_exit_in "0 1" "parse --dump-ast: $f ($N operators)"
done

# A member path of 100,000 segments (a.b.b.b...).
gen long-path.mlops "'test t on m { expect a' + '.b' * $N + ' > 0 }\n'"
run check long-path.mlops
expect_exit_in "0 1" "check: a member path of $N segments"
gen long-path-prop.mlops "'project p { x = a' + '.b' * $N + ' }\n'"
run check long-path-prop.mlops
expect_exit_in "0 1" "check: a property value path of $N segments"

# ---- long flat constructs (`parse`: exactly 0 expected; `check` adds semantic errors)
gen long-list.mlops "'project p { x = [' + ', '.join(['1'] * $N) + '] }\n'"
run parse long-list.mlops
expect_exit 0 "parse: a list of $N items on one line"
run check long-list.mlops
expect_exit_in "0 1" "check: a list of $N items on one line"
run parse --dump-ast long-list.mlops
expect_exit 0 "parse --dump-ast: a list of $N items on one line"

gen long-list-lines.mlops "'project p { x = [\n' + ',\n'.join(['1'] * $N) + '] }\n'"
run parse --dump-ast long-list-lines.mlops
expect_exit 0 "parse --dump-ast: a list of $N items, one per line"

gen many-decls.mlops "''.join(f'step s{i} {{ run = \"x\" }}\n' for i in range($N))"
run parse many-decls.mlops
expect_exit 0 "parse: $N declarations"
run check many-decls.mlops
expect_exit_in "0 1" "check: $N declarations"

gen long-ident.mlops "'project ' + 'a' * 1_000_000 + ' { }\n'"
run parse long-ident.mlops
expect_exit 0 "parse: a 1,000,000-character name"
run check long-ident.mlops
expect_exit_in "0 1" "check: a 1,000,000-character name"

# ---- many diagnostics (`parse`, so the count is exact)
gen many-errors.mlops "'@\n' * $N"
run parse --max-errors=0 many-errors.mlops
expect_exit 1 "parse --max-errors=0: $N errors"
expect_stderr_contains "$N errors emitted" "parse --max-errors=0: all $N reported"
run parse many-errors.mlops
expect_stderr_contains "--max-errors" "parse: the default error limit says how to see more"
run parse --max-errors=0 --diagnostics-format=json many-errors.mlops
expect_json "$STDOUT" errors $N "json: $N errors counted"
run parse --max-errors=0 --diagnostics-format=sarif many-errors.mlops
expect_json "$STDOUT" "len(runs.0.results)" $N "sarif: $N results"
run parse --max-errors=0 --diagnostics-format=github many-errors.mlops
expect_eq "$(wc -l <"$STDOUT")" $N "github: $N lines"
run check --max-errors=0 many-errors.mlops
expect_exit 1 "check --max-errors=0: $N errors"

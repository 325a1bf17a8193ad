#!/usr/bin/env bash
# --diagnostics-format=github: one GitHub Actions workflow command per
# diagnostic on stdout,
#   ::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::MESSAGE
# with endColumn inclusive, properties escaped (% \r \n : ,) and the message
# escaped (% \r \n), so each diagnostic is exactly one line.
# Exact lines are tested with `parse` (syntax only); `check`, which adds
# semantic diagnostics, must produce equally well-formed lines.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

command_line_re='^::(error|warning|notice) (file=[^,:]+,)?(line=[0-9]+,col=[0-9]+,endLine=[0-9]+,endColumn=[0-9]+,)?title=[EW][0-9]{4}::[^[:cntrl:]]+$'

# expect_github_lines N WHAT: stdout is exactly N well-formed command lines.
expect_github_lines() {
  local lines bad
  lines=$(wc -l <"$STDOUT")
  expect_eq "$lines" "$1" "$2: number of lines"
  bad=$(grep -a -v -E "$command_line_re" "$STDOUT" || true)
  if [[ -z $bad ]]; then pass "$2: every line is a workflow command"; else fail "$2: malformed line(s): $bad"; fi
}

write_clean_spec clean.mlops
write_syntax_error_spec broken.mlops

run check --diagnostics-format=github clean.mlops
expect_exit 0 "github: clean file"
expect_stdout_empty "github: clean file prints no commands"
expect_stderr_empty "github: clean file: nothing on stderr"

# ---- the exact line for a one-character span (endColumn is inclusive)
run parse --diagnostics-format=github broken.mlops
expect_exit 1 "github: syntax error"
expect_github_lines 1 "github: syntax error"
expect_stderr_empty "github: syntax error: nothing on stderr"
line=$(head -n 1 "$STDOUT")
prefix='::error file=broken.mlops,line=3,col=1,endLine=3,endColumn=1,title=E0101::'
if [[ $line == "$prefix"* && ${#line} -gt ${#prefix} ]]; then
  pass "github: syntax error: exact properties ($prefix...)"
else
  fail "github: syntax error: expected a line starting with [$prefix] and a message, got [$line]"
fi
if [[ $line == *'expected a value after `=`, found `}`' ]]; then
  pass "github: syntax error: the message follows the title"
else
  fail "github: syntax error: unexpected message in [$line]"
fi

# `check` of the same file: well-formed lines, one of them the E0101 above.
run check --diagnostics-format=github broken.mlops
expect_exit 1 "github: check of a syntax error"
expect_github_lines "$(wc -l <"$STDOUT")" "github: check of a syntax error"
expect_stdout_contains "$prefix" "github: check reports the same E0101 line"

# ---- a multi-character span: `/*` at 4:1 covers columns 1..2 inclusive;
# its note (a second line of the message) is escaped as %0A
printf 'project p {\n  x = "abc\n}\n/* open\n' >notes.mlops
run parse --diagnostics-format=github notes.mlops
expect_exit 1 "github: notes"
expect_github_lines 2 "github: two diagnostics, one with a note"
expect_stdout_contains '::error file=notes.mlops,line=2,col=7,endLine=2,endColumn=10,title=E0102::unterminated string' \
  "github: 4-character span 2:7-2:10 (inclusive)"
expect_stdout_contains '::error file=notes.mlops,line=4,col=1,endLine=4,endColumn=2,title=E0102::unterminated block comment' \
  "github: 2-character span 4:1-4:2 (inclusive)"
expect_stdout_contains '%0Anote: the file ends here (notes.mlops:5:1)' "github: the note is on the same line, after %0A"

# ---- property escaping: `,` and `:` in the file name; `%` everywhere
write_syntax_error_spec 'a,b:c%d.mlops'
run parse --diagnostics-format=github 'a,b:c%d.mlops'
expect_exit 1 "github: file name with , : %"
expect_github_lines 1 "github: file name with , : %"
expect_stdout_contains '::error file=a%2Cb%3Ac%25d.mlops,line=3,col=1,' "github: file name escaped as a property"

# ---- a missing file: no position, only the file
run check --diagnostics-format=github does-not-exist.mlops
expect_exit 2 "github: missing file"
expect_github_lines 1 "github: missing file"
expect_stdout_contains '::error file=does-not-exist.mlops,title=E0105::cannot read `does-not-exist.mlops`' "github: missing file: file but no line"

# ---- CRLF and tabs do not leak into the command or shift columns
printf 'project p {\r\n\tx = = 1\r\n}\r\n' >crlf.mlops
run parse --diagnostics-format=github crlf.mlops
expect_exit 1 "github: CRLF"
expect_github_lines 1 "github: CRLF"
expect_stdout_contains '::error file=crlf.mlops,line=2,col=6,endLine=2,endColumn=6,title=E0101::' "github: CRLF: column counts the tab as one"
if grep -q $'\r' "$STDOUT"; then fail "github: CRLF: a carriage return leaked into the output"; else pass "github: CRLF: no carriage return in the output"; fi

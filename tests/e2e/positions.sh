#!/usr/bin/env bash
# Where diagnostics point: unterminated strings and comments point at their
# opening delimiter; lines and columns are right with CRLF line endings,
# tabs, multi-byte UTF-8 and a BOM. Columns are 1-based code points (a tab
# is one column, the CR of CRLF is not part of the line, a BOM is skipped);
# offsets are 0-based bytes. Expected values are computed by hand in the
# comments. Exact positions come from `parse --diagnostics-format=json`;
# `check` must report the same diagnostic at the same place.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

# expect_start FILE LINE COLUMN OFFSET CODE WHAT: the first diagnostic of
# `parse` has this code and starts here, and `check` reports it there too.
# Leaves the JSON of the parse run in $STDOUT.
expect_start() {
  local file=$1 line=$2 column=$3 offset=$4 code=$5 what=$6
  run check "$file"
  expect_exit 1 "check: $what"
  expect_stderr_contains "$file:$line:$column: error[$code]" "check: $what: $code at $line:$column"
  run parse --diagnostics-format=json "$file"
  expect_exit 1 "$what"
  expect_json "$STDOUT" diagnostics.0.code "$code" "$what: code"
  expect_json "$STDOUT" diagnostics.0.range.start \
    "{\"column\": $column, \"line\": $line, \"offset\": $offset}" "$what: starts at $line:$column (byte $offset)"
}

# ---- unterminated string at the end of the file (no newline after it)
# line 1 "project p {\n" is 12 bytes; line 2 `  x = "abc`: the quote is column 7, byte 18.
printf 'project p {\n  x = "abc' >string-eof.mlops
expect_start string-eof.mlops 2 7 18 E0102 "unterminated string at EOF"
run check string-eof.mlops
expect_stderr_contains 'string-eof.mlops:2:7: error[E0102]: unterminated string' "unterminated string at EOF: text points at the quote"

# ---- unterminated string at the end of a line
printf 'project p {\n  x = "abc\n  y = 1\n}\n' >string-eol.mlops
expect_start string-eol.mlops 2 7 18 E0102 "unterminated string at end of line"

# ---- unterminated raw string: points at the opening """
printf 'project p {\n  x = """abc\n\n' >raw-eof.mlops
expect_start raw-eof.mlops 2 7 18 E0102 "unterminated raw string at EOF"

# ---- unterminated block comment at EOF: points at /*
# lines 1-3 are 12 + 20 + 2 = 34 bytes; line 4 `  /* open`: `/*` is column 3, byte 36.
printf 'project p {\n  version = "1.0.0"\n}\n  /* open\n never closed' >comment-eof.mlops
expect_start comment-eof.mlops 4 3 36 E0102 "unterminated block comment at EOF"
expect_json "$STDOUT" diagnostics.0.range.end.column 5 "unterminated block comment: the span is the two characters of /*"
run check comment-eof.mlops
expect_stderr_contains 'comment-eof.mlops:4:3: error[E0102]: unterminated block comment' "unterminated block comment: text points at /*"

printf '/*' >comment-only.mlops
expect_start comment-only.mlops 1 1 0 E0102 "a file that is just /*"

printf 'project p { } /* a /* b' >comment-nested.mlops
expect_start comment-nested.mlops 1 15 14 E0102 "comments do not nest: the first /* is unterminated"

# ---- CRLF line endings and tabs
# line 1 "project p {\r\n" = 13 bytes; line 2 "\tversion = \"1.0.0\"\r\n" = 20 bytes;
# line 3 "\t\tx = = 1": the second `=` is column 7 (tab, tab, x, space, =, space, =), byte 33 + 6 = 39.
printf 'project p {\r\n\tversion = "1.0.0"\r\n\t\tx = = 1\r\n}\r\n' >crlf-tabs.mlops
expect_start crlf-tabs.mlops 3 7 39 E0101 "CRLF and tabs"
expect_json "$STDOUT" diagnostics.0.range.end '{"column": 8, "line": 3, "offset": 40}' "CRLF and tabs: one-character span"
run check crlf-tabs.mlops
expect_stderr_contains 'crlf-tabs.mlops:3:7: error[E0101]' "CRLF and tabs: text header"
if grep -q $'\r' "$STDERR"; then fail "CRLF: a carriage return leaked into the text output"; else pass "CRLF: the snippet has no carriage return"; fi

# An error at the start of a line after CRLF is column 1 (the CR belongs to the line break).
# lines: "project p {\r\n" 13, "  version =\r\n" 13 -> `}` at line 3, column 1, byte 26.
printf 'project p {\r\n  version =\r\n}\r\n' >crlf-start.mlops
expect_start crlf-start.mlops 3 1 26 E0101 "CRLF: error at the start of a line"

# An unterminated string at the end of a CRLF line does not include the CR.
# line 2 `  a = "abc\r\n`: the quote is column 7, byte 13 + 6 = 19; the span ends before the CR (column 11).
printf 'project p {\r\n  a = "abc\r\n}\r\n' >crlf-string.mlops
expect_start crlf-string.mlops 2 7 19 E0102 "CRLF: unterminated string"
expect_json "$STDOUT" diagnostics.0.range.end.column 11 "CRLF: the string's span stops before the CR"

# A tab-indented error in the text format: the caret line keeps the tab so it lines up.
printf 'project p {\n\tx = @\n}\n' >tab.mlops
run check tab.mlops
expect_stderr_contains 'tab.mlops:2:6: error[E0103]' "tab: column 6 (a tab is one column)"

# ---- multi-byte UTF-8: columns count code points, offsets count bytes
# line 2 `  a = "héllo" @`: é is 2 bytes; `@` is code point 15, byte 12 + 15 = 27.
printf 'project p {\n  a = "h\303\251llo" @\n}\n' >utf8.mlops
expect_start utf8.mlops 2 15 27 E0103 "two-byte character before the error"
# line 2 `  a = "😀€" @`: 😀 is 4 bytes, € 3 bytes; `@` is code point 12, byte 12 + 16 = 28.
printf 'project p {\n  a = "\360\237\230\200\342\202\254" @\n}\n' >emoji.mlops
expect_start emoji.mlops 2 12 28 E0103 "four- and three-byte characters before the error"
run parse --diagnostics-format=github emoji.mlops
expect_stdout_contains 'line=2,col=12,endLine=2,endColumn=12,' "github agrees with JSON on code-point columns"
run check emoji.mlops
expect_stderr_contains 'emoji.mlops:2:12: error[E0103]' "text agrees with JSON on code-point columns"

# ---- a UTF-8 byte order mark is skipped: it is not a column
printf '\357\273\277project p {\n  version = "1.0.0"\n  risk_tier = low\n}\n' >bom-clean.mlops
run check bom-clean.mlops
expect_exit 0 "a clean file with a BOM"
# `@` after the BOM is the 17th character of "project p { x = @": column 17, byte 3 + 16 = 19.
printf '\357\273\277project p { x = @ }\n' >bom-error.mlops
expect_start bom-error.mlops 1 17 19 E0103 "BOM: error on line 1 (the BOM is not a column)"
# Line 2 is unaffected by the BOM.
printf '\357\273\277project p {\n  x = @\n}\n' >bom-line2.mlops
expect_start bom-line2.mlops 2 7 21 E0103 "BOM: error on line 2"

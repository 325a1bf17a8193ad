#!/usr/bin/env bash
# Hostile or odd input files: nothing crashes, nothing hangs, and each is
# either accepted (empty, comments only) or rejected with the right code and
# exit status 1: NUL and binary bytes (E0103/E0105), invalid UTF-8 (E0105
# with the byte offset), files over the 64 MiB limit (E0105).
#
# `parse` (syntax only) must accept an empty or comment-only file outright;
# `check` also runs the semantic passes, for which such a file has no
# `project`, so the only diagnostic it may add there is E0306.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

# expect_code CODE WHAT: the text diagnostics of the last run include CODE.
expect_code() {
  expect_stderr_contains "error[$1]" "$2: reports $1"
}

# ---- accepted: nothing to report
# expect_accepted FILE WHAT
expect_accepted() {
  run parse "$1"
  expect_exit 0 "parse: $2"
  expect_stderr_empty "parse: $2: no diagnostics"
  run check "$1"
  expect_exit_in "0 1" "check: $2"
  expect_only_codes "E0306" "check: $2"
}
: >empty.mlops
expect_accepted empty.mlops "empty file"

printf '  \n\t\n\r\n\n' >blank.mlops
expect_accepted blank.mlops "whitespace only"

printf '// a line comment\n/* a block\n   comment */\n/// a doc comment with nothing after it\n// no newline at the end' >comments.mlops
expect_accepted comments.mlops "comments only"

printf '/**/' >tiny-comment.mlops
expect_accepted tiny-comment.mlops "an empty block comment"

# A complete spec followed by trailing comments is clean for check too.
write_clean_spec commented-spec.mlops
printf '// trailing\n/* block */\n' >>commented-spec.mlops
run check commented-spec.mlops
expect_exit 0 "check: a clean spec with trailing comments"

# ---- NUL and other binary bytes
printf 'project p {\0 }\n' >nul.mlops
for cmd in parse check; do
  run "$cmd" nul.mlops
  expect_exit 1 "$cmd: a NUL byte"
  expect_code E0103 "$cmd: a NUL byte"
  expect_stderr_contains "nul.mlops:1:12: error[E0103]" "$cmd: a NUL byte: at 1:12"
  expect_stderr_contains "U+0000" "$cmd: a NUL byte: the message names U+0000"
done

truncate -s 1M zeros.mlops
for cmd in parse check; do
  run "$cmd" zeros.mlops
  expect_exit 1 "$cmd: 1 MiB of NUL bytes"
  expect_code E0103 "$cmd: 1 MiB of NUL bytes"
done

printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00\x01\x00\x00\x00\x50\xc3\x01\x00' >binary.mlops
run check binary.mlops
expect_exit 1 "an ELF header"
if _contains "$STDERR" "error[E0103]" || _contains "$STDERR" "error[E0105]"; then
  pass "an ELF header: E0103 or E0105"
else
  fail "an ELF header: expected E0103 or E0105"
fi

head -c 65536 "$MLOPSC" >real-binary.mlops
run check real-binary.mlops
expect_exit 1 "the first 64 KiB of the mlopsc binary"
run parse --dump-ast real-binary.mlops
expect_exit 1 "parse --dump-ast of binary data"

# ---- invalid UTF-8: E0105 naming the bad byte and its byte offset
# "project p {\n" is 12 bytes and `  x = "ab` 9, so the bad byte is at offset 21.
check_bad_utf8() {
  local bytes=$1 first=$2 what=$3
  printf "project p {\n  x = \"ab$bytes\"\n}\n" >bad-utf8.mlops
  run check bad-utf8.mlops
  expect_exit 1 "$what"
  expect_code E0105 "$what"
  expect_stderr_contains "invalid byte 0x$first at byte offset 21" "$what: byte and offset"
  expect_stderr_contains "bad-utf8.mlops:2:10:" "$what: line and column of the bad byte"
}
check_bad_utf8 '\377' FF "byte 0xFF"
check_bad_utf8 '\200' 80 "a lone continuation byte"
check_bad_utf8 '\300\257' C0 "an overlong encoding of /"
check_bad_utf8 '\355\240\200' ED "an encoded UTF-16 surrogate"
check_bad_utf8 '\364\220\200\200' F4 "a code point above U+10FFFF"
check_bad_utf8 '\342\202' E2 "a truncated three-byte sequence"
check_bad_utf8 '\351t\351' E9 "Latin-1 text"

printf 'project p {\n  x = "\342\202' >truncated-eof.mlops
run check truncated-eof.mlops
expect_exit 1 "a sequence cut off by the end of the file"
expect_code E0105 "a sequence cut off by the end of the file"
expect_stderr_contains "at byte offset 19" "a sequence cut off by the end of the file: offset"

printf '\377\376p\000r\000o\000' >utf16.mlops
run check utf16.mlops
expect_exit 1 "UTF-16 with a BOM"
expect_stderr_contains "invalid byte 0xFF at byte offset 0" "UTF-16: the first byte is named"

run check --diagnostics-format=json bad-utf8.mlops
expect_valid_json "$STDOUT" "invalid UTF-8 in JSON format"
expect_json "$STDOUT" diagnostics.0.code E0105 "invalid UTF-8 in JSON format: code"

# ---- the 64 MiB size limit (sparse files keep this fast)
truncate -s 65M huge.mlops
start=$SECONDS
run check huge.mlops
expect_exit 1 "a 65 MiB file"
expect_code E0105 "a 65 MiB file"
expect_stderr_contains "68157440 bytes" "a 65 MiB file: the size is given"
expect_stderr_contains "size limit" "a 65 MiB file: the limit is named"
if ((SECONDS - start <= 5)); then pass "a 65 MiB file is rejected without reading it"; else fail "a 65 MiB file took $((SECONDS - start))s to reject"; fi

truncate -s $((64 * 1024 * 1024 + 1)) just-over.mlops
run check just-over.mlops
expect_exit 1 "64 MiB + 1 byte"
expect_code E0105 "64 MiB + 1 byte"

run parse huge.mlops
expect_exit 1 "parse of a 65 MiB file"

# On stdin the size is unknown in advance: reading stops after the limit.
run --stdin huge.mlops check -
expect_exit 1 "65 MiB on stdin"
expect_code E0105 "65 MiB on stdin"
expect_stderr_contains "<stdin>: error[E0105]" "65 MiB on stdin: named <stdin> like every other stdin diagnostic"

run --stdin <(head -c $((65 * 1024 * 1024)) /dev/zero) check -
expect_exit 1 "65 MiB through a pipe"
expect_code E0105 "65 MiB through a pipe"

# Exactly 64 MiB of spaces is within the limit and clean.
head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >at-limit.mlops
run parse at-limit.mlops
expect_exit 0 "parse: exactly 64 MiB (of spaces)"
run check at-limit.mlops
expect_only_codes "E0306" "check: exactly 64 MiB (of spaces)"
rm -f at-limit.mlops huge.mlops just-over.mlops

# ---- odd line structure
printf 'project p {\r  version = "1.0.0"\r  risk_tier = low\r}\r' >cr-only.mlops
for cmd in parse check; do
  run "$cmd" cr-only.mlops
  expect_exit_in "0 1" "$cmd: old Mac CR-only line endings"
done

python3 -c 'print("project p { version = \"" + "a" * 5_000_000 + "\" }")' >long-line.mlops
run parse long-line.mlops
expect_exit 0 "parse: a 5 MB line"
run check long-line.mlops
expect_exit_in "0 1" "check: a 5 MB line"

printf 'project p {\n  x = "\0"\n}\n' >nul-in-string.mlops
for cmd in parse check; do
  run "$cmd" nul-in-string.mlops
  expect_exit_in "0 1" "$cmd: a NUL byte inside a string"
done

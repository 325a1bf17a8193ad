#!/usr/bin/env bash
# --diagnostics-format=json: one JSON document on stdout (docs/diagnostics.md):
# {version, diagnostics[{code, severity, message, file, range, notes, fixits}],
#  errors, warnings, truncated}; positions are {line, column, offset}, 1-based
# line and column (code points), 0-based byte offset, end exclusive.
# Exact contents are tested with `parse` (syntax only); `check`, which adds
# semantic diagnostics, must produce the same well-formed document.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

write_clean_spec clean.mlops
write_syntax_error_spec broken.mlops

# Checks the shape of every diagnostic, note and fix-it in a JSON document;
# prints one line per problem, nothing when the document is well formed.
json_shape_problems() {
  python3 - "$1" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
except Exception as e:
    print(f"not JSON: {e}"); sys.exit(0)
def problem(msg): print(msg)
def position(p, where):
    if not isinstance(p, dict) or set(p) != {"line", "column", "offset"}:
        return problem(f"{where}: expected {{line, column, offset}}, got {p!r}")
    for k in ("line", "column"):
        if not isinstance(p[k], int) or p[k] < 1: problem(f"{where}.{k}: expected an integer >= 1, got {p[k]!r}")
    if not isinstance(p["offset"], int) or p["offset"] < 0: problem(f"{where}.offset: expected an integer >= 0")
def location(obj, where):
    if not isinstance(obj.get("file"), str): problem(f"{where}.file: expected a string")
    r = obj.get("range", "missing")
    if r is None: return
    if not isinstance(r, dict) or set(r) != {"start", "end"}:
        return problem(f"{where}.range: expected null or {{start, end}}, got {r!r}")
    position(r["start"], where + ".range.start"); position(r["end"], where + ".range.end")
    s, e = r["start"], r["end"]
    if isinstance(s, dict) and isinstance(e, dict) and e.get("offset", 0) < s.get("offset", 0):
        problem(f"{where}.range: end offset before start offset")
if not isinstance(doc, dict): problem("top level: expected an object"); sys.exit(0)
for key in ("version", "diagnostics", "errors", "warnings"):
    if key not in doc: problem(f"top level: missing {key}")
if not isinstance(doc.get("version"), int): problem("version: expected an integer")
diags = doc.get("diagnostics", [])
errors = warnings = 0
for i, d in enumerate(diags):
    w = f"diagnostics[{i}]"
    expected = {"code", "severity", "message", "file", "range", "notes", "fixits"}
    if set(d) != expected: problem(f"{w}: keys {sorted(d)}, expected {sorted(expected)}")
    code = d.get("code", "")
    if not (isinstance(code, str) and len(code) == 5 and code[0] in "EW" and code[1:].isdigit()):
        problem(f"{w}.code: expected E#### or W####, got {code!r}")
    if d.get("severity") not in ("error", "warning", "note"): problem(f"{w}.severity: {d.get('severity')!r}")
    errors += d.get("severity") == "error"; warnings += d.get("severity") == "warning"
    m = d.get("message")
    if not isinstance(m, str) or not m: problem(f"{w}.message: expected a non-empty string")
    elif m[0].isupper() or m.endswith("."): problem(f"{w}.message: starts uppercase or ends with a period: {m!r}")
    location(d, w)
    for j, n in enumerate(d.get("notes", [])):
        if not isinstance(n.get("message"), str): problem(f"{w}.notes[{j}].message: expected a string")
        location(n, f"{w}.notes[{j}]")
    for j, f in enumerate(d.get("fixits", [])):
        if not isinstance(f.get("replacement"), str): problem(f"{w}.fixits[{j}].replacement: expected a string")
        location(f, f"{w}.fixits[{j}]")
if doc.get("errors") != errors: problem(f"errors: {doc.get('errors')} but {errors} error diagnostics")
if doc.get("warnings") != warnings: problem(f"warnings: {doc.get('warnings')} but {warnings} warning diagnostics")
PY
}

expect_json_shape() {
  local problems
  problems=$(json_shape_problems "$STDOUT")
  if [[ -z $problems ]]; then pass "$1: well-formed diagnostics document"; else fail "$1: $problems"; fi
}

# ---- a clean file: an empty document, still on stdout
run check --diagnostics-format=json clean.mlops
expect_exit 0 "json: clean file"
expect_valid_json "$STDOUT" "json: clean file"
expect_json_shape "json: clean file"
expect_json "$STDOUT" version 1 "json: clean file: version"
expect_json "$STDOUT" diagnostics "[]" "json: clean file: no diagnostics"
expect_json "$STDOUT" errors 0 "json: clean file: errors"
expect_json "$STDOUT" warnings 0 "json: clean file: warnings"
expect_stderr_empty "json: clean file: nothing on stderr"

# ---- one syntax error: `}` at line 3, column 1, byte offset 27
# ("project demo {\n" is 15 bytes, "  version =\n" 12)
run parse --diagnostics-format=json broken.mlops
expect_exit 1 "json: syntax error"
expect_valid_json "$STDOUT" "json: syntax error"
expect_json_shape "json: syntax error"
expect_stderr_empty "json: syntax error: nothing on stderr (all diagnostics are in the JSON)"
expect_json "$STDOUT" "len(diagnostics)" 1 "json: syntax error: one diagnostic"
expect_json "$STDOUT" diagnostics.0.code E0101
expect_json "$STDOUT" diagnostics.0.severity error
expect_json "$STDOUT" diagnostics.0.file broken.mlops
expect_json "$STDOUT" diagnostics.0.range.start '{"column": 1, "line": 3, "offset": 27}'
expect_json "$STDOUT" diagnostics.0.range.end '{"column": 2, "line": 3, "offset": 28}'
expect_json "$STDOUT" diagnostics.0.notes "[]"
expect_json "$STDOUT" diagnostics.0.fixits "[]"
expect_json "$STDOUT" errors 1
expect_json "$STDOUT" warnings 0
expect_json "$STDOUT" truncated false "json: not truncated"
message=$(json_get "$STDOUT" diagnostics.0.message)
if [[ $message == *"}"* ]]; then pass "json: the message names the unexpected token"; else fail "json: message [$message] does not name \`}\`"; fi

# `check` of the same file: a well-formed document that includes the E0101.
run check --diagnostics-format=json broken.mlops
expect_exit 1 "json: check of a syntax error"
expect_valid_json "$STDOUT" "json: check of a syntax error"
expect_json_shape "json: check of a syntax error"
expect_stderr_empty "json: check of a syntax error: nothing on stderr"
codes=$(python3 -c 'import json,sys; print(" ".join(d["code"] for d in json.load(open(sys.argv[1]))["diagnostics"]))' "$STDOUT" 2>&1)
if [[ " $codes " == *" E0101 "* ]]; then pass "json: check reports the E0101"; else fail "json: check: codes [$codes] lack E0101"; fi

# --max-errors cuts the list and says so.
printf '@\n@\n@\n@\n@\n' >five.mlops
run parse --diagnostics-format=json --max-errors=2 five.mlops
expect_exit 1 "json: --max-errors=2"
expect_json_shape "json: --max-errors=2"
expect_json "$STDOUT" "len(diagnostics)" 2 "json: --max-errors=2 keeps two diagnostics"
expect_json "$STDOUT" truncated true "json: --max-errors=2 sets truncated"

# ---- notes and fix-its carry their own locations
# line 2: `  x = "abc` is unterminated (a fix-it inserts the closing quote);
# line 4: `/*` is never closed (a note points at the end of the file).
printf 'project p {\n  x = "abc\n}\n/* open\n' >notes.mlops
run parse --diagnostics-format=json notes.mlops
expect_exit 1 "json: notes and fix-its"
expect_json_shape "json: notes and fix-its"
expect_json "$STDOUT" diagnostics.0.code E0102 "json: unterminated string: code"
expect_json "$STDOUT" diagnostics.0.range.start '{"column": 7, "line": 2, "offset": 18}' "json: unterminated string: starts at the quote"
expect_json "$STDOUT" diagnostics.0.fixits.0.replacement '"' "json: unterminated string: the fix-it inserts a quote"
expect_json "$STDOUT" diagnostics.0.fixits.0.range.start.line 2 "json: the fix-it has a range"
expect_json "$STDOUT" diagnostics.1.code E0102 "json: unterminated comment: code"
expect_json "$STDOUT" diagnostics.1.range.start '{"column": 1, "line": 4, "offset": 25}' "json: unterminated comment: starts at /*"
expect_json "$STDOUT" "len(diagnostics.1.notes)" 1 "json: unterminated comment: one note"
expect_json "$STDOUT" diagnostics.1.notes.0.file notes.mlops "json: the note names its file"
expect_json "$STDOUT" diagnostics.1.notes.0.range.start.offset 33 "json: the note points at the end of the file"

# ---- diagnostics are sorted by position, across files in argument order
printf '@\nproject p {\n  x =\n}\n' >two.mlops
run parse --diagnostics-format=json two.mlops broken.mlops
expect_json_shape "json: two files"
expect_json "$STDOUT" "len(diagnostics)" 3 "json: two files: three diagnostics"
expect_json "$STDOUT" diagnostics.0.range.start.line 1 "json: first diagnostic of the first file"
expect_json "$STDOUT" diagnostics.1.range.start.line 4 "json: second diagnostic of the first file"
expect_json "$STDOUT" diagnostics.2.file broken.mlops "json: then the second file"
expect_json "$STDOUT" errors 3

# ---- strings are escaped: a file name with a quote, a backslash and UTF-8
write_syntax_error_spec 'we"ird\näme.mlops'
run parse --diagnostics-format=json 'we"ird\näme.mlops'
expect_exit 1 "json: odd file name"
expect_valid_json "$STDOUT" "json: odd file name"
expect_json "$STDOUT" diagnostics.0.file 'we"ird\näme.mlops' "json: odd file name round-trips"

# ---- a control character in the source is reported, and the JSON stays valid
printf 'project p {\n  x = \001\n}\n' >control.mlops
run parse --diagnostics-format=json control.mlops
expect_exit 1 "json: control character"
expect_valid_json "$STDOUT" "json: control character"
expect_json "$STDOUT" diagnostics.0.code E0103 "json: control character is E0103"

# ---- invalid UTF-8 is reported, never copied raw into the JSON
printf 'project p {\n  x = "\377"\n}\n' >latin.mlops
run check --diagnostics-format=json latin.mlops
expect_exit 1 "json: invalid UTF-8"
expect_valid_json "$STDOUT" "json: invalid UTF-8"
if python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$STDOUT" 2>/dev/null; then
  pass "json: invalid UTF-8: the output is valid UTF-8"
else
  fail "json: invalid UTF-8: the output itself is not valid UTF-8"
fi
expect_json "$STDOUT" diagnostics.0.code E0105

#!/usr/bin/env bash
# --diagnostics-format=gitlab-codequality: a GitLab Code Quality report on
# stdout (`artifacts: reports: codequality:`) that validates against the
# fields GitLab documents (tests/schemas/gitlab-codequality.json, through
# $MLOPS_SHARED_DIR/tools/validate-json), with paths relative to the
# repository root (the git work tree of the spec, whatever the current
# directory), severities mapped (error → critical, warning → minor),
# fingerprints distinct within a report and stable across runs and across
# edits that only move a finding, and valid JSON whatever the bytes of a
# message or a path. Also accepted by build, graph and run.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

validator=$MLOPS_SHARED_DIR/tools/validate-json
schema=$MLOPS_SOURCE_DIR/tests/schemas/gitlab-codequality.json
[[ -x $validator ]] || fail "the JSON validator $validator does not exist or is not executable: set MLOPS_SHARED_DIR"

# expect_valid_report WHAT [FILE]: $STDOUT (or FILE) against GitLab's documented fields.
expect_valid_report() {
  local file=${2:-$STDOUT} out
  [[ -x $validator ]] || { fail "$1: cannot validate without $validator"; return 0; }
  cp "$file" "$E2E_WORK/.report.json"
  if out=$(timeout 60 "$validator" "$schema" "$E2E_WORK/.report.json" 2>&1); then
    pass "$1: valid GitLab Code Quality report"
  else
    fail "$1: schema validation failed: $out"
  fi
  if [[ $(head -c1 "$file") == "[" ]]; then
    pass "$1: starts with [ (no byte order mark, which GitLab refuses)"
  else
    fail "$1: does not start with ["
  fi
}

# py FILE EXPR: prints a Python expression over the report `r` (a list).
py() {
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1], encoding="utf-8")); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- a clean spec: an empty array
write_clean_spec clean.mlops
run check --diagnostics-format=gitlab-codequality clean.mlops
expect_exit 0 "codequality: clean spec"
expect_eq "$(tr -d ' \n' <"$STDOUT")" "[]" "codequality: clean spec is an empty array"
expect_valid_report "codequality: clean spec"
expect_stderr_empty "codequality: clean spec: nothing on stderr"

# ---- errors and warnings in a git work tree, checked from elsewhere
mkdir -p repo/ml elsewhere
git -C repo init -q
spec_text() {  # $1: blank lines before the project
  local i
  for ((i = 0; i < $1; i++)); do echo; done
  cat <<'EOF'
project demo {
  version   = "1.0.0"
  risk_tier = low
}
use std.roles

role team : data_engineer { members = ["ana@shop.example"] }

data orders {
  owner  = team
  source = file("data/orders.csv")
}

data refunds {
  owner  = teem
  source = file("data/refunds.csv")
}

data returns {
  owner  = teem
  source = file("data/returns.csv")
}
EOF
}
spec_text 0 >repo/ml/spec.mlops
cd elsewhere
run check --diagnostics-format=gitlab-codequality "$E2E_WORK/repo/ml/spec.mlops"
cd ..
expect_exit 1 "codequality: spec with errors"
expect_valid_report "codequality: spec with errors"
expect_stderr_empty "codequality: spec with errors: nothing on stderr"
cp "$STDOUT" first.json
expect_eq "$(py first.json 'sorted({i["location"]["path"] for i in r})')" "['ml/spec.mlops']" \
  "codequality: path relative to the repository root, not to the current directory"
expect_eq "$(py first.json '[i["check_name"] for i in r if i["severity"] == "critical"]')" "['E0201', 'E0201']" \
  "codequality: the two errors (E0201) are critical"
expect_eq "$(py first.json 'sorted({i["severity"] for i in r if i["check_name"].startswith("W")})')" "['minor']" \
  "codequality: warnings are minor"
expect_eq "$(py first.json '[i["location"]["lines"]["begin"] for i in r if i["check_name"] == "E0201"]')" "[15, 20]" \
  "codequality: lines.begin is the line of each finding"
expect_eq "$(py first.json 'len({i["fingerprint"] for i in r}) == len(r)')" True \
  "codequality: fingerprints distinct, also for the same message twice in a file"
expect_eq "$(py first.json 'all(len(i["fingerprint"]) == 64 for i in r)')" True "codequality: fingerprints are SHA-256 (hex)"
expect_eq "$(py first.json '[i["description"] for i in r if i["check_name"] == "E0201"][0]')" \
  "$(python3 -c 'import json,sys; print([d["message"] for d in json.load(open(sys.argv[1]))["diagnostics"] if d["code"] == "E0201"][0])' \
    <(cd repo && "$MLOPSC" check --diagnostics-format=json ml/spec.mlops))" \
  "codequality: description is the diagnostic's message"

# The same run again, from the repository root with a relative path: the
# same report, byte for byte.
cd repo
run check --diagnostics-format=gitlab-codequality ml/spec.mlops
cd ..
if cmp -s "$STDOUT" first.json; then pass "codequality: same report from another directory and path"; else fail "codequality: the report changed between runs"; fi

# Three blank lines above: every finding moves down, none is new.
spec_text 3 >repo/ml/spec.mlops
run check --diagnostics-format=gitlab-codequality repo/ml/spec.mlops
cp "$STDOUT" moved.json
expect_eq "$(py moved.json '[i["fingerprint"] for i in r]')" "$(py first.json '[i["fingerprint"] for i in r]')" \
  "codequality: fingerprints stay when findings only move"
expect_eq "$(py moved.json '[i["location"]["lines"]["begin"] for i in r if i["check_name"] == "E0201"]')" "[18, 23]" \
  "codequality: the lines moved"

# ---- a second spec outside the repository: a relative path that climbs out
write_clean_spec elsewhere/other.mlops
printf 'data x {}\n' >>elsewhere/other.mlops
run check --diagnostics-format=gitlab-codequality repo/ml/spec.mlops elsewhere/other.mlops
expect_valid_report "codequality: two specs"
expect_eq "$(py "$STDOUT" 'sorted({i["location"]["path"] for i in r})')" "['../elsewhere/other.mlops', 'ml/spec.mlops']" \
  "codequality: a file outside the root gets a relative path with .."

# ---- hostile bytes: a file name that is not UTF-8, text with quotes and controls
name=$'bad\xff"name\t.mlops'
printf 'project p {\n  version = "1.0.0"\n  risk_tier = low\n  pr\xc3\xb8p\xe2\x80\xae = "x\\"y"\n}\n' >"$name"
run check --diagnostics-format=gitlab-codequality "$name"
expect_exit 1 "codequality: hostile file name"
expect_valid_report "codequality: hostile file name and message"
expect_eq "$(py "$STDOUT" 'r[0]["location"]["path"]')" $'bad\xef\xbf\xbd"name\t.mlops' \
  "codequality: a byte that is not UTF-8 in a path becomes U+FFFD"
run check --diagnostics-format=sarif "$name"
expect_valid_json "$STDOUT" "sarif: hostile file name still gives valid JSON"
printf 'project p {\n  version = "1.0.0"\n  x = "\xff"\n}\n' >notutf8.mlops
run check --diagnostics-format=gitlab-codequality notutf8.mlops
expect_valid_report "codequality: a spec that is not UTF-8"
expect_eq "$(py "$STDOUT" '[i["check_name"] for i in r]')" "['E0105']" "codequality: not UTF-8 is E0105"

# ---- a file that cannot be read: line 1
run check --diagnostics-format=gitlab-codequality does-not-exist.mlops
expect_exit 2 "codequality: missing file"
expect_valid_report "codequality: missing file"
expect_eq "$(py "$STDOUT" '(r[0]["check_name"], r[0]["location"]["path"], r[0]["location"]["lines"]["begin"])')" \
  "('E0105', 'does-not-exist.mlops', 1)" "codequality: missing file at line 1"

# ---- every command with diagnostic options takes the format
spec_text 0 >repo/ml/spec.mlops
sed -i 's/teem/team/' repo/ml/spec.mlops  # warnings only: builds
run build --diagnostics-format=gitlab-codequality repo/ml/spec.mlops -o repo/out
expect_exit 0 "codequality: build"
expect_valid_report "codequality: build"
expect_eq "$(py "$STDOUT" 'len(r) > 0 and all(i["severity"] == "minor" for i in r)')" True "codequality: build reports the warnings"
run graph --diagnostics-format=gitlab-codequality repo/ml/spec.mlops -o graph.dot
expect_exit 0 "codequality: graph"
expect_valid_report "codequality: graph"
spec_text 0 >repo/ml/broken.mlops
run run --diagnostics-format=gitlab-codequality repo/ml/broken.mlops
expect_exit 1 "codequality: run of a spec with errors"
expect_valid_report "codequality: run"
expect_eq "$(py "$STDOUT" '[i["check_name"] for i in r if i["severity"] == "critical"]')" "['E0201', 'E0201']" \
  "codequality: run reports the errors"
run parse --diagnostics-format=gitlab-codequality clean.mlops
expect_exit 0 "codequality: parse"
expect_valid_report "codequality: parse"

# ---- an unknown format names the new one
run check --diagnostics-format=gitlab clean.mlops
expect_exit 2 "unknown format"
expect_stderr_contains "expected text, json, sarif, github or gitlab-codequality" "unknown format: the message lists gitlab-codequality"
run check --help
expect_stdout_contains "gitlab-codequality" "check --help names gitlab-codequality"

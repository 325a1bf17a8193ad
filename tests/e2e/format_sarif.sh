#!/usr/bin/env bash
# --diagnostics-format=sarif: a SARIF 2.1.0 log on stdout that validates
# against the official schema ($MLOPS_SHARED_DIR/tools/validate-json sarif)
# and maps each diagnostic to a result with ruleId, level, message and a
# region (1-based lines and columns in code points, end column exclusive);
# files relative to the repository root (uriBaseId %SRCROOT%), rules with
# the explanations GitHub code scanning shows. (sarif_multitool.sh runs
# Microsoft's validator on it.)
# Exact contents are tested with `parse` (syntax only); `check`, which adds
# semantic diagnostics, must produce an equally valid log.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

validator=$MLOPS_SHARED_DIR/tools/validate-json
if [[ ! -x $validator ]]; then
  fail "the SARIF validator $validator does not exist or is not executable: set MLOPS_SHARED_DIR (CMake cache variable, or MLOPS_SHARED_DIR=... make test) to the directory holding tools/validate-json and schemas/"
fi

# expect_valid_sarif WHAT: validates $STDOUT against the SARIF 2.1.0 schema.
expect_valid_sarif() {
  [[ -x $validator ]] || { fail "$1: cannot validate SARIF without $validator"; return 0; }
  cp "$STDOUT" "$E2E_WORK/.sarif.json"
  local out
  if out=$(timeout 60 "$validator" sarif "$E2E_WORK/.sarif.json" 2>&1); then
    pass "$1: valid SARIF 2.1.0"
  else
    fail "$1: SARIF schema validation failed: $out"
  fi
}

# sarif_problems FILE: consistency checks the schema cannot express.
sarif_problems() {
  python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
run = doc["runs"][0]
rules = run["tool"]["driver"].get("rules", [])
for i, r in enumerate(run.get("results", [])):
    w = f"results[{i}]"
    for key in ("ruleId", "level", "message"):
        if key not in r: print(f"{w}: no {key}")
    idx = r.get("ruleIndex")
    if idx is not None and (idx >= len(rules) or rules[idx]["id"] != r.get("ruleId")):
        print(f"{w}: ruleIndex {idx} does not point at rule {r.get('ruleId')}")
    for loc in r.get("locations", []):
        reg = loc.get("physicalLocation", {}).get("region")
        if reg is None: continue
        if (reg["endLine"], reg["endColumn"]) < (reg["startLine"], reg["startColumn"]):
            print(f"{w}: region ends before it starts: {reg}")
PY
}

expect_sarif_consistent() {
  local problems
  problems=$(sarif_problems "$STDOUT" 2>&1)
  if [[ -z $problems ]]; then pass "$1: results consistent with the rules"; else fail "$1: $problems"; fi
}

write_clean_spec clean.mlops
write_syntax_error_spec broken.mlops

# ---- a clean file: a valid log with no results
run check --diagnostics-format=sarif clean.mlops
expect_exit 0 "sarif: clean file"
expect_valid_sarif "sarif: clean file"
expect_json "$STDOUT" version 2.1.0 "sarif: clean file: version"
expect_json "$STDOUT" runs.0.results "[]" "sarif: clean file: no results"
expect_json "$STDOUT" runs.0.tool.driver.name mlopsc "sarif: tool name"
expect_json "$STDOUT" runs.0.tool.driver.version 0.1.0 "sarif: tool version"
expect_json "$STDOUT" runs.0.columnKind unicodeCodePoints "sarif: columns count code points"
expect_json "$STDOUT" runs.0.tool.driver.informationUri https://github.com/mlopsc/mlopsc "sarif: informationUri"
expect_json "$STDOUT" runs.0.tool.driver.rules.0.name SyntaxError "sarif: rule name in Pascal case"
expect_json "$STDOUT" runs.0.tool.driver.rules.0.helpUri \
  "https://github.com/mlopsc/mlopsc/blob/v0.1.0/docs/diagnostics.md#e0101" "sarif: helpUri at the code's heading"
explanation=$("$MLOPSC" explain E0101 | sed -n '3p')
full=$(json_get "$STDOUT" runs.0.tool.driver.rules.0.fullDescription.text)
if [[ -n $explanation && $full == *"${explanation:0:60}"* ]]; then
  pass "sarif: fullDescription is the explanation of mlopsc explain"
else
  fail "sarif: fullDescription [$full] is not the explanation [$explanation]"
fi
if grep -q '"markdown": ".*```mlops' "$STDOUT"; then pass "sarif: help.markdown holds the example specs"; else fail "sarif: help.markdown has no example spec"; fi
expect_stderr_empty "sarif: clean file: nothing on stderr"

# ---- one syntax error at 3:1
run parse --diagnostics-format=sarif broken.mlops
expect_exit 1 "sarif: syntax error"
expect_valid_sarif "sarif: syntax error"
expect_sarif_consistent "sarif: syntax error"
expect_stderr_empty "sarif: syntax error: nothing on stderr"
expect_json "$STDOUT" "len(runs.0.results)" 1 "sarif: one result"
expect_json "$STDOUT" runs.0.results.0.ruleId E0101 "sarif: ruleId"
expect_json "$STDOUT" runs.0.results.0.level error "sarif: level"
region=runs.0.results.0.locations.0.physicalLocation.region
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri broken.mlops "sarif: relative uri"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId %SRCROOT% "sarif: uriBaseId"
# Outside any git work tree the root is the spec's folder.
expect_json "$STDOUT" runs.0.originalUriBaseIds.%SRCROOT%.uri "file://$(realpath "$E2E_WORK")/" "sarif: originalUriBaseIds"
expect_json "$STDOUT" $region.snippet.text "}" "sarif: region.snippet"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.contextRegion.snippet.text "}" "sarif: contextRegion.snippet (the line)"
expect_json "$STDOUT" $region.startLine 3 "sarif: region.startLine"
expect_json "$STDOUT" $region.startColumn 1 "sarif: region.startColumn"
expect_json "$STDOUT" $region.endLine 3 "sarif: region.endLine"
expect_json "$STDOUT" $region.endColumn 2 "sarif: region.endColumn (exclusive)"
rule_ids=$(python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]))' "$STDOUT")
if [[ " $rule_ids " == *" E0101 "* && " $rule_ids " == *" E0105 "* ]]; then
  pass "sarif: the rules list the catalogue"
else
  fail "sarif: rules [$rule_ids] lack E0101 or E0105"
fi

# `check` of the same file: a valid log that includes the E0101.
run check --diagnostics-format=sarif broken.mlops
expect_exit 1 "sarif: check of a syntax error"
expect_valid_sarif "sarif: check of a syntax error"
expect_sarif_consistent "sarif: check of a syntax error"
rule_ids=$(python3 -c 'import json,sys; print(" ".join(r["ruleId"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$STDOUT" 2>&1)
if [[ " $rule_ids " == *" E0101 "* ]]; then pass "sarif: check reports the E0101"; else fail "sarif: check: results [$rule_ids] lack E0101"; fi

# ---- notes become relatedLocations, fix-its become fixes
printf 'project p {\n  x = "abc\n}\n/* open\n' >notes.mlops
run parse --diagnostics-format=sarif notes.mlops
expect_exit 1 "sarif: notes and fix-its"
expect_valid_sarif "sarif: notes and fix-its"
expect_sarif_consistent "sarif: notes and fix-its"
expect_json "$STDOUT" runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.insertedContent.text '"' "sarif: fix-it inserts a quote"
expect_json "$STDOUT" runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.startLine 2 "sarif: fix-it region"
expect_json "$STDOUT" runs.0.results.1.relatedLocations.0.message.text "the file ends here" "sarif: note as relatedLocation"
expect_json "$STDOUT" runs.0.results.1.relatedLocations.0.physicalLocation.region.startLine 5 "sarif: note region"

# ---- a file that cannot be read: a result with a location but no region
run check --diagnostics-format=sarif does-not-exist.mlops
expect_exit 2 "sarif: missing file"
expect_valid_sarif "sarif: missing file"
expect_json "$STDOUT" runs.0.results.0.ruleId E0105 "sarif: missing file: ruleId"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri does-not-exist.mlops "sarif: missing file: uri"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.region "<missing>" "sarif: missing file: no region"

# ---- an absolute path outside git: relative to the spec's folder;
# special characters are %-encoded
mkdir -p "sub dir"
write_syntax_error_spec "sub dir/a#b.mlops"
run parse --diagnostics-format=sarif "$E2E_WORK/sub dir/a#b.mlops"
expect_valid_sarif "sarif: absolute path with a space and #"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri \
  "a%23b.mlops" "sarif: absolute path relative to the spec's folder, %-encoded"
expect_json "$STDOUT" runs.0.originalUriBaseIds.%SRCROOT%.uri \
  "file://$(realpath "$E2E_WORK")/sub%20dir/" "sarif: originalUriBaseIds %-encoded"

# ---- in a git work tree: relative to its root, whatever the current directory
mkdir -p repo/ml elsewhere
git -C repo init -q
write_syntax_error_spec repo/ml/spec.mlops
write_syntax_error_spec elsewhere/other.mlops
cd elsewhere
run parse --diagnostics-format=sarif "$E2E_WORK/repo/ml/spec.mlops" other.mlops
cd ..
expect_valid_sarif "sarif: git work tree"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri ml/spec.mlops \
  "sarif: path relative to the repository root"
expect_json "$STDOUT" runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId %SRCROOT% \
  "sarif: uriBaseId in a git work tree"
# A second spec outside that root: an absolute file URI, no uriBaseId.
expect_json "$STDOUT" runs.0.results.1.locations.0.physicalLocation.artifactLocation.uri \
  "file://$(realpath "$E2E_WORK")/elsewhere/other.mlops" "sarif: a file outside the root keeps an absolute URI"
expect_json "$STDOUT" runs.0.results.1.locations.0.physicalLocation.artifactLocation.uriBaseId "<missing>" \
  "sarif: no uriBaseId outside the root"

# ---- columns count code points; charOffset (if given) counts characters too
# Line 2 is `  a = "héllo" @`: `@` is code point 15 of the line, byte 16.
# Line 1 is 12 bytes, so `@` is at byte offset 27 and character offset 26.
printf 'project p {\n  a = "h\303\251llo" @\n}\n' >utf8.mlops
run parse --diagnostics-format=sarif utf8.mlops
expect_valid_sarif "sarif: non-ASCII line"
expect_json "$STDOUT" $region.startColumn 15 "sarif: non-ASCII line: startColumn counts code points"
char_offset=$(json_get "$STDOUT" $region.charOffset)
byte_offset=$(json_get "$STDOUT" $region.byteOffset)
if [[ $char_offset == "<missing>" || $char_offset == 26 ]]; then
  pass "sarif: non-ASCII line: charOffset counts characters (SARIF 3.30.2)"
else
  fail "sarif: non-ASCII line: region.charOffset is $char_offset, expected 26 (characters, not bytes; bytes belong in byteOffset)"
fi
if [[ $byte_offset == "<missing>" || $byte_offset == 27 ]]; then
  pass "sarif: non-ASCII line: byteOffset (if any) counts bytes"
else
  fail "sarif: non-ASCII line: region.byteOffset is $byte_offset, expected 27"
fi

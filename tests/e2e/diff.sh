#!/usr/bin/env bash
# `mlopsc diff BASE NEW` (docs/diff.md): the acceptance scenario of issue 20
# on examples/credit-risk (`2 of validators` → `validators` and 0.75 → 0.7
# name both loosenings at their file:line and who must review; a
# comment-only change is "no governance change"), the base read from a git
# commit as CI does (`git archive`), exit codes (0, --exit-code 1, NEW with
# errors 1 with its diagnostics as `check` prints them, usage and missing
# files 2), -o written atomically and deterministic, a base that does not
# compile or is an older pipeline.json, hostile strings that must not break
# out of the Markdown, and the size bound of a pull-request comment.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
cd "$E2E_WORK"

# Markdown structure: every table row has as many unescaped `|` as its
# header, and outside code spans no raw `<` other than the footer's <sub>.
check_markdown() {  # check_markdown FILE WHAT
  if python3 - "$1" >md.check 2>&1 <<'PY'; then pass "$2: the Markdown keeps its structure"; else fail "$2: $(head -c 800 md.check)"; fi
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def outside_code(line):
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            out.append(line[i:i + 2]); i += 2; continue
        if line[i] == "`":
            j = i
            while j < len(line) and line[j] == "`": j += 1
            fence = line[i:j]
            end = line.find(fence, j)
            while end != -1 and (line[end + len(fence):end + len(fence) + 1] == "`" or line[end - 1] == "`"):
                end = line.find(fence, end + 1)
            if end == -1:
                out.append(line[i:j]); i = j; continue
            out.append("C"); i = end + len(fence); continue
        out.append(line[i]); i += 1
    return "".join(out)
def pipes(s):
    return len(re.findall(r"(?<!\\)\|", s))
columns = None
for n, line in enumerate(text.split("\n"), 1):
    bare = outside_code(line)
    if line.startswith("|"):
        # In a table cell GitHub splits at `|` even inside code spans unless escaped.
        count = pipes(line)
        if columns is None: columns = count
        elif count != columns: sys.exit(f"line {n}: {count} cell separators, the header has {columns}: {line[:200]}")
    else:
        columns = None
    raw = re.sub(r"</?sub>", "", bare)
    if re.search(r"(?<!\\)<", raw): sys.exit(f"line {n}: a raw `<` outside code: {line[:200]}")
PY
}

# ---- the acceptance scenario: examples/credit-risk in a git repository
mkdir repo
cp -R "$src/examples/credit-risk/." repo/
rm -rf repo/.mlops repo/mlops repo/build
git -C repo init -q
git -C repo -c user.email=t@example -c user.name=t add -A
git -C repo -c user.email=t@example -c user.name=t commit -q -m base
sed -i -e 's/approvals   = \[2 of validators, risk_owner\]/approvals   = [validators, risk_owner]/' \
  -e 's/expect metrics.auc >= 0.75/expect metrics.auc >= 0.7/' repo/credit_risk.mlops
quorum_line=$(grep -n 'approvals   = \[validators, risk_owner\]' repo/credit_risk.mlops | cut -d: -f1)
threshold_line=$(grep -n 'expect metrics.auc >= 0.7$' repo/credit_risk.mlops | cut -d: -f1)
# The base as CI reads it: the target branch's tree, so imports resolve there.
mkdir base
git -C repo archive HEAD | tar -x -C base
run diff base/credit_risk.mlops repo/credit_risk.mlops
expect_exit 0 "acceptance: the diff is computed"
expect_stdout_contains "loosens 2 controls on high-risk model \`scorer\`: needs review by \`validators\` (model_risk_manager: carol@bank.example, grace@bank.example), \`risk_owner\` (sme: alice@bank.example)" \
  "acceptance: the verdict names both loosenings and who must review"
expect_stdout_contains "quorum of \\\`validators\\\` lowered from 2 to 1 (loosened)" "acceptance: the quorum loosening"
expect_stdout_contains "threshold lowered from 0.75 to 0.7 (loosened)" "acceptance: the threshold loosening"
expect_stdout_contains "\`repo/credit_risk.mlops:$quorum_line\`" "acceptance: the quorum's line ($quorum_line)"
expect_stdout_contains "\`repo/credit_risk.mlops:$threshold_line\`" "acceptance: the threshold's line ($threshold_line)"
cp "$STDOUT" acceptance.md
check_markdown acceptance.md "acceptance"
run diff base/credit_risk.mlops repo/credit_risk.mlops --format json
expect_exit 0 "acceptance: json"
expect_valid_json "$STDOUT" "acceptance json"
cp "$STDOUT" acceptance.json
expect_json acceptance.json counts.loosened 2 "acceptance: two loosened controls in the JSON"
expect_json acceptance.json reviewers '[{"members": ["carol@bank.example", "grace@bank.example"], "role": "validators", "standard_role": "model_risk_manager"}, {"members": ["alice@bank.example"], "role": "risk_owner", "standard_role": "sme"}]' \
  "acceptance: the reviewers in the JSON"
expect_json acceptance.json declarations.0.changes.0.location.line "$threshold_line" "acceptance: the first loosening's line in the JSON"
run diff base/credit_risk.mlops repo/credit_risk.mlops --exit-code
expect_exit 1 "acceptance: --exit-code with a governance change"

# A comment-only change (and a layout one): no governance change.
git -C repo checkout -q -- credit_risk.mlops
sed -i -e 's|// container image for CI/Argo jobs|// the image CI and Argo jobs run in|' \
  -e 's/^  severity = blocking$/  severity   =   blocking   \/\/ stops the release/' repo/credit_risk.mlops
printf '\n// a trailing comment\n' >>repo/credit_risk.mlops
if cmp -s base/credit_risk.mlops repo/credit_risk.mlops; then fail "the comment-only edit changed nothing"; fi
run diff base/credit_risk.mlops repo/credit_risk.mlops --exit-code
expect_exit 0 "comment-only: --exit-code without a governance change"
expect_stdout_contains "**no governance change**" "comment-only: the verdict"
run diff base/credit_risk.mlops repo/credit_risk.mlops --format json
expect_json "$STDOUT" governance_change false "comment-only: governance_change false in the JSON"
expect_json "$STDOUT" verdict "no governance change" "comment-only: the JSON verdict"

# ---- -o: atomically, deterministic, nothing on stdout
git -C repo checkout -q -- credit_risk.mlops
sed -i -e 's/expect metrics.auc >= 0.75/expect metrics.auc >= 0.7/' repo/credit_risk.mlops
run diff base/credit_risk.mlops repo/credit_risk.mlops -o out/comment.md
expect_exit 0 "-o"
expect_stdout_empty "-o: nothing on stdout"
[[ -s out/comment.md ]] && pass "-o writes the file (and its folder)" || fail "-o wrote nothing"
run diff base/credit_risk.mlops repo/credit_risk.mlops -o out/comment2.md
cmp -s out/comment.md out/comment2.md && pass "the same inputs give the same bytes" || fail "two runs differ"
run diff base/credit_risk.mlops repo/credit_risk.mlops --format json -o out/diff.json
expect_valid_json out/diff.json "-o with --format json"
ls out | grep -v -E '^(comment\.md|comment2\.md|diff\.json)$' >leftover || true
[[ ! -s leftover ]] && pass "-o leaves no temporary file" || fail "-o left $(cat leftover)"

# ---- NEW with errors: exit 1 with its diagnostics, as check prints them
cp repo/credit_risk.mlops broken.mlops
sed -i -e 's/approvals   = \[2 of validators, risk_owner\]/approvals   = [2 of validatorz, risk_owner]/' broken.mlops
cp repo/teams.mlops repo/allowed_signers .
run diff base/credit_risk.mlops broken.mlops
expect_exit 1 "a new version with errors"
expect_stderr_contains "error[E0201]" "its diagnostics on stderr"
expect_stderr_contains "broken.mlops:" "at the new version's line"
expect_stdout_empty "no diff for a new version with errors"
run diff base/credit_risk.mlops broken.mlops --diagnostics-format=json -o out/none.md
expect_exit 1 "a new version with errors, JSON diagnostics"
expect_valid_json "$STDOUT" "--diagnostics-format=json on stdout"
run diff base/credit_risk.mlops broken.mlops --diagnostics-format=json
expect_exit 2 "the diff and JSON diagnostics cannot both go to stdout"

# ---- a base that does not compile: said so, the head still checked
run diff broken.mlops repo/credit_risk.mlops
expect_exit 0 "a base with errors and a clean head"
expect_stdout_matches "the base version could not be compiled: [0-9]+ errors? \(first: broken.mlops:[0-9]+: E0201" "the diff says the base did not compile, and why"
expect_stderr_contains "the base version could not be compiled" "and so does stderr"
expect_stdout_contains "new spec for high-risk project" "the head is shown as new"
run diff broken.mlops broken.mlops
expect_exit 1 "a base and a head with errors: the head's errors decide"

# ---- the base as a pipeline.json, current and older
run build base/credit_risk.mlops -o built --emit ir
expect_exit 0 "build the base's pipeline.json"
run diff built/pipeline.json repo/credit_risk.mlops --format json
expect_exit 0 "a pipeline.json base"
expect_json "$STDOUT" base.kind pipeline.json "the base's kind"
expect_json "$STDOUT" counts.loosened 1 "the threshold loosening against a pipeline.json base"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["ir_version"]=3; json.dump(d, open(sys.argv[2],"w"))' \
  built/pipeline.json old.pipeline.json
run diff old.pipeline.json repo/credit_risk.mlops
expect_exit 0 "an older pipeline.json base"
expect_stdout_contains "unsupported ir_version 3" "the older version is named"
run diff base/credit_risk.mlops built/pipeline.json --format json
expect_exit 0 "a pipeline.json head"

# ---- /dev/null: a new spec, a deleted spec
run diff /dev/null repo/credit_risk.mlops --exit-code
expect_exit 1 "a new spec is a governance change"
expect_stdout_contains "new spec for high-risk project \`credit_risk\`" "the new spec's verdict"
run diff base/credit_risk.mlops /dev/null --format json
expect_exit 0 "a deleted spec"
expect_json "$STDOUT" declarations.0.direction loosened "deleting a spec loosens"
run diff /dev/null /dev/null
expect_exit 2 "both sides /dev/null"

# ---- usage errors
run diff base/credit_risk.mlops
expect_exit 2 "one input"
run diff a b c
expect_exit 2 "three inputs"
run diff base/credit_risk.mlops missing.mlops
expect_exit 2 "a missing new version"
expect_stderr_contains "missing.mlops" "the missing file is named"
run diff missing-base.mlops repo/credit_risk.mlops
expect_exit 2 "a missing base"
expect_stderr_contains "missing-base.mlops" "the missing base is named"
run diff base repo/credit_risk.mlops
expect_exit 2 "a folder as the base"
run diff base/credit_risk.mlops repo/credit_risk.mlops --format yaml
expect_exit 2 "an unknown --format"
run diff base/credit_risk.mlops repo/credit_risk.mlops -o /dev/full/x.md
expect_exit 2 "an unwritable -o"

# ---- hostile strings stay text
cp base/credit_risk.mlops hostile_base.mlops
cp base/credit_risk.mlops hostile.mlops
python3 - <<'PY'
p = "hostile.mlops"
s = open(p).read()
s = s.replace('run      = "./deploy.sh ${model.outputs.model}"',
              'run      = "./deploy.sh ${model.outputs.model} | x ` y `` <script>alert(1)</script> </td></tr></table> <details> **b** _i_ [l](javascript:x) \\n# heading"')
s = s.replace('target   = "k8s://prod/credit-scoring"', 'target   = "k8s://prod/a|b|c<img src=x onerror=alert(1)>"')
s = s.replace('/// Production rollout of the approved scorer as a canary',
              '/// | broken | table | <script>x</script>\n/// Production rollout of the approved scorer as a canary')
open(p, "w").write(s)
PY
run diff hostile_base.mlops hostile.mlops
expect_exit 0 "hostile strings"
cp "$STDOUT" hostile.md
check_markdown hostile.md "hostile strings"
expect_stdout_contains '\<img src=x onerror=alert(1)\>' "HTML in a change's text is escaped"
run diff hostile_base.mlops hostile.mlops --format json
expect_valid_json "$STDOUT" "hostile strings in JSON"

# ---- the size of a comment: at most 65,536 characters, with a note
python3 - <<'PY'
base = open("base/credit_risk.mlops").read()
tests = "".join(f"test t{i} on scorer {{\n  expect metrics.auc >= 0.5\n  severity = warning\n}}\n" for i in range(1500))
open("big_base.mlops", "w").write(base + tests)
open("big.mlops", "w").write(base + tests.replace(">= 0.5", ">= 0.25 and metrics.accuracy >= 0.125"))
PY
run diff big_base.mlops big.mlops
expect_exit 0 "a large diff"
size=$(python3 -c 'import sys; print(len(open(sys.argv[1], encoding="utf-8").read()))' "$STDOUT")
((size <= 65536)) && pass "the comment is cut to $size characters" || fail "the comment has $size characters"
expect_stdout_contains "changes not shown:**" "the cut is said"
cp "$STDOUT" big.md
check_markdown big.md "a cut comment"
run diff big_base.mlops big.mlops --format json
expect_json "$STDOUT" "len(declarations)" 1500 "the JSON has every change"


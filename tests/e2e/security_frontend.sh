#!/usr/bin/env bash
# Issue 14, the compiler front end against a hostile spec:
#   item 2  imports stay inside the project root and nothing outside it is
#           quoted (text, json, sarif, github, gitlab-codequality, the
#           language server); data tests read no file outside the project
#           and quote no cell;
#   item 5  an interpolation inside quotes (or after `\`, in backticks, a
#           here-document, ...) is E0304 and never runs a value as code;
#   item 6  look-alike member addresses are refused (E0303) or flagged
#           (E0508), and `approve --as` normalises like the compiler;
#   item 8  a 120,000-character name, 20,000 unknown references (check and
#           the language server) and an 8 MB list finish quickly and within
#           the memory cap; directory symlink loops do not trap `fmt`.
# Large inputs are generated here, under the test's temporary folder.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

src=$MLOPS_SOURCE_DIR
work=$PWD

# ---------------------------------------------------------------- item 2
mkdir -p home/.ssh proj/.git proj/data
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-KEY-MATERIAL-1234\n-----END OPENSSH PRIVATE KEY-----\n' \
  >home/.ssh/id_ed25519
printf 'role leaked { title = "SECRET-FROM-OUTSIDE" }\nsyntax error SECRET-LINE-2 {\n' >home/shared.mlops
printf '[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN-XYZ\n' >proj/.git/config
ln -s ../home/shared.mlops proj/linked.mlops
printf 'role inside : std.roles.data_engineer { members = ["a@x.example"] }\n' >proj/teams.mlops
cat >proj/imports.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
import "/etc/passwd"
import "../home/.ssh/id_ed25519"
import "$work/home/.ssh/id_ed25519"
import "linked.mlops"
import ".git/config"
import "teams.mlops"
SPEC
for format in text json sarif github gitlab-codequality; do
  run check --diagnostics-format=$format proj/imports.mlops
  expect_exit 1 "item 2: imports outside the project root are errors ($format)"
  out=$(cat "$STDOUT" "$STDERR")
  count=$(grep -o 'outside the project root' <<<"$out" | wc -l || true)
  if ((count >= 4)); then pass "item 2: each outside import is refused as outside the project root ($format)"
  else fail "item 2: expected 4 'outside the project root' refusals ($format), found $count"; fi
  expect_stdout_not_contains "SECRET" "item 2: no line of a file outside the project is quoted ($format, stdout)"
  expect_stderr_not_contains "SECRET" "item 2: no line of a file outside the project is quoted ($format, stderr)"
  expect_stderr_not_contains "root:x:0" "item 2: /etc/passwd is not quoted ($format)"
  expect_stdout_not_contains "root:x:0" "item 2: /etc/passwd is not quoted ($format, stdout)"
done
run check proj/imports.mlops
expect_stderr_contains "it names the hidden \`.git\`" "item 2: .git/config is refused as a hidden path"
expect_stderr_not_contains "undefined name" "item 2: the import inside the project still works"

# The language server reads imports the same way.
lsp=$(timeout 120 python3 "$src/tests/lsp/open_once.py" "$MLOPSC" proj/imports.mlops --timeout 60) || true
if [[ $lsp == *'outside the project root'* && $lsp != *SECRET* && $lsp != *root:x:0* ]]; then
  pass "item 2: the language server refuses the imports and quotes nothing of them"
else
  fail "item 2: language server diagnostics: $lsp"
fi

# A data test on a file outside the project: refused, nothing of it printed or stored.
printf 'SECRET-HEADER-A,SECRET-HEADER-B\nSECRET-CELL,1\n' >home/outside.csv
printf 'amount\n1\nSECRET-CELL-INSIDE\n' >proj/data/in.csv
ln -s ../../home/outside.csv proj/data/link.csv
cat >proj/d.mlops <<SPEC
project d { version = "1.0.0"  risk_tier = low }
use std.roles
use std.checks
role eng : data_engineer { members = ["a@x.example"] }
data outside { owner = eng  source = file("$work/home/outside.csv")  format = csv }
data linked  { owner = eng  source = file("data/link.csv")  format = csv }
data inside  { owner = eng  source = file("data/in.csv")  format = csv }
test outside_rows on outside { expect rows() > 0 }
test outside_column on outside uses nulls { column = "nope"  max = 1% }
test linked_rows on linked { expect rows() > 0 }
test inside_range on inside uses range { column = "amount"  min = 0  max = 10 }
SPEC
cd proj
run run d.mlops
expect_exit 4 "item 2: data tests on files outside the project fail"
expect_stderr_contains "the data \`$work/home/outside.csv\` lies outside the project folder" \
  "item 2: an absolute data source outside the project is refused"
expect_stderr_contains "the data \`data/link.csv\` lies outside the project folder" \
  "item 2: a symlink out of the project is refused"
expect_stderr_contains "row 2 is not a number" "item 2: a bad cell is named by its row"
all=$(cat "$STDOUT" "$STDERR" .mlops/logs/*/* 2>/dev/null || true)
if [[ $all == *SECRET* ]]; then fail "item 2: a data test printed or logged a cell or header: $(grep -o 'SECRET[A-Z-]*' <<<"$all" | sort -u | tr '\n' ' ')"
else pass "item 2: no header or cell of the data reaches the output or the logs"; fi
if [[ -f .mlops/state.db ]] && grep -a -q SECRET .mlops/state.db; then fail "item 2: the state database holds data rows"
else pass "item 2: the state database holds no data rows"; fi
cd "$work"

# ---------------------------------------------------------------- item 5
mkdir -p inj && cd inj
write_inj() {  # $1 = the run command as written in the spec, $2 = the value of x
  cat >inj.mlops <<SPEC
project inj { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
step s {
  owner   = eng
  params  { x = "$2" }
  outputs { out = "build/out.txt" }
  run     = "$1"
}
SPEC
}
write_inj 'echo \"${params.x}\" > ${outputs.out}' '$(touch PWNED)'
run check inj.mlops
expect_exit 1 "item 5: an interpolation inside double quotes is an error"
expect_stderr_contains "error[E0304]: invalid interpolation \`\${params.x}\`: it sits inside double quotes" \
  "item 5: E0304 says the interpolation sits inside double quotes"
run check --diagnostics-format=json inj.mlops
expect_stdout_contains '"replacement": "${params.x}"' "item 5: the fix-it removes the quotes"
run run inj.mlops
[[ ! -e PWNED ]] && pass "item 5: \"\${params.x}\" with x = \$(touch PWNED) runs nothing" ||
  fail "item 5: the command substitution in a parameter ran"
rm -f PWNED

write_inj "echo '\${params.x}' > \${outputs.out}" 'a;touch PWNED;b'
run check inj.mlops
expect_stderr_contains "it sits inside single quotes" "item 5: '\${params.x}' is an error"
run run inj.mlops
[[ ! -e PWNED ]] && pass "item 5: '\${params.x}' with x = a;touch PWNED;b runs nothing" ||
  fail "item 5: a command separator in a parameter ran"
rm -f PWNED

for form in 'echo \\${params.x}' 'echo `echo ${params.x}`' 'true # ${params.x}' "echo \$'\${params.x}'"; do
  write_inj "$form > \${outputs.out}" 'a;touch PWNED;b'
  run check inj.mlops
  expect_exit 1 "item 5: \`$form\` is refused"
  expect_stderr_contains "error[E0304]" "item 5: \`$form\` is E0304"
done

# Bare, the value is one word: written literally, never run.
write_inj 'echo ${params.x} > ${outputs.out}' '$(touch PWNED); a b'
run run inj.mlops
expect_exit 0 "item 5: a bare interpolation runs"
expect_eq "$(cat build/out.txt 2>/dev/null)" '$(touch PWNED); a b' "item 5: the value arrives as one literal word"
[[ ! -e PWNED ]] && pass "item 5: a bare interpolation never runs its value" || fail "item 5: a bare value ran"

# The runtime checks again: a hand-edited pipeline.json is refused before it runs.
run build inj.mlops -o out --emit=ir
expect_exit 0 "item 5: the IR is built"
python3 - <<'PY'
import json
p = json.load(open("out/pipeline.json"))
for n in p["nodes"]:
    if n.get("kind") == "step":
        n["run"] = 'echo "${params.x}" > ${outputs.out}'
json.dump(p, open("out/pipeline.json", "w"))
PY
rm -rf build
run run out/pipeline.json
expect_stderr_contains "sits inside double quotes, where its quoting does not hold" \
  "item 5: the runtime refuses a quoted interpolation in a hand-edited IR"
[[ ! -e PWNED ]] && pass "item 5: the hand-edited IR ran nothing" || fail "item 5: the hand-edited IR ran the value"
cd "$work"

# ---------------------------------------------------------------- item 6
mkdir -p people && cd people
cat >bad.mlops <<'SPEC'
project people { version = "1.0.0"  risk_tier = low }
use std.roles
role ds : data_scientist { members = [" carol@bank.example", "cаrol@bank.example", "carol@bank.example\t",
                                      "car\u{200B}ol@bank.example", "carol@bank.example.", "not-an-email"] }
SPEC
run check -Wno-W0601 bad.mlops
expect_exit 1 "item 6: look-alike member addresses are errors"
for why in "it has a leading space" "it holds U+0430, a non-ASCII character" "U+0009 (a tab)" \
  "it holds U+200B" "the domain ends with a dot" "it is not an e-mail address"; do
  expect_stderr_contains "$why" "item 6: refused: $why"
done
expect_stderr_contains "bad.mlops:3:40: error[E0303]" "item 6: the leading space is pointed at exactly"

cat >g.mlops <<'SPEC'
project people { version = "1.0.0"  risk_tier = low }
use std.roles
role ds  : data_scientist     { members = ["bo@bank.example"] }
role mrm : model_risk_manager { members = ["b0@bank.example", "Carol@Bank.example", "val@x.example"] }
role ops : devops             { members = ["op@x.example"] }
model m {
  owner   = ds
  run     = "echo 1 > ${outputs.model} && echo '{\"auc\": 0.9}' > ${outputs.metrics}"
  outputs { model = "build/model.txt"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate release for m { require = [floor]  approvals = [mrm] }
deploy prod { owner = ops  model = m  after = release  run = "true" }
SPEC
run check g.mlops
expect_exit 1 "item 6: an approver that looks like the owner is an error"
expect_stderr_contains "error[E0508]: \`b0@bank.example\` in role \`mrm\` looks like \`bo@bank.example\` in role \`ds\`" \
  "item 6: E0508 names both look-alike addresses and their roles"
sed -i 's/"b0@bank.example", //' g.mlops
run check g.mlops
expect_exit 0 "item 6: without the look-alike the spec checks"
run run g.mlops
run approve release --as " Carol@Bank.example "
expect_exit 0 "item 6: approve --as trims and lowercases the address"
expect_stdout_contains "carol@bank.example" "item 6: the approval is recorded as carol@bank.example"
run approve release --as "carol@bank.example"
expect_stdout_contains "already approved" "item 6: the normalised and the plain spelling are one person"
run approve release --as "cаrol@bank.example"
expect_exit 2 "item 6: approve --as refuses a look-alike address"
expect_stderr_contains "it holds U+0430" "item 6: saying which character"
cd "$work"

# ---------------------------------------------------------------- item 8
mkdir -p hostile && cd hostile
python3 - <<'PY'
head = 'project p { version = "1.0.0"  risk_tier = low }\nuse std.roles\nrole eng : data_engineer { members = ["a@x.example"] }\n'
name = "a" * 120000
with open("long_name.mlops", "w") as f:
    f.write(head + "step %s { owner = eng  run = \"true\" }\n" % name)
    f.write("step t { owner = eng  inputs = [%sb]  run = \"true\" }\n" % name)
n = 20000
with open("refs.mlops", "w") as f:
    f.write(head)
    for i in range(n):
        f.write('step s%05d { owner = eng  inputs = [t%05d]  run = "true" }\n' % (i, (i * 7919) % n))
with open("list.mlops", "w") as f:
    f.write(head + 'step s { owner = eng  run = "true"  tags = [' + ",".join(["1"] * 4000000) + "] }\n")
PY
run check long_name.mlops
expect_exit 1 "item 8: a 120,000-character unknown name is reported, quickly"
expect_stderr_contains "error[E0201]" "item 8: the long name is an undefined name"
run check --max-errors=0 refs.mlops
expect_exit 1 "item 8: 20,000 unknown references among 20,000 declarations are reported, quickly"
count=$(grep -c 'error\[E0201\]' "$STDERR" || true)
expect_eq "$count" 20000 "item 8: every unknown reference is reported"
run check refs.mlops
expect_stderr_contains "stopped after 50 errors" "item 8: --max-errors still stops the report"
run check list.mlops
expect_exit 1 "item 8: an 8 MB list literal is refused within the memory cap"
expect_stderr_contains "error[E0105]: list literal has more than 100000 elements" "item 8: the list limit is E0105"
lsp=$(timeout 120 python3 "$src/tests/lsp/open_once.py" "$MLOPSC" refs.mlops --timeout 60) && status=0 || status=$?
undefined=$(grep -o '"undefined name `t[0-9]*`' <<<"$lsp" | wc -l || true)
if ((status == 0 && undefined == 20000)); then
  pass "item 8: the language server answers on 20,000 unknown references, each reported"
else
  fail "item 8: the language server on 20,000 unknown references: exit $status, $undefined undefined names: ${lsp:0:300}"
fi

# Directory symlink loops and links out of the tree: fmt neither hangs nor writes outside.
mkdir -p tree/sub outside
printf 'project   p { version = "1.0.0"  risk_tier = low }\n' >tree/sub/a.mlops
printf 'project   q { version = "1.0.0"  risk_tier = low }\n' >outside/b.mlops
ln -s . tree/x
ln -s .. tree/sub/y
ln -s ../outside tree/out
run fmt tree
expect_exit 0 "item 8: fmt walks a tree with symlink loops"
expect_eq "$(cat outside/b.mlops)" 'project   q { version = "1.0.0"  risk_tier = low }' \
  "item 8: fmt does not follow a directory link out of the tree"

#!/usr/bin/env bash
# `mlopsc fmt`: the golden pairs (tests/golden/format/NAME.mlops formats to
# NAME.formatted.mlops, which is a fixed point); every .mlops file of the
# repository that parses formats to a file with the same AST (checked here
# with `mlopsc parse --dump-ast`, independently of the formatter's own
# check) and the same comments, and formatting twice changes nothing;
# --check (diff, exit 1, writes nothing), --diff, in-place rewriting that
# keeps the file mode, folders, `-`, and refusals with diagnostics.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR

# ---- golden pairs
for input in "$src"/tests/golden/format/*.mlops; do
  [[ $input == *.formatted.mlops ]] && continue
  name=$(basename "$input" .mlops)
  golden=${input%.mlops}.formatted.mlops
  run --stdin "$input" fmt -
  expect_exit 0 "golden $name: formats"
  if [[ ${MLOPS_UPDATE_GOLDEN:-0} == 1 ]]; then cp "$STDOUT" "$golden"; fi
  if diff -u "$golden" "$STDOUT" >golden.diff; then pass "golden $name: output matches $name.formatted.mlops"
  else fail "golden $name: output differs (MLOPS_UPDATE_GOLDEN=1 to refresh): $(head -c 1500 golden.diff)"; fi
  run fmt --check "$golden"
  expect_exit 0 "golden $name: the formatted file is a fixed point (fmt --check passes)"
  expect_stdout_empty "golden $name: --check of a formatted file prints nothing"
done

# ---- every spec in the repository: same AST, same comments, idempotent
# (the specs are copied to orig/NNN.mlops and formatted to fmt/NNN.mlops,
# then compared in one go)
mkdir -p orig fmt
checked=0 refused=0 bad=0 n=0
while IFS= read -r -d '' spec; do
  n=$((n + 1))
  name=$(printf '%04d' "$n")
  if ! "$MLOPSC" parse "$spec" >/dev/null 2>&1; then
    # Syntax errors: fmt must refuse with exit 1 and leave the input alone.
    "$MLOPSC" fmt - <"$spec" >out.mlops 2>err.txt && rc=0 || rc=$?
    if [[ $rc != 1 && $rc != 2 ]] || [[ -s out.mlops ]]; then
      fail "$spec has errors: fmt should refuse (exit 1 or 2, nothing on stdout), got exit $rc"; bad=$((bad + 1))
    fi
    refused=$((refused + 1))
    continue
  fi
  checked=$((checked + 1))
  cp "$spec" "orig/$name.mlops"
  echo "$name $spec" >>names.txt
  if ! "$MLOPSC" fmt - <"$spec" >"fmt/$name.mlops" 2>err.txt; then
    fail "$spec: fmt failed: $(head -c 600 err.txt)"; bad=$((bad + 1)); continue
  fi
  "$MLOPSC" fmt - <"fmt/$name.mlops" >twice.mlops 2>err.txt || true
  if ! cmp -s "fmt/$name.mlops" twice.mlops; then fail "$spec: formatting twice changes the output"; bad=$((bad + 1)); fi
done < <(cd "$src" && find "$src/examples" "$src/stdlib" "$src/tests/golden" "$src/tests/fuzz/seeds" \( -name '.*' -o -name build -o -name node_modules \) -prune -o -type f -name '*.mlops' -print0 2>/dev/null | sort -z)
# ASTs without ranges and file names, one dump per folder.
(cd orig && "$MLOPSC" parse --dump-ast ./*.mlops 2>/dev/null | sed -e 's/ <[0-9:-]*>//g') >orig.ast
(cd fmt && "$MLOPSC" parse --dump-ast ./*.mlops 2>/dev/null | sed -e 's/ <[0-9:-]*>//g') >fmt.ast
if cmp -s orig.ast fmt.ast; then pass "the formatted specs have the same ASTs as the originals"
else fail "a formatted spec has a different AST: $(diff orig.ast fmt.ast | head -20)"; fi
# Comments (strings skipped), trailing blanks trimmed, per file.
python3 - orig fmt names.txt >comments.txt <<'PY' || true
import os, re, sys
token = re.compile(r'"""(?:.|\n)*?"""|"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*(?:.|\n)*?\*/', re.S)
def comments(path):
    text = open(path, encoding="utf-8").read()
    return [m.group().rstrip(" \t\r\f") for m in token.finditer(text) if m.group().startswith("/")]
names = dict(line.split(" ", 1) for line in open(sys.argv[3]).read().splitlines())
for f in sorted(os.listdir(sys.argv[1])):
    if comments(os.path.join(sys.argv[1], f)) != comments(os.path.join(sys.argv[2], f)):
        print(names[f[:-6]])
PY
if [[ ! -s comments.txt ]]; then pass "the formatted specs keep every comment, in order"
else fail "comments lost or reordered in: $(head -5 comments.txt)"; fi
((checked > 100 && bad == 0)) && pass "fmt is idempotent on all $checked specs that parse" \
  || fail "only $checked specs were checked, $bad problems"
((refused > 10)) && pass "fmt refused all $refused specs with syntax errors" || fail "only $refused specs with errors were tried"

# ---- the bundled examples and the standard library are in the canonical style
run fmt --check "$src/examples" "$src/stdlib"
expect_exit 0 "examples/ and stdlib/ are formatted (mlopsc fmt --check)"
expect_stdout_empty "fmt --check of examples/ and stdlib/ prints no diff"

# ---- --check, --diff, in place
cat >messy.mlops <<'EOF'
project p{version="1"   risk_tier=low}
EOF
chmod 640 messy.mlops
cp messy.mlops messy.orig
run fmt --check messy.mlops
expect_exit 1 "--check on an unformatted file exits 1"
expect_stdout_contains "--- a/messy.mlops" "--check prints a unified diff"
expect_stdout_contains "+  risk_tier = low" "--check diff shows the new line"
cmp -s messy.mlops messy.orig && pass "--check writes nothing" || fail "--check changed the file"

run fmt --diff messy.mlops
expect_exit 0 "--diff rewrites and exits 0"
expect_stdout_contains "@@ -1 +1,4 @@" "--diff prints the diff"
expect_eq "$(cat messy.mlops)" $'project p {\n  version   = "1"\n  risk_tier = low\n}' "the file is rewritten"
expect_eq "$(stat -c %a messy.mlops)" "640" "the file keeps its mode"

cp messy.orig messy.mlops
run fmt messy.mlops
expect_exit 0 "fmt FILE rewrites in place"
expect_eq "$(cat "$STDOUT")" "messy.mlops" "fmt names the files it changed"
run fmt messy.mlops
expect_exit 0 "fmt of a formatted file"
expect_stdout_empty "fmt of a formatted file changes and prints nothing"

# ---- folders, stdin
mkdir -p proj/sub proj/build proj/.hidden
cp messy.orig proj/a.mlops; cp messy.orig proj/sub/b.mlops
cp messy.orig proj/build/skip.mlops; cp messy.orig proj/.hidden/skip.mlops
echo 'not a spec' >proj/notes.txt
run fmt --check proj
expect_exit 1 "--check on a folder with unformatted files exits 1"
expect_stdout_contains "proj/a.mlops" "a folder is searched"
expect_stdout_contains "proj/sub/b.mlops" "sub-folders are searched"
expect_stdout_not_contains "skip.mlops" "build/ is skipped"
(cd proj && "$MLOPSC" fmt >../dot.out 2>&1) && pass "fmt without arguments formats the current folder" \
  || fail "fmt in a folder failed: $(cat dot.out)"
expect_eq "$(sort dot.out | tr '\n' ' ')" "a.mlops sub/b.mlops " "both files were listed"
cmp -s proj/build/skip.mlops messy.orig && pass "a file under build/ is left alone" || fail "build/ was formatted"
# A run's state folder (`.mlops/`), a folder named like a spec, a FIFO (reading it
# would block), links to folders and dangling links: only regular files are specs.
mkdir -p proj/.mlops/logs proj/dir.mlops; cp messy.orig proj/.mlops/skip.mlops
mkfifo proj/pipe.mlops; ln -s sub proj/link.mlops; ln -s missing.mlops proj/dangling.mlops
run fmt --check proj
expect_exit 0 "--check on a folder holding .mlops/, a FIFO and links ends (the specs are formatted)"
expect_stdout_not_contains "skip.mlops" "the run state folder .mlops/ is skipped"
expect_stdout_not_contains "pipe.mlops" "a FIFO is not a spec"
expect_stdout_not_contains "dangling.mlops" "a dangling link is not a spec"
expect_stderr_not_contains "dir.mlops" "a folder named *.mlops is not a spec"
rm -f proj/pipe.mlops proj/link.mlops proj/dangling.mlops

run --stdin messy.orig fmt -
expect_exit 0 "fmt - formats standard input"
expect_stdout_contains "  risk_tier = low" "fmt - writes standard output"
run --stdin messy.orig fmt --check -
expect_exit 1 "fmt --check - exits 1 for unformatted input"
expect_stdout_contains "--- a/<stdin>" "fmt --check - names stdin in the diff"
run fmt - messy.mlops
expect_exit 2 "- mixed with files is a usage error"

# ---- refusals
printf 'project p {\n  version "1"\n}\n' >broken.mlops
cp broken.mlops broken.orig
run fmt broken.mlops
expect_exit 1 "a file with syntax errors is not formatted (exit 1)"
expect_stderr_contains "broken.mlops:2:11: error[E0101]" "its diagnostic has a location and code"
expect_stderr_contains "broken.mlops not formatted: fix its syntax errors first" "fmt says it left the file alone"
cmp -s broken.mlops broken.orig && pass "the broken file is untouched" || fail "fmt changed a file with errors"
run fmt does-not-exist.mlops
expect_exit 2 "a missing file is an I/O error (exit 2)"
expect_stderr_contains "does-not-exist.mlops" "a missing file is reported"
run fmt --color=sometimes x.mlops
expect_exit 2 "a bad --color is a usage error"


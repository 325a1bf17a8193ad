#!/usr/bin/env bash
# The compile cache of `mlopsc run SPEC` / `mlopsc status SPEC`
# (driver/compile_cache.h) never serves a stale IR: an edited import, a file
# replaced by one of the same size with its mtime copied back, an edited or
# extended stdlib, another -W flag, another binary and a damaged entry all
# recompile, and what runs is the new spec; a touch without change reuses
# the entry. Output with the cache is the same as without it.
source "$(dirname "$0")/lib.bash"

# One stdlib path for every run (it is part of the cache's key): a copy of
# the repository's, so it can be edited.
cp -r "$MLOPS_SOURCE_DIR/stdlib" std
export MLOPS_STDLIB=$E2E_WORK/std

mkdir proj
cd proj
echo seed >in.txt
cat >p.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
import "steps.mlops"
role eng : data_engineer { members = ["a@x.example"] }
data seed { owner = eng  source = file("in.txt") }
SPEC
cat >steps.mlops <<'SPEC'
step hello { owner = eng  inputs = [seed]  run = "echo v1 > ${outputs.out}"  outputs { out = "build/hello.txt" } }
SPEC
entry() { ls .mlops/compile-cache/ 2>/dev/null | grep -v '\.tmp\.' | head -n1; }

# ---- first run: compiled, entry written; the second reuses it
run run p.mlops --explain
expect_exit 0 "first run"
expect_stderr_contains "compile cache: recompiled: no entry for this spec yet" "the first run compiles"
expect_eq "$(cat build/hello.txt)" v1 "the step ran"
[[ -n $(entry) ]] && pass "an entry is written in .mlops/compile-cache/" || fail "no entry in .mlops/compile-cache/"
run run p.mlops --explain
expect_exit 0 "second run"
expect_stderr_contains "compile cache: reused" "the second run reuses the IR"
expect_stdout_contains "run succeeded: 0 ran, 1 up to date" "and is a no-op"

# ---- an edited import: a new IR, and the new command runs
sed -i 's/v1/v2/' steps.mlops
run run p.mlops --explain
expect_exit 0 "run after editing the import"
expect_stderr_contains "recompiled: \`$PWD/steps.mlops\` changed" "the edited import is named"
expect_eq "$(cat build/hello.txt)" v2 "the edited command ran"

# ---- touched without change: reused, still right
touch steps.mlops p.mlops
run run p.mlops --explain
expect_exit 0 "run after touching the sources"
expect_stderr_contains "compile cache: reused" "a touch without change reuses the entry"
expect_stdout_contains "run succeeded: 0 ran, 1 up to date" "nothing reruns"
run run p.mlops --explain
expect_stderr_contains "compile cache: reused" "and keeps reusing it"

# ---- the same size, in place, with the old mtime put back: still seen
cp -p steps.mlops old-steps.mlops
sed 's/v2/v3/' old-steps.mlops >new-steps.mlops
cat new-steps.mlops >steps.mlops         # same inode, same size
touch -r old-steps.mlops steps.mlops     # same mtime, to the nanosecond
expect_eq "$(stat -c '%s %Y %i' steps.mlops)" "$(stat -c '%s %Y' old-steps.mlops) $(stat -c %i steps.mlops)" \
  "the rewrite kept size and mtime"
run run p.mlops --explain
expect_exit 0 "run after a same-size rewrite with the mtime restored"
expect_stderr_contains "recompiled: \`$PWD/steps.mlops\` changed" "the rewrite is seen (ctime, content)"
expect_eq "$(cat build/hello.txt)" v3 "the rewritten command ran"
# And with a date in the past (touch -d): the ctime still moves.
sed -i 's/v3/v4/' steps.mlops
touch -d '2001-01-01 00:00:00' steps.mlops
run run p.mlops
expect_eq "$(cat build/hello.txt)" v4 "a file dated back is seen"

# ---- the stdlib: an edit, a new module, another folder
run run p.mlops
sed -i '/^role data_engineer {/,/^}/s/can = \[own_data\]/can = [own_model]/' "$MLOPS_STDLIB/std/roles.mlops"
if ! cmp -s "$MLOPS_STDLIB/std/roles.mlops" "$MLOPS_SOURCE_DIR/stdlib/std/roles.mlops"; then
  run run p.mlops --explain
  expect_exit 1 "run after taking own_data from data_engineer in the stdlib"
  expect_stderr_contains "error" "the spec now fails to check, as without the cache"
  cp "$MLOPS_SOURCE_DIR/stdlib/std/roles.mlops" "$MLOPS_STDLIB/std/roles.mlops"
else
  fail "the stdlib edit did not apply (std/roles.mlops changed shape?)"
fi
run run p.mlops
expect_exit 0 "the stdlib restored"
cat >"$MLOPS_STDLIB/std/extra.mlops" <<'SPEC'
role extra_role { can = [own_data] }
SPEC
run run p.mlops --explain
expect_stderr_contains "recompiled: the folder \`$MLOPS_STDLIB/std\` changed" "a new stdlib module recompiles"
rm "$MLOPS_STDLIB/std/extra.mlops"
cp -r "$MLOPS_STDLIB" ../otherstd
run run p.mlops --explain --stdlib ../otherstd
expect_stderr_contains "recompiled: the compiler, the stdlib folder or the options changed" "another --stdlib recompiles"

# ---- diagnostics: another -W flag gives what it gives without the cache
sed -i 's/data seed { owner = eng  source = file("in.txt") }/data seed { owner = eng  source = file("in.txt") }\ndata unused { owner = eng  source = file("in.txt") }/' p.mlops
for flags in "" "-Wno-W0601" "-Wno-W0602" "-Werror=W0601" "-Wno-W0601 -WW0601"; do
  # shellcheck disable=SC2086 # the flags are words
  run run p.mlops $flags --color=never
  cached_rc=$RC
  cp "$STDERR" cached.err
  # shellcheck disable=SC2086
  run run p.mlops $flags --color=never --no-compile-cache
  expect_eq "$cached_rc" "$RC" "run ${flags:-(no -W)}: the exit code with the cache is the one without"
  if cmp -s cached.err "$STDERR"; then
    pass "run ${flags:-(no -W)}: the diagnostics with the cache are the ones without"
  else
    fail "run ${flags:-(no -W)}: the diagnostics differ with the cache: $(diff cached.err "$STDERR" | head -n 8)"
  fi
done
run run p.mlops --color=never
expect_stderr_contains "warning[W0601]" "the unused data is reported (W0601)"
run run p.mlops --color=never
expect_stderr_contains "warning[W0601]" "and reported again when the IR is reused"
run run p.mlops -Wno-W0601 --color=never --explain
expect_stderr_not_contains "W0601" "-Wno-W0601 silences it with the cache too"
run status p.mlops
expect_exit 0 "status reuses the same cache"
expect_stderr_contains "warning[W0601]" "status prints the warnings too"

# ---- another binary: a byte more is not the same compiler; a copy is
cp "$MLOPSC" ../mlopsc-copy
cp "$MLOPSC" ../mlopsc-rebuilt && printf '\0' >>../mlopsc-rebuilt
saved=$MLOPSC
run run p.mlops --explain
expect_stderr_contains "compile cache: reused" "before another binary: reused"
MLOPSC=$E2E_WORK/mlopsc-rebuilt
run run p.mlops --explain
expect_exit 0 "a rebuilt binary runs"
expect_stderr_contains "recompiled: the mlopsc binary changed" "a rebuilt binary does not reuse the IR"
MLOPSC=$E2E_WORK/mlopsc-copy
run run p.mlops --explain
expect_stderr_contains "recompiled: the mlopsc binary changed" "nor does the first binary's copy reuse the rebuilt one's"
MLOPSC=$saved
run run p.mlops --explain
expect_stderr_contains "compile cache: reused" "the same bytes at another path are the same compiler (digest of /proc/self/exe)"

# ---- a damaged entry is ignored and rewritten
f=.mlops/compile-cache/$(entry)
for damage in truncate flip garbage version; do
  case $damage in
    truncate) head -c 300 "$f" >"$f.new" ;;
    flip) python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-20] ^= 1; sys.stdout.buffer.write(b)' "$f" >"$f.new" ;;
    garbage) head -c 5000 /dev/urandom >"$f.new" ;;
    version) sed '1s/.*/mlops-compile-cache 999/' "$f" >"$f.new" ;;
  esac
  mv "$f.new" "$f"
  run run p.mlops --explain
  expect_exit 0 "a $damage entry: the run works"
  expect_stderr_contains "compile cache: recompiled" "a $damage entry is not used"
  run run p.mlops --explain
  expect_stderr_contains "compile cache: reused" "a $damage entry is rewritten"
done

# ---- off switches; commands that write nothing do not create .mlops/
run run p.mlops --explain --no-compile-cache
expect_stderr_contains "recompiled: the compile cache is off" "--no-compile-cache compiles"
run --env MLOPS_NO_COMPILE_CACHE=1 run p.mlops --explain
expect_stderr_contains "recompiled: the compile cache is off" "MLOPS_NO_COMPILE_CACHE=1 compiles"
mkdir ../fresh && cp p.mlops steps.mlops in.txt ../fresh/
cd ../fresh
run status p.mlops
run run p.mlops --dry-run
[[ ! -e .mlops ]] && pass "status and run --dry-run do not create .mlops/" || fail "status or --dry-run created .mlops/"

# ---- build --check: the record of the last build (driver/build_record.h)
cd ../proj
run build p.mlops -o gen
expect_exit 0 "build into gen/"
run build p.mlops -o gen --check --explain
expect_exit 0 "build --check right after the build"
expect_stderr_contains "build record: reused" "build --check reuses the record of the build"
run build p.mlops -o gen --check --explain --no-compile-cache
expect_stderr_contains "compiled again: the compile cache is off" "--no-compile-cache compiles for build --check"
for flags in "" "-Wno-W0601" "-Werror=W0601"; do
  # shellcheck disable=SC2086 # the flags are words
  run build p.mlops -o gen --check --color=never $flags
  cached_rc=$RC
  cp "$STDERR" cached.err
  # shellcheck disable=SC2086
  run build p.mlops -o gen --check --color=never --no-compile-cache $flags
  expect_eq "$cached_rc" "$RC" "build --check ${flags:-(no -W)}: the exit code with the record is the one without"
  cmp -s cached.err "$STDERR" && pass "build --check ${flags:-(no -W)}: the same diagnostics with the record" ||
    fail "build --check ${flags:-(no -W)}: the diagnostics differ with the record: $(diff cached.err "$STDERR" | head -n 8)"
done
# A generated file edited by hand, same size, mtime put back: still seen.
gen=gen/pipeline.json
cp -p "$gen" saved.json
sed 's/"p"/"q"/' saved.json >"$gen"
touch -r saved.json "$gen"
expect_eq "$(stat -c %s "$gen")" "$(stat -c %s saved.json)" "the hand edit kept the size"
run build p.mlops -o gen --check --explain
expect_exit 1 "build --check after a same-size hand edit of pipeline.json"
expect_stderr_contains "compiled again: \`gen/pipeline.json\` is not what the last build wrote" "the edited file is named"
expect_stdout_contains "+++ gen/pipeline.json (generated)" "and the diff is printed"
cp -p saved.json "$gen"
run build p.mlops -o gen --check --explain
expect_exit 0 "the file put back"
# A generated file deleted.
rm gen/graph/pipeline.dot
run build p.mlops -o gen --check
expect_exit 1 "build --check with a generated file missing"
expect_stdout_contains "+++ gen/graph/pipeline.dot (generated)" "the missing file is named in the diff"
run build p.mlops -o gen
# An edited import: compiled again, and the generated files are stale.
sed -i 's/v4/v5/' steps.mlops
run build p.mlops -o gen --check --explain
expect_exit 1 "build --check after editing an import"
expect_stderr_contains "compiled again: \`$PWD/steps.mlops\` changed" "the edited import is named"
expect_stdout_contains "v5" "the diff shows the new command"
run build p.mlops -o gen
run build p.mlops -o gen --check --explain
expect_stderr_contains "build record: reused" "reused again after the build"
# Another --emit selection or folder is another record.
run build p.mlops -o gen --check --explain --emit=ir
expect_exit 0 "build --check --emit=ir"
expect_stderr_contains "compiled again: the compiler, the stdlib folder or the options changed" \
  "another --emit selection does not reuse the record"
run build p.mlops -o gen2 --check --explain
expect_exit 1 "build --check into a folder never built"
expect_stderr_contains "compiled again: no record of a build of this spec into this folder yet" \
  "another output folder has its own record"
# A build never creates .mlops/.
cd ../fresh
run build p.mlops -o gen
expect_exit 0 "build in a folder without .mlops/"
[[ ! -e .mlops ]] && pass "build does not create .mlops/" || fail "build created .mlops/"

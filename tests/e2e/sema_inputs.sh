#!/usr/bin/env bash
# The semantic checker end to end: the examples check clean, warning flags,
# --stdlib, --dump-after, explain, and the bad inputs of issue 3 (imports of
# directories, non-UTF-8 and outside files, self-imports, 1,000-file import
# chains, a 10,000-node cycle, 10,000 errors, names differing in case).
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

src=$MLOPS_SOURCE_DIR

# ---- every example checks clean, warnings included
for spec in "$src"/examples/*/*.mlops; do
  case $spec in */teams.mlops) continue ;; esac
  run check -Werror "$spec"
  expect_exit 0 "example $(basename "$(dirname "$spec")") checks clean with -Werror"
  expect_stderr_empty "example $(basename "$spec") prints nothing"
done
# A glob with the imported teams files: they are checked through their roots.
run check -Werror "$src"/examples/credit-risk/*.mlops
expect_exit 0 "credit-risk/*.mlops: teams.mlops is checked as part of the project"

# ---- warning controls
cat >warn.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data raw { owner = eng  source = file("raw.csv") }
step s { owner = eng  inputs = [raw]  run = "cp ${inputs.raw} ${outputs.out}"  outputs { out = "o.csv" } }
SPEC
run check warn.mlops
expect_exit 0 "warnings alone exit 0"
expect_stderr_contains "warning[W0602]" "data without schema warns"
run check -Werror warn.mlops
expect_exit 1 "-Werror turns warnings into errors"
expect_stderr_contains "error[W0602]" "-Werror: the code is kept, the severity is error"
run check -Wno-W0602 -Wno-W0601 -Wno-W0604 warn.mlops
expect_exit 0 "-Wno-CODE"
expect_stderr_empty "-Wno-CODE silences those warnings"
run check -Werror=W0602 -Wno-W0601 -Wno-W0604 warn.mlops
expect_exit 1 "-Werror=W0602"
expect_only_codes "W0602" "-Werror=W0602 reports only W0602"
run check -WE0101 warn.mlops
expect_exit 2 "-W with an error code is a usage error"
run check -Wno-X9999 warn.mlops
expect_exit 2 "-W with an unknown code is a usage error"

# ---- stdlib location and pass dumps
run check --stdlib=/nonexistent warn.mlops
expect_exit 2 "--stdlib to a folder without std/roles.mlops"
expect_stderr_contains "std/roles.mlops" "--stdlib: the message says what is missing"
MLOPS_STDLIB=$src/stdlib run check warn.mlops
expect_exit 0 "MLOPS_STDLIB points at the stdlib"
run check --dump-after=names warn.mlops
expect_stdout_contains "symbols:" "--dump-after=names prints the symbols"
expect_stdout_contains "data raw" "--dump-after=names lists the data"
run check --dump-after=nosuchpass warn.mlops
expect_exit 2 "--dump-after with an unknown pass"
expect_stderr_contains "imports" "--dump-after: the message lists the passes"

# ---- explain
run explain E0502
expect_exit 0 "explain E0502"
expect_stdout_contains "Wrong:" "explain shows a wrong example"
expect_stdout_contains "Right:" "explain shows the fix"
run explain E9999
expect_exit 2 "explain of an unknown code"
run explain --catalogue
expect_stdout_contains "### W0606" "explain --catalogue lists every code"

# ---- imports: a directory, a non-UTF-8 file, outside the root, self-import
mkdir -p proj/sub proj/adir
printf 'project p { version = "1.0.0"  risk_tier = low }\nimport "adir"\n' >proj/dir.mlops
run check proj/dir.mlops
expect_exit 1 "import of a directory"
expect_stderr_contains "error[E0204]" "import of a directory is E0204"
expect_stderr_contains "directory" "import of a directory: the message says so"

printf 'role r { title = "caf\351" }\n' >proj/latin1.part
printf 'project p { version = "1.0.0"  risk_tier = low }\nimport "latin1.part"\n' >proj/latin.mlops
run check proj/latin.mlops
expect_exit 1 "import of a non-UTF-8 file"
expect_stderr_contains "latin1.part:1:" "the E0105 points into the imported file"
expect_stderr_contains "error[E0105]" "import of a non-UTF-8 file is E0105"

printf 'role outside { }\n' >shared.part
printf 'project p { version = "1.0.0"  risk_tier = low }\nimport "../shared.part"\n' >proj/out.mlops
run check -Wno-W0601 proj/out.mlops
expect_exit 1 "import outside the project root is refused"
expect_stderr_contains "error[E0204]" "an import outside the project root is E0204"
expect_stderr_contains "outside the project root" "the E0204 says the import leaves the project root"

printf 'project p { version = "1.0.0"  risk_tier = low }\nimport "self.mlops"\n' >proj/self.mlops
run check proj/self.mlops
expect_exit 1 "self-import"
expect_stderr_contains "import cycle: self.mlops -> self.mlops" "self-import is an import cycle"

# ---- a chain of 1,000 imported files
python3 - <<'PY'
n = 1000
open("chain.mlops", "w").write('project p { version = "1.0.0"  risk_tier = low }\nimport "c0.part"\n')
for i in range(n):
    nxt = f'import "c{i + 1}.part"\n' if i + 1 < n else ''
    open(f"c{i}.part", "w").write(nxt + f'role r{i} {{ }}\n')
PY
run check -Wno-W0601 chain.mlops
expect_exit 0 "a chain of 1,000 imports checks"
expect_stderr_empty "a chain of 1,000 imports: no diagnostics"

# ---- a dependency cycle of 10,000 steps: listed, output bounded
python3 - <<'PY'
n = 10000
lines = ['project p { version = "1.0.0"  risk_tier = low }', 'use std.roles',
         'role eng : data_engineer { members = ["a@x.example"] }']
for i in range(n):
    lines.append(f'step s{i} {{ owner = eng  inputs = [s{(i + 1) % n}.out]  run = "x"  outputs {{ out = "o{i}" }} }}')
open("cycle.mlops", "w").write("\n".join(lines) + "\n")
PY
run check cycle.mlops
expect_exit 1 "a 10,000-node cycle"
expect_stderr_contains "error[E0401]: dependency cycle:" "the cycle is E0401"
expect_stderr_contains "(10000 edges)" "the cycle message gives its length"
notes=$(grep -c 'note:' "$STDERR" || true)
if ((notes <= 22)); then pass "the cycle's notes are bounded ($notes)"; else fail "the cycle printed $notes notes"; fi
expect_stderr_contains "more edges" "the cycle says how many edges are not shown"

# ---- 10,000 errors stop at --max-errors
python3 -c "
print('project p { version = \"1.0.0\"  risk_tier = low }')
for i in range(10000): print(f'data d{i} {{ owner = nobody{i} }}')
" >many.mlops
run check many.mlops
expect_exit 1 "10,000 errors"
count=$(grep -c 'error\[' "$STDERR" || true)
expect_eq "$count" 50 "10,000 errors: stops at the default --max-errors of 50"
expect_stderr_contains "stopped after 50 errors" "10,000 errors: says it stopped"

# ---- names that differ only in case
cat >case.mlops <<'SPEC'
project p { version = "1.0.0"  risk_tier = low }
role Validators { members = ["a@x.example"] }
role validators { members = ["b@x.example"] }
SPEC
run check -Wno-W0601 case.mlops
expect_exit 0 "names differing only in case are a warning"
expect_stderr_contains "warning[W0606]" "W0606 for names differing only in case"


#!/usr/bin/env bash
# The SARIF of `check` and `parse` passes Microsoft's SARIF multitool (the
# version locked in tests/sarif-multitool/) with the rules of the SARIF
# spec, GitHub code scanning and GitHub Advanced Security
# (`validate --rule-kind "Sarif;Gh;Ghas" --level "Error;Warning;Note"`):
#   (a) every spec of tests/golden/sema and tests/golden/syntax, checked and
#       parsed in a git work tree: errors, warnings, notes as related
#       locations, fix-its, imports, files without a region;
#   (b) a clean spec (no results).
# Each log must give no error and no warning; every note rule the
# validator still reports must be one docs/diagnostics.md explains (its
# "What the SARIF multitool still notes" list). The counts are printed.
#
# Needs node and npm (the npm registry, or npm's cache, for the first install
# into MLOPS_TEST_CACHE, default ~/.cache/mlopsc-tests) and git. Skipped
# (exit 77) only when npm cannot reach the registry and nothing is cached.
# Labelled `slow` and `npm` in CTest (`ctest -LE slow` leaves it out). The
# multitool is a self-contained .NET program; it runs with
# DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 so it needs no ICU.
# It tries to fetch every URI of a log (rule SARIF2006, a note), which
# fails for the helpUris (and offline for all): an explained note.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

for tool in node npm git python3; do
  command -v "$tool" >/dev/null 2>&1 || { fail "$tool is not installed (scripts/install-deps)"; exit 0; }
done

# ---- the multitool, installed by npm from the lock file into a cache
lock_dir=$MLOPS_SOURCE_DIR/tests/sarif-multitool
lock_sum=$(cat "$lock_dir/package.json" "$lock_dir/package-lock.json" | sha256sum | cut -c1-16)
cache=${MLOPS_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mlopsc-tests}/sarif-multitool-$lock_sum
package=@microsoft/sarif-multitool-linux
# The package's bin.js runs the tool through a shell, which would split
# "Sarif;Gh;Ghas" at the semicolons: call the executable itself.
multitool=$cache/node_modules/$package/Sarif.Multitool
version=$(node -p 'require(process.argv[1]).dependencies[process.argv[2]]' "$lock_dir/package.json" "$package")
mkdir -p "$cache"
(
  flock 9
  [[ -f $multitool && -f $cache/.installed ]] && exit 0
  cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$cache/"
  timeout 300 npm ci --prefix "$cache" --prefer-offline --no-audit --no-fund --loglevel=error >"$E2E_WORK/npm.out" 2>&1 &&
    chmod u+x "$multitool" && touch "$cache/.installed"  # its postinstall, which npm may not run
) 9>"$cache/.lock" || {
  if ! timeout 60 npm ping >"$E2E_WORK/npm-ping.out" 2>&1; then
    why=$(grep -m1 -E 'FetchError|code E|ECONNREFUSED|ENOTFOUND' "$E2E_WORK/npm-ping.out" || echo "npm ping failed")
    skip "npm cannot reach its registry (${why#npm error })" \
      "and $package $version is not in $cache"
  fi
  fail "npm ci of tests/sarif-multitool into $cache failed"; show "$E2E_WORK/npm.out"; exit 0
}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
got=$(timeout 60 "$multitool" --version 2>&1 || true)
if [[ $got == "SARIF Multitool $version+"* ]]; then
  pass "SARIF multitool $version from the lock file"
else
  fail "SARIF multitool: --version says '$got', expected $version"
  exit 0
fi

# The note rules docs/diagnostics.md explains, from its list.
documented=$(sed -n '/^### What the SARIF multitool still notes/,/^##/p' "$MLOPS_SOURCE_DIR/docs/diagnostics.md" |
  grep -E '^- `(SARIF|GH)[0-9]+`' | sed 's/ (.*//' | grep -oE '(SARIF|GH)[0-9]+' | sort -u | tr '\n' ' ')
[[ -n $documented ]] || fail "docs/diagnostics.md has no list of the notes the SARIF multitool still reports"

# validate WHAT FILE: runs the multitool; no error, no warning, only
# documented notes. Prints the counts.
validate() {
  local what=$1 file=$2 out=$E2E_WORK/validation.sarif
  rm -f "$out"
  if ! timeout 600 "$multitool" validate --rule-kind "Sarif;Gh;Ghas" --level "Error;Warning;Note" \
      "$file" -o "$out" >"$E2E_WORK/multitool.out" 2>&1 || [[ ! -s $out ]]; then
    fail "$what: the SARIF multitool failed"; show "$E2E_WORK/multitool.out"; return 0
  fi
  local summary
  summary=$(python3 - "$out" "$documented" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
documented = set(sys.argv[2].split())
counts = collections.Counter()
notes = collections.Counter()
problems = []
for run in log.get("runs", []):
    for r in run.get("results", []):
        level = r.get("level", "warning")
        counts[level] += 1
        rule = r.get("ruleId", "?")
        text = r.get("message", {}).get("text") or " ".join(r.get("message", {}).get("arguments", []))
        if level in ("error", "warning"):
            problems.append(f"{level} {rule}: {text[:300]}")
        elif level == "note":
            notes[rule] += 1
    for n in run.get("invocations", [{}])[0].get("toolExecutionNotifications", []):
        if n.get("level", "warning") in ("error", "warning"):
            problems.append("notification: " + n.get("message", {}).get("text", "")[:300])
undocumented = sorted(set(notes) - documented)
print(f"COUNTS {counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes"
      f" ({', '.join(f'{k} x{v}' for k, v in sorted(notes.items())) or 'none'})")
for p in problems[:20]:
    print("PROBLEM " + p)
for u in undocumented:
    print(f"UNDOCUMENTED {u}")
PY
)
  echo "  $what: $(sed -n 's/^COUNTS //p' <<<"$summary")"
  if grep -q '^PROBLEM' <<<"$summary"; then
    fail "$what: the SARIF multitool reports errors or warnings:"$'\n'"$(grep '^PROBLEM' <<<"$summary")"
  else
    pass "$what: no errors and no warnings from the SARIF multitool"
  fi
  if grep -q '^UNDOCUMENTED' <<<"$summary"; then
    fail "$what: notes docs/diagnostics.md does not explain: $(sed -n 's/^UNDOCUMENTED //p' <<<"$summary" | tr '\n' ' ')"
  else
    pass "$what: every note left is explained in docs/diagnostics.md"
  fi
}

# ---- (a) many diagnostics, in a git work tree (paths relative to its root)
mkdir -p repo/specs
git -C repo init -q
cp -r "$MLOPS_SOURCE_DIR/tests/golden/sema" repo/specs/sema
cp -r "$MLOPS_SOURCE_DIR/tests/golden/syntax" repo/specs/syntax
cd repo
run check --max-errors=0 --diagnostics-format=sarif specs/sema/*.mlops
expect_exit 1 "check of the sema goldens"
cp "$STDOUT" ../many.sarif
python3 - ../many.sarif <<'PY' >../many.facts
import json, sys
run = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]
res = run["results"]
levels = {r["level"] for r in res}
print("results", len(res))
print("levels", " ".join(sorted(levels)))
print("related", sum(1 for r in res if r.get("relatedLocations")))
print("fixes", sum(1 for r in res if r.get("fixes")))
print("codes", len({r["ruleId"] for r in res}))
PY
cd ..
facts=$(cat many.facts)
[[ $facts == *"levels error warning"* ]] && pass "many: errors and warnings" || fail "many: levels: $facts"
[[ $(sed -n 's/^related //p' many.facts) -gt 0 && $(sed -n 's/^fixes //p' many.facts) -gt 0 ]] &&
  pass "many: notes (relatedLocations) and fix-its" || fail "many: no related locations or fixes: $facts"
[[ $(sed -n 's/^codes //p' many.facts) -ge 30 ]] && pass "many: $(sed -n 's/^codes //p' many.facts) different codes" ||
  fail "many: too few codes: $facts"
validate "check of $(sed -n 's/^results //p' many.facts) diagnostics" many.sarif

cd repo
run parse --max-errors=0 --diagnostics-format=sarif specs/syntax/*.mlops
expect_exit 1 "parse of the syntax goldens"
cp "$STDOUT" ../syntax.sarif
cd ..
validate "parse of the syntax goldens" syntax.sarif

# ---- (b) a clean spec
write_clean_spec repo/clean.mlops
cd repo
run check --diagnostics-format=sarif clean.mlops
expect_exit 0 "clean spec"
cp "$STDOUT" ../clean.sarif
cd ..
validate "clean spec" clean.sarif

#!/usr/bin/env bash
# `mlopsc lsp` driven by a real client: tests/lsp/node/lsp_client_test.js,
# built on Microsoft's vscode-jsonrpc and vscode-languageserver-protocol (the
# libraries under VS Code's language client; exact versions pinned in
# tests/lsp/node/package.json and package-lock.json). On a copy of
# examples/credit-risk: initialize and capabilities, diagnostics on open,
# after an incremental edit (E0201 with its line, link and did-you-mean) and
# after undoing it, the quick fix, hover, definition and references across
# the import, completion by context, rename across files and its refusals,
# formatting equal to `mlopsc fmt`, document symbols, MethodNotFound, and
# shutdown/exit with status 0.
#
# Copies tests/lsp/node to a temporary folder, runs `npm ci` there (needs
# Node.js >= 18 with npm, and the npm registry) and then the test; nothing is
# left in the source tree. MLOPS_LSP_TIMEOUT (seconds, default 60; 180 for a
# sanitizer build) bounds the client test.
set -euo pipefail

# Harness (pass, fail, a temporary folder $E2E_WORK, the summary): lib.bash.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
name=$E2E_NAME
work=$E2E_WORK
start=$SECONDS

# ---- tools and inputs
if [[ ! -x $MLOPSC ]]; then
  fail "MLOPSC=$MLOPSC is not an executable (build first, or set MLOPSC)"
  exit 0
fi
MLOPSC=$(cd "$(dirname "$MLOPSC")" && pwd)/$(basename "$MLOPSC")
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "$tool is not installed (Debian: nodejs and npm)"
    exit 0
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major >= 18)); then pass "Node.js $(node --version) (>= 18)"
else fail "Node.js $(node --version) is too old: the test needs 18 or later"; exit 0; fi

client_src=$src/tests/lsp/node
for f in package.json package-lock.json lsp_client_test.js; do
  [[ -f $client_src/$f ]] || { fail "tests/lsp/node/$f is missing"; exit 0; }
done
[[ -f $src/examples/credit-risk/credit_risk.mlops ]] || { fail "examples/credit-risk is missing"; exit 0; }

# Exact pins (no ^ or ~), and the lock file agrees with them.
if node -e '
  const p = require(process.argv[1] + "/package.json"), l = require(process.argv[1] + "/package-lock.json");
  const deps = Object.assign({}, p.dependencies, p.devDependencies);
  for (const n of ["vscode-jsonrpc", "vscode-languageserver-protocol"]) {
    if (!/^\d+\.\d+\.\d+$/.test(deps[n] || "")) throw new Error(n + " is not pinned exactly: " + deps[n]);
    const locked = (l.packages["node_modules/" + n] || {}).version;
    if (locked !== deps[n]) throw new Error(n + " " + deps[n] + " in package.json, " + locked + " in package-lock.json");
  }' "$client_src" >"$work/pins.out" 2>&1; then
  pass "vscode-jsonrpc and vscode-languageserver-protocol are pinned exactly and locked"
else
  fail "package.json pins:"; show "$work/pins.out"
fi

# ---- a clean copy: the committed files only
client=$work/node
mkdir -p "$client"
tar -C "$client_src" --exclude=./node_modules -cf - . | tar -C "$client" -xf -
cd "$client"

t0=$SECONDS
if timeout 300 npm ci --no-audit --no-fund --loglevel=error >"$work/npm.out" 2>&1; then
  pass "npm ci --no-audit --no-fund installed the locked dependencies ($((SECONDS - t0))s)"
else
  fail "npm ci failed (exit $?)"; show "$work/npm.out"
  exit 0
fi
for pkg in vscode-jsonrpc vscode-languageserver-protocol; do
  want=$(node -p "require('./package.json').dependencies['$pkg']")
  got=$(node -p "require('./node_modules/$pkg/package.json').version" 2>/dev/null || echo missing)
  if [[ $got == "$want" ]]; then pass "npm ci installed $pkg $got"; else fail "$pkg: installed $got, pinned $want"; fi
done

# ---- the client test
# A sanitizer build answers several times slower.
if [[ -z ${MLOPS_LSP_TIMEOUT:-} ]]; then
  if grep -q __asan_init "$MLOPSC" 2>/dev/null; then MLOPS_LSP_TIMEOUT=180; else MLOPS_LSP_TIMEOUT=60; fi
fi
export MLOPS_LSP_TIMEOUT
t0=$SECONDS
rc=0
mkdir -p "$work/tmp"
TMPDIR=$work/tmp MLOPSC=$MLOPSC MLOPS_SOURCE_DIR=$src timeout -k 5 $((MLOPS_LSP_TIMEOUT + 30)) node lsp_client_test.js \
  </dev/null >"$work/client.out" 2>&1 || rc=$?
checks=0
while IFS= read -r line; do
  case $line in
    "ok - "*) pass "lsp client: ${line#ok - }"; checks=$((checks + 1)) ;;
    "FAIL - "*) fail "lsp client: ${line#FAIL - }"; checks=$((checks + 1)) ;;
    "    "* | "# "*) echo "$line" >&2 ;;
  esac
done <"$work/client.out"
if ((rc == 0)); then
  pass "lsp_client_test.js exited 0 after $checks checks ($((SECONDS - t0))s)"
else
  fail "lsp_client_test.js exited $rc after $checks checks ($((SECONDS - t0))s)"
  ((checks > 0)) || show "$work/client.out"
fi
if ((checks < 30)); then
  fail "lsp_client_test.js ran only $checks checks (expected at least 30)"
fi
# The test cleans up its own copy of the example.
leftovers=$(ls -A "$work/tmp")
if [[ -z $leftovers ]]; then pass "lsp_client_test.js removed its temporary folder"
else fail "lsp_client_test.js left files in its TMPDIR: $leftovers"; fi

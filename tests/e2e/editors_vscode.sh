#!/usr/bin/env bash
# The VS Code extension in editors/vscode: its manifests parse and say what
# they must (language `mlops`, grammar `source.mlops`, the `mlops.serverPath`
# setting, exactly pinned npm versions); `npm ci` installs the locked
# dependencies; the TextMate grammar passes its annotated samples with
# vscode-tmgrammar-test (and a deliberately wrong sample, and a grammar
# without its property rule, fail); every .mlops file of examples/ and
# stdlib/ tokenizes without an invalid.illegal token (and a file with lexical
# errors gets some); the extension's client logic passes its node unit test;
# `vsce package` builds a .vsix holding the extension and the
# vscode-languageclient runtime, and nothing of the tests or dev tools.
#
# Works on a copy in a temporary folder: no node_modules or .vsix is left in
# the source tree. Needs Node.js >= 20 with npm, and the npm registry. Does
# not need mlopsc (MLOPSC is accepted but unused).
set -euo pipefail

# Harness (pass, fail, a temporary folder $E2E_WORK, the summary): lib.bash.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
name=$E2E_NAME
work=$E2E_WORK
start=$SECONDS

# ---- tools
for tool in node npm npx python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "$tool is not installed (Debian: nodejs and npm, or the machine's Node.js 20)"
    exit 0
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major >= 20)); then pass "Node.js $(node --version) (>= 20, what @vscode/vsce needs)"
else fail "Node.js $(node --version) is too old: @vscode/vsce needs Node.js 20 or later"; exit 0; fi

ext_src=$src/editors/vscode
[[ -d $ext_src ]] || { fail "$ext_src does not exist"; exit 0; }
before=$(ls -A "$ext_src" | sort | tr '\n' ' ')

# ---- a clean copy: the committed files only, no node_modules or .vsix
ext=$work/vscode
mkdir -p "$ext"
tar -C "$ext_src" --exclude=./node_modules --exclude='./*.vsix' -cf - . | tar -C "$ext" -xf -
cd "$ext"

# ---- manifests
for f in package.json package-lock.json language-configuration.json syntaxes/mlops.tmLanguage.json; do
  if err=$(python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$f" 2>&1); then
    pass "$f is valid JSON"
  else
    fail "$f is not valid JSON: $err"
  fi
done

python3 - >"$work/manifest.out" 2>&1 <<'PY' && manifest_rc=0 || manifest_rc=$?
import json, os, re
p = json.load(open("package.json"))
lc = json.load(open("language-configuration.json"))
g = json.load(open("syntaxes/mlops.tmLanguage.json"))
checks = []
def check(ok, what):
    checks.append((bool(ok), what))

check(p.get("name") == "mlops", "package.json: name is mlops")
check(p.get("publisher") == "mlopsc", "package.json: publisher is mlopsc")
check(p.get("version") == "0.1.0", "package.json: version is 0.1.0")
check(p.get("displayName"), "package.json: has a displayName")
check(p.get("license"), "package.json: has a license field")
check(p.get("repository"), "package.json: has a repository field")
check(re.match(r"^\^1\.\d+\.\d+$", p.get("engines", {}).get("vscode", "")), "package.json: engines.vscode is ^1.x.y")
check(p.get("main") == "./extension.js" and os.path.isfile("extension.js"), "package.json: main is ./extension.js, which exists")
check("onLanguage:mlops" in p.get("activationEvents", []), "package.json: activates on onLanguage:mlops")
langs = p.get("contributes", {}).get("languages", [])
lang = next((l for l in langs if l.get("id") == "mlops"), {})
check(".mlops" in lang.get("extensions", []), "package.json: language mlops for .mlops files")
check(lang.get("aliases"), "package.json: language mlops has aliases")
check(lang.get("configuration") == "./language-configuration.json", "package.json: language configuration wired")
grammars = p.get("contributes", {}).get("grammars", [])
gr = next((x for x in grammars if x.get("language") == "mlops"), {})
check(gr.get("scopeName") == "source.mlops", "package.json: grammar scopeName source.mlops")
check(os.path.normpath(gr.get("path", "")) == "syntaxes/mlops.tmLanguage.json", "package.json: grammar path syntaxes/mlops.tmLanguage.json")
check(g.get("scopeName") == "source.mlops", "grammar: scopeName is source.mlops")
props = p.get("contributes", {}).get("configuration", {}).get("properties", {})
sp = props.get("mlops.serverPath", {})
check(sp.get("type") == "string" and sp.get("default") == "mlopsc" and (sp.get("description") or sp.get("markdownDescription")),
      "package.json: mlops.serverPath is a string setting, default mlopsc, described")
tr = props.get("mlops.trace.server", {})
check(tr.get("enum") == ["off", "messages", "verbose"] and tr.get("default") == "off", "package.json: mlops.trace.server is off/messages/verbose")
exact = re.compile(r"^\d+\.\d+\.\d+$")
deps, dev = p.get("dependencies", {}), p.get("devDependencies", {})
check(exact.match(deps.get("vscode-languageclient", "")) and deps["vscode-languageclient"].startswith("9."),
      "package.json: vscode-languageclient pinned exactly to a 9.x version (%s)" % deps.get("vscode-languageclient"))
for d in ("@vscode/vsce", "vscode-tmgrammar-test"):
    check(exact.match(dev.get(d, "")), "package.json: devDependency %s pinned exactly (%s)" % (d, dev.get(d)))
check(all(exact.match(v) for v in list(deps.values()) + list(dev.values())), "package.json: every dependency pinned exactly (no ^ or ~)")
lock = json.load(open("package-lock.json"))
root = lock.get("packages", {}).get("", {})
check(root.get("dependencies") == deps and root.get("devDependencies") == dev, "package-lock.json matches package.json's dependencies")
check(lock.get("packages", {}).get("node_modules/vscode-languageclient", {}).get("version") == deps.get("vscode-languageclient"),
      "package-lock.json locks vscode-languageclient at the pinned version")
check(lc.get("comments") == {"lineComment": "//", "blockComment": ["/*", "*/"]}, "language-configuration: // and /* */ comments")
check(lc.get("brackets") == [["{", "}"], ["[", "]"], ["(", ")"]], "language-configuration: brackets {} [] ()")
pairs = {(x["open"], x["close"]) if isinstance(x, dict) else tuple(x): x for x in lc.get("autoClosingPairs", [])}
quote = pairs.get(('"', '"'))
check(quote and set(quote.get("notIn", [])) >= {"string", "comment"}, 'language-configuration: " auto-closes, not in strings or comments')
check(all(b in pairs for b in [("{", "}"), ("[", "]"), ("(", ")")]), "language-configuration: brackets auto-close")
check(lc.get("surroundingPairs"), "language-configuration: surroundingPairs")
check("folding" in lc, "language-configuration: folding")
ir = lc.get("indentationRules", {})
inc, dec = re.compile(ir.get("increaseIndentPattern", "(?!)")), re.compile(ir.get("decreaseIndentPattern", "(?!)"))
check(inc.search("model scorer {") and inc.search("  on = [") and not inc.search("  outputs { a = 1 }") and not inc.search("  a = 1"),
      "language-configuration: indent after a line ending in { or [")
check(dec.search("  }") and dec.search("]") and not dec.search("  a = 1"), "language-configuration: dedent a line starting with } or ]")
wp = re.compile(lc.get("wordPattern", "(?!)"))
check(wp.fullmatch("risk_owner") and wp.fullmatch("_x9"), "language-configuration: wordPattern matches identifiers")
for ok, what in checks:
    print(("ok " if ok else "FAIL ") + what)
PY
if ((manifest_rc != 0)); then
  fail "the manifest checks could not run: $(head -c 600 "$work/manifest.out")"
fi
while IFS= read -r line; do
  case $line in
    "ok "*) pass "${line#ok }" ;;
    "FAIL "*) fail "${line#FAIL }" ;;
  esac
done <"$work/manifest.out"

# ---- npm ci (the locked versions)
t0=$SECONDS
if timeout 300 npm ci --no-audit --no-fund --loglevel=error >"$work/npm.out" 2>&1; then
  pass "npm ci --no-audit --no-fund installed the locked dependencies ($((SECONDS - t0))s)"
else
  fail "npm ci failed (exit $?)"; show "$work/npm.out"
  exit 0
fi
for bin in vscode-tmgrammar-test vsce; do
  [[ -x node_modules/.bin/$bin ]] && pass "npm ci installed $bin" || fail "node_modules/.bin/$bin missing after npm ci"
done

# ---- the grammar's annotated samples
samples=(tests/*.mlops-test)
nsamples=${#samples[@]}
if ((nsamples >= 5)); then pass "$nsamples annotated grammar samples (tests/*.mlops-test)"; else fail "only $nsamples annotated samples"; fi
nassert=$(cat "${samples[@]}" | grep -c -E '^//\s*(\^|<~*-)' || true)
if ((nassert >= 200)); then pass "the samples hold $nassert scope assertions"; else fail "only $nassert scope assertions in the samples"; fi
for construct in 'comment.line.documentation.mlops' 'comment.block.mlops' 'string.quoted.triple.mlops' 'meta.interpolation.mlops' \
  'constant.character.escape.mlops' 'keyword.other.unit.mlops' 'constant.numeric.mlops' 'storage.type.mlops' \
  'keyword.other.mlops' 'keyword.operator.logical.mlops' 'constant.language.boolean.mlops' 'entity.name.type.mlops' \
  'variable.other.property.mlops - storage.type.mlops' 'keyword.operator.comparison.mlops' 'invalid.illegal'; do
  if grep -q -F -- "$construct" "${samples[@]}"; then pass "the samples assert $construct"; else fail "no sample asserts $construct"; fi
done

if timeout 120 npx --no-install vscode-tmgrammar-test 'tests/*.mlops-test' >"$work/tm.out" 2>&1; then
  pass "vscode-tmgrammar-test: the annotated samples pass"
else
  fail "vscode-tmgrammar-test failed on the annotated samples"; show "$work/tm.out"
fi
nok=$(grep -c 'run successfuly' "$work/tm.out" || true)
if ((nok == nsamples)); then pass "vscode-tmgrammar-test ran all $nsamples samples"
else fail "vscode-tmgrammar-test reported $nok successful samples of $nsamples"; show "$work/tm.out"; fi

# A wrong sample must fail: `scorer` after `model` asserted as a property.
mkdir -p "$work/wrong"
sed -e '0,/^\/\/    ^^^^^^ entity.name.type.mlops - variable.other.property.mlops$/s//\/\/    ^^^^^^ variable.other.property.mlops/' \
  tests/declarations.mlops-test >"$work/wrong/declarations.mlops-test"
if cmp -s tests/declarations.mlops-test "$work/wrong/declarations.mlops-test"; then
  fail "could not make the wrong copy of declarations.mlops-test (the assertion it edits is gone)"
else
  set +e
  npx --no-install vscode-tmgrammar-test "$work/wrong/declarations.mlops-test" >"$work/wrong.out" 2>&1
  rc=$?
  set -e
  if ((rc != 0)) && grep -q 'missing required scopes: variable.other.property.mlops' "$work/wrong.out"; then
    pass "a wrong assertion fails (exit $rc, 'missing required scopes')"
  else
    fail "a deliberately wrong sample did not fail (exit $rc)"; show "$work/wrong.out"
  fi
fi

# A grammar without its `name = value` rule must fail the members sample
# (keywords used as property names, e.g. `model = scorer`).
mkdir -p "$work/broken/syntaxes" "$work/broken/tests"
cp package.json "$work/broken/"
cp tests/members.mlops-test "$work/broken/tests/"
python3 - syntaxes/mlops.tmLanguage.json "$work/broken/syntaxes/mlops.tmLanguage.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
members = g["repository"]["members"]["patterns"]
g["repository"]["members"]["patterns"] = [p for p in members if "(=)(?!=)" not in p.get("match", "")]
assert len(g["repository"]["members"]["patterns"]) == len(members) - 1, "the property rule was not found"
json.dump(g, open(sys.argv[2], "w"))
PY
set +e
(cd "$work/broken" && "$ext/node_modules/.bin/vscode-tmgrammar-test" 'tests/*.mlops-test') >"$work/broken.out" 2>&1
rc=$?
set -e
if ((rc != 0)) && grep -q 'missing required scopes: variable.other.property.mlops' "$work/broken.out"; then
  pass "a grammar without the property rule fails the keyword-as-property assertions (exit $rc)"
else
  fail "the members sample did not catch a grammar without its property rule (exit $rc)"; show "$work/broken.out"
fi

# ---- every spec of examples/ and stdlib/ tokenizes without invalid.illegal
mapfile -t specs < <(find "$src/examples" "$src/stdlib" \( -name '.*' -o -name build -o -name node_modules \) -prune -o -type f -name '*.mlops' -print | sort)
if ((${#specs[@]} >= 8)); then pass "${#specs[@]} .mlops files under examples/ and stdlib/"; else fail "only ${#specs[@]} .mlops files found under examples/ and stdlib/"; fi
for spec in "${specs[@]}"; do
  rel=${spec#"$src"/}
  if node tests/scan-grammar.js syntaxes/mlops.tmLanguage.json "$spec" >"$work/scan.out" 2>&1; then
    pass "$rel: no invalid.illegal token ($(tail -n1 "$work/scan.out" | sed 's/^scanned 1 file(s), //; s/: 0 invalid.illegal token(s)//'))"
  else
    fail "$rel: the grammar marks tokens invalid"; show "$work/scan.out"
  fi
done
# ... and the scan does find lexical errors
cat >"$work/lexical_errors.mlops" <<'EOF'
model test { timeout = 5min  memory = 8gb  x = 1; y = #2  run = "bad \q" }
EOF
set +e
node tests/scan-grammar.js syntaxes/mlops.tmLanguage.json "$work/lexical_errors.mlops" >"$work/scan.out" 2>&1
rc=$?
set -e
found=$(grep -c -E ':[0-9]+:[0-9]+: invalid\.illegal' "$work/scan.out" || true)
if ((rc == 1)) && ((found == 6)); then
  pass "a spec with 6 lexical errors gets 6 invalid.illegal tokens (keyword as name, 2 units, ;, #, escape)"
else
  fail "the scan of a spec with 6 lexical errors: exit $rc, $found invalid tokens"; show "$work/scan.out"
fi

# ---- the client logic (fake vscode API)
if timeout 60 node --test tests/extension.test.js >"$work/unit.out" 2>&1; then
  pass "extension.js unit test: $(grep -E '^# (pass|fail) ' "$work/unit.out" | tr '\n' ' ')"
else
  fail "extension.js unit test failed"; grep -E '^not ok|^# (pass|fail)|Error|assert' "$work/unit.out" | head -40 | sed 's/^/      | /' >&2
fi
npass=$(sed -n 's/^# pass //p' "$work/unit.out")
if [[ -n $npass ]] && ((npass >= 8)); then pass "extension.js unit test ran $npass tests"; else fail "extension.js unit test ran ${npass:-no} tests"; fi

# ---- vsce package
t0=$SECONDS
if timeout 180 npx --no-install @vscode/vsce package </dev/null >"$work/vsce.out" 2>&1; then
  pass "vsce package ($((SECONDS - t0))s)"
else
  fail "vsce package failed"; show "$work/vsce.out"
fi
vsix=$ext/mlops-0.1.0.vsix
if [[ -s $vsix ]]; then pass "mlops-0.1.0.vsix built ($(wc -c <"$vsix") bytes)"; else fail "mlops-0.1.0.vsix not built"; exit 0; fi
if command -v unzip >/dev/null 2>&1; then
  unzip -Z1 "$vsix" >"$work/vsix.list"
else
  python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$vsix" >"$work/vsix.list"
fi
for entry in extension/package.json extension/extension.js extension/syntaxes/mlops.tmLanguage.json \
  extension/language-configuration.json extension/readme.md extension.vsixmanifest \
  extension/node_modules/vscode-languageclient/package.json extension/node_modules/vscode-languageclient/node.js \
  extension/node_modules/vscode-languageclient/lib/node/main.js \
  extension/node_modules/vscode-languageserver-protocol/package.json extension/node_modules/vscode-jsonrpc/package.json; do
  if grep -q -x -F "$entry" "$work/vsix.list"; then pass ".vsix holds $entry"; else fail ".vsix lacks $entry"; fi
done
for unwanted in 'extension/tests/' 'extension/package-lock.json' 'extension/node_modules/@vscode/' \
  'extension/node_modules/vscode-tmgrammar-test/' 'extension/node_modules/.bin/' 'extension/.gitignore'; do
  if grep -q -F "$unwanted" "$work/vsix.list"; then fail ".vsix holds $unwanted (dev-only)"; else pass ".vsix leaves out $unwanted"; fi
done
nfiles=$(wc -l <"$work/vsix.list")
if ((nfiles < 400)); then pass ".vsix holds $nfiles files"; else fail ".vsix holds $nfiles files: .vscodeignore lets too much in"; fi

# The packaged extension loads: vscode-languageclient/node and everything it
# requires resolve inside the .vsix (with a stand-in for the `vscode` module).
mkdir -p "$work/unpacked"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$vsix" "$work/unpacked"
if grep -q 'Id="mlops"' "$work/unpacked/extension.vsixmanifest" && grep -q 'Publisher="mlopsc"' "$work/unpacked/extension.vsixmanifest" \
  && grep -q 'Version="0.1.0"' "$work/unpacked/extension.vsixmanifest"; then
  pass "extension.vsixmanifest: mlopsc.mlops 0.1.0"
else
  fail "extension.vsixmanifest does not name mlopsc.mlops 0.1.0"
fi
cat >"$work/load.js" <<'EOF'
const Module = require('module');
const path = require('path');
const ext = path.resolve(process.argv[2]);
const handler = { get: (t, p) => (p in t ? t[p] : (t[p] = new Proxy(function () {}, handler))) };
const fakeVscode = new Proxy({}, handler);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === 'vscode' ? fakeVscode : load.call(this, request, parent, isMain);
};
const lib = require(require.resolve('vscode-languageclient/node', { paths: [ext] }));
const extension = require(path.join(ext, 'extension.js'));
const outside = Object.keys(require.cache).filter((f) => f !== __filename && !f.startsWith(ext + path.sep));
if (typeof lib.LanguageClient !== 'function') throw new Error('no LanguageClient in vscode-languageclient/node');
if (typeof extension.activate !== 'function' || typeof extension.deactivate !== 'function') throw new Error('extension.js exports no activate/deactivate');
if (outside.length) throw new Error('modules loaded from outside the .vsix: ' + outside.join(', '));
console.log(Object.keys(require.cache).length - 1 + ' modules, all inside the .vsix');
EOF
if (cd "$work" && NODE_PATH= node load.js unpacked/extension) >"$work/load.out" 2>&1; then
  pass "the packaged extension.js and vscode-languageclient/node load: $(cat "$work/load.out")"
else
  fail "the packaged extension does not load"; show "$work/load.out"
fi

# ---- the source tree is left as it was
after=$(ls -A "$ext_src" | sort | tr '\n' ' ')
if [[ $before == "$after" ]]; then pass "editors/vscode in the source tree is unchanged (no node_modules or .vsix left)"
else fail "editors/vscode changed: before [$before], after [$after]"; fi

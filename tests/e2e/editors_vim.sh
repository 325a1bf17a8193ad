#!/usr/bin/env bash
# The Vim/Neovim plugin in editors/vim, in Vim (`vim -Nu NONE -es`) and, when
# it is installed, Neovim (`nvim --headless`): with editors/vim on the
# runtimepath, `filetype plugin indent on` and `syntax on`, a .mlops file gets
# filetype mlops, commentstring `// %s`, 2-space indentation and the syntax
# groups expected at known positions of examples/credit-risk/credit_risk.mlops
# and of a sample with every other construct (booleans, errors, block and doc
# comments, escapes, raw strings); `gg=G` on copies of every example and
# stdlib spec with their indentation stripped or scrambled gives back the
# original file byte for byte (raw string lines untouched), and so does it
# on `mlopsc fmt`'s output when MLOPSC has the formatter; typing a block
# indents and dedents it; b:undo_ftplugin undoes the settings.
#
# Needs no mlopsc: without one (or without its `fmt`), the formatter's output
# is left out.
set -euo pipefail

# Harness (pass, fail, a temporary folder $E2E_WORK, the summary): lib.bash.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
name=$E2E_NAME
work=$E2E_WORK
start=$SECONDS

plugin=$src/editors/vim
for f in ftdetect/mlops.vim syntax/mlops.vim ftplugin/mlops.vim indent/mlops.vim README.md; do
  [[ -f $plugin/$f ]] && pass "editors/vim/$f exists" || fail "editors/vim/$f is missing"
done
example=$src/examples/credit-risk/credit_risk.mlops
[[ -f $example ]] || { fail "$example is missing"; exit 0; }
cd "$work"

# ---- inputs
# Everything the example does not show. Line numbers matter: check.vim refers
# to this text by search patterns, not positions.
cat >sample.mlops <<'EOF'
// SAMPLE for editors_vim.sh
//// four slashes: a plain comment
/// Doc comment of the role.
role validators : std.roles.model_risk_manager { can = [approve] }
model test { }
step s {
  flag    = true
  off     = false
  bad     = 5min
  semi    = 1; hash = #2
  text    = "tab\t and \q and $${LITERAL} and \u{1F600}"
  run     = """first ${params.c} line
    second ${outputs.model} line
    """
  after   = x
  /* a block comment
     model y { "not a string" 5m }
  */
  quoted  = """ends with a quote""""  next = 1
  expect  = 1
}
test t on m { expect metrics.in >= baseline.auc - 0.01 or not ok }
check psi(column: string, threshold: float = 0.2) on data { expect drift.psi(column) < threshold }
EOF

# Copies of every example and stdlib spec with the indentation of every line
# that does not continue a raw string or block comment stripped ("flat") or
# replaced by 0-8 random spaces ("scrambled").
cat >unindent.py <<'EOF'
import random, sys
src, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
rnd = random.Random(7)
state = "code"  # code | raw | block: where the line starts
lines = open(src, encoding="utf-8").read().split("\n")
res = []
for line in lines:
    if state == "code":
        body = line.lstrip(" \t")
        res.append(body if mode == "flat" or not body else " " * rnd.randrange(9) + body)
    else:
        res.append(line)
    i = 0
    while i < len(line):
        if state == "raw":
            j = line.find('"""', i)
            if j < 0:
                break
            k = j + 3
            while k < len(line) and line[k] == '"':
                k += 1
            state, i = "code", k
        elif state == "block":
            j = line.find("*/", i)
            if j < 0:
                break
            state, i = "code", j + 2
        elif line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            state, i = "block", i + 2
        elif line.startswith('"""', i):
            state, i = "raw", i + 3
        elif line[i] == '"':
            i += 1
            while i < len(line) and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            i += 1
        else:
            i += 1
open(out, "w", encoding="utf-8").write("\n".join(res))
EOF
# When MLOPSC is an mlopsc with `fmt`, its output for each spec too (flat):
# the Vim indentation agrees with the formatter's canonical style.
mapfile -t specs < <(find "$src/examples" "$src/stdlib" \( -name '.*' -o -name build -o -name node_modules \) -prune -o -type f -name '*.mlops' -print | sort)
: >indent.list
n=0
nfmt=0
for spec in "${specs[@]}"; do
  rel=${spec#"$src"/}
  for mode in flat scrambled; do
    n=$((n + 1))
    python3 unindent.py "$spec" "in$n.mlops" "$mode"
    if cmp -s "$spec" "in$n.mlops"; then fail "$rel ($mode): the unindented copy equals the original"; fi
    echo "$work/in$n.mlops $work/out$n.mlops $spec $rel($mode)" >>indent.list
  done
  if [[ -x ${MLOPSC:-} ]] && timeout 20 "$MLOPSC" fmt - <"$spec" >"fmt$n.mlops" 2>/dev/null && [[ -s fmt$n.mlops ]]; then
    n=$((n + 1))
    nfmt=$((nfmt + 1))
    python3 unindent.py "fmt$((n - 1)).mlops" "in$n.mlops" flat
    echo "$work/in$n.mlops $work/out$n.mlops $work/fmt$((n - 1)).mlops $rel(mlopsc-fmt-output,flat)" >>indent.list
  fi
done
if ((nfmt > 0)); then
  pass "mlopsc fmt formatted $nfmt specs: their indentation is checked too"
else
  echo "# MLOPSC (${MLOPSC:-unset}) has no working fmt: the formatter's output is not re-indented"
fi

# ---- the checks, run inside the editor; results go to a file
cat >check.vim <<'EOF'
set nocompatible
set encoding=utf-8
set nomore
let s:results = []
function! s:Check(cond, what) abort
  call add(s:results, (a:cond ? 'ok ' : 'FAIL ') . a:what)
endfunction
function! s:Eq(actual, expected, what) abort
  call s:Check(a:actual ==# a:expected, a:what . (a:actual ==# a:expected ? ': ' . string(a:actual)
        \ : ': expected ' . string(a:expected) . ', got ' . string(a:actual)))
endfunction
" The syntax group at the first match of pattern (from the top), offset columns in.
function! s:SynAt(pattern, offset) abort
  call cursor(1, 1)
  let [l, c] = searchpos(a:pattern, 'cW')
  if l == 0
    return '<pattern ' . a:pattern . ' not found>'
  endif
  return synIDattr(synID(l, c + a:offset, 1), 'name')
endfunction
function! s:Syn(pattern, offset, group, what) abort
  call s:Eq(s:SynAt(a:pattern, a:offset), a:group, a:what)
endfunction

try
  let &runtimepath = $MLOPS_VIM_DIR . ',' . &runtimepath
  filetype plugin indent on
  syntax on

  " ---- the example
  execute 'edit ' . fnameescape($MLOPS_EXAMPLE)
  call s:Eq(&filetype, 'mlops', 'filetype of credit_risk.mlops')
  call s:Eq(get(b:, 'current_syntax', ''), 'mlops', 'b:current_syntax')
  call s:Eq(&commentstring, '// %s', 'commentstring')
  call s:Eq(&shiftwidth, 2, 'shiftwidth')
  call s:Eq(&softtabstop, 2, 'softtabstop')
  call s:Eq(&expandtab, 1, 'expandtab')
  call s:Eq(&indentexpr, 'GetMlopsIndent(v:lnum)', 'indentexpr')
  call s:Check(&comments =~# '://' && &comments =~# ':///' && &comments =~# 's1:/\*', 'comments has //, /// and /* */: ' . &comments)
  call s:Check(exists('b:undo_ftplugin') && exists('b:undo_indent'), 'b:undo_ftplugin and b:undo_indent are set')

  call s:Syn('^model scorer', 0, 'mlopsDeclKeyword', 'keyword model in `model scorer {`')
  call s:Syn('^model \zsscorer', 0, 'mlopsDeclName', 'declared name scorer')
  call s:Syn('^kpi', 0, 'mlopsDeclKeyword', 'keyword kpi')
  call s:Syn('^gate', 0, 'mlopsDeclKeyword', 'keyword gate')
  call s:Syn('^use', 0, 'mlopsInclude', 'keyword use')
  call s:Syn('^import', 0, 'mlopsInclude', 'keyword import')
  call s:Syn('^\s*\zsmodel\s*= scorer', 0, 'mlopsProperty', 'keyword model as a property name in `model = scorer`')
  call s:Syn('^\s*\zstarget\s*= "', 0, 'mlopsProperty', 'keyword target as a property name in `target = "k8s:..."`')
  call s:Syn('^\s*\zskpi\s*= ', 0, 'mlopsProperty', 'keyword kpi as a property name')
  call s:Syn('^\s*\zsowner ', 0, 'mlopsProperty', 'property owner')
  call s:Syn('^\s*\zstarget >=', 0, 'mlopsKeyword', 'keyword target in `target >= 30%`')
  call s:Syn('scorer_live \zson', 0, 'mlopsKeyword', 'keyword on')
  call s:Syn('^\s*\zsexpect', 0, 'mlopsKeyword', 'keyword expect')
  call s:Syn('< 2% \zsevery', 0, 'mlopsKeyword', 'keyword every')
  call s:Syn('\<2 \zsof\>', 0, 'mlopsKeyword', 'keyword of')
  call s:Syn('>= \zsbaseline', 0, 'mlopsKeyword', 'keyword baseline')
  call s:Syn('value >= 18 \zsand', 0, 'mlopsLogical', 'and')
  call s:Syn('value \zsin \[', 0, 'mlopsLogical', 'in')
  call s:Syn('"python:3.11-slim"', 0, 'mlopsString', 'a string (its quote)')
  call s:Syn('"python:3.11-slim"', 5, 'mlopsString', 'a string (its text)')
  call s:Syn('--in \zs\${inputs.applications}', 0, 'mlopsInterpolationDelimiter', '${ of an interpolation')
  call s:Syn('--in \${\zsinputs.applications}', 0, 'mlopsInterpolationPath', 'the path in an interpolation')
  call s:Syn('"""python3 steps/train.py', 5, 'mlopsRawString', 'a raw string')
  call s:Syn('^\s*\zs--data \${inputs.features.table}', 0, 'mlopsRawString', 'the second line of a raw string')
  call s:Syn('--metrics \${outputs.metrics}\zs"""', 0, 'mlopsRawString', 'the closing """')
  call s:Syn('^\s*\zsoutputs   { model = "build/scorer.json"', 0, '', 'the line after a raw string is code again')
  call s:Syn('^// Credit-risk', 3, 'mlopsComment', 'a line comment')
  call s:Syn('// container image', 4, 'mlopsComment', 'a comment after code')
  call s:Syn('^/// Retail', 0, 'mlopsDocComment', 'a doc comment')
  call s:Syn('^/// Standard checks; the drift test below uses `\zspsi', 0, 'mlopsDocCode', '`code` in a doc comment')
  call s:Syn('freshness = \zs24h', 0, 'mlopsDuration', 'a duration 24h')
  call s:Syn('freshness = 24\zsh', 0, 'mlopsUnit', 'the unit of 24h')
  call s:Syn('memory = \zs512Mi', 0, 'mlopsSize', 'a size 512Mi')
  call s:Syn('memory = 512\zsMi', 0, 'mlopsUnit', 'the unit of 512Mi')
  call s:Syn('target >= \zs30%', 0, 'mlopsPercent', 'a percentage 30%')
  call s:Syn('>= \zs0.75', 0, 'mlopsNumber', 'a plain number 0.75')
  call s:Syn('>= \zs0.75', 2, 'mlopsNumber', 'a plain number 0.75 (past the point)')
  call s:Syn('timeout = \zs5m', 0, 'mlopsDuration', 'a duration 5m')
  call s:Syn('\<file\ze(', 0, 'mlopsFunction', 'a call file(...)')
  call s:Syn('>= \zs0.75', -3, 'mlopsOperator', 'the operator >=')
  call s:Syn('income  : \zsfloat', 0, 'mlopsType', 'a column type')
  call s:Syn('^\s*\zsincome  :', 0, 'mlopsColumn', 'a column name')
  call s:Syn('metrics.\zsauc >= 0.75', 0, 'mlopsMember', 'a member after a dot')

  " ---- the sample
  execute 'edit ' . fnameescape($MLOPS_SAMPLE)
  call s:Eq(&filetype, 'mlops', 'filetype of sample.mlops')
  call s:Syn('^//// four', 0, 'mlopsComment', '//// is a plain comment')
  call s:Syn('^/// Doc comment', 0, 'mlopsDocComment', '/// is a doc comment')
  call s:Syn('^role \zsvalidators', 0, 'mlopsRoleName', 'a role name')
  call s:Syn('std.roles.model_risk_manager', 0, 'mlopsRoleBase', 'a role base')
  call s:Syn('^model \zstest', 0, 'mlopsNameError', 'a keyword as a declaration name is an error')
  call s:Syn('flag    = \zstrue', 0, 'mlopsBoolean', 'true')
  call s:Syn('off     = \zsfalse', 0, 'mlopsBoolean', 'false')
  call s:Syn('\<5min\>', 0, 'mlopsNumberError', 'an unknown unit 5min')
  call s:Syn('1\zs;', 0, 'mlopsError', 'a ;')
  call s:Syn('= \zs#2', 0, 'mlopsError', 'a #')
  call s:Syn('tab\zs\\t', 0, 'mlopsEscape', 'the escape \t')
  call s:Syn('\\u{1F600}', 0, 'mlopsEscape', 'the escape \u{1F600}')
  call s:Syn('and \zs\\q', 0, 'mlopsEscapeError', 'the bad escape \q')
  call s:Syn('\$\${LITERAL', 0, 'mlopsLiteralDollar', '$${ is a literal')
  call s:Syn('\${\zsLITERAL', 0, 'mlopsString', 'no interpolation after $${')
  call s:Syn('"""first \zs\${params.c}', 0, 'mlopsInterpolationDelimiter', 'an interpolation in a raw string')
  call s:Syn('^\s*\zssecond \${outputs.model}', 0, 'mlopsRawString', 'a raw string continues')
  call s:Syn('^\s*second \zs\${outputs.model}', 0, 'mlopsInterpolationDelimiter', 'an interpolation on a raw string''s second line')
  call s:Syn('^\s*\zsafter', 0, 'mlopsProperty', 'code after a raw string')
  call s:Syn('^\s*\zsmodel y {', 0, 'mlopsBlockComment', 'the second line of a block comment')
  call s:Syn('"not a string"', 0, 'mlopsBlockComment', 'no string inside a block comment')
  call s:Syn('""""  \zsnext', 0, 'mlopsProperty', 'a raw string ending in a quote ends with its last three quotes')
  call s:Syn('^\s*\zsexpect  = 1', 0, 'mlopsProperty', 'expect = 1 is a property')
  call s:Syn('metrics\.\zsin', 0, 'mlopsMember', 'a keyword after a dot is a member')
  call s:Syn('\<or\> not', 0, 'mlopsLogical', 'or')
  call s:Syn('or \zsnot', 0, 'mlopsLogical', 'not')
  call s:Syn('^check \zspsi', 0, 'mlopsDeclName', 'a check name')
  call s:Syn('drift\.\zspsi', 0, 'mlopsFunction', 'a call after a dot')
  call s:Syn('on \zsdata {', 0, 'mlopsDeclKeyword', 'data after on')

  " ---- typing: Enter after `{` indents, `}` at the start of a line dedents
  enew!
  setfiletype mlops
  execute "normal! imodel typed {\<CR>owner = a\<CR>outputs {\<CR>m = \"x\"\<CR>}\<CR>on = [\<CR>manual,\<CR>]\<CR>}\<Esc>"
  call s:Eq(map(range(1, line('$')), 'indent(v:val)'), [0, 2, 2, 4, 2, 2, 4, 2, 0], 'indentation while typing a block')
  call s:Eq(getline(4), '    m = "x"', 'typed lines are indented with spaces')
  bwipe!

  " ---- gg=G on the unindented copies
  for entry in readfile($MLOPS_INDENT_LIST)
    let [input, output; rest] = split(entry)
    execute 'edit ' . fnameescape(input)
    normal! gg=G
    execute 'write! ' . fnameescape(output)
    bwipe!
  endfor

  " ---- b:undo_ftplugin
  execute 'edit ' . fnameescape($MLOPS_SAMPLE)
  execute b:undo_ftplugin
  execute b:undo_indent
  call s:Eq(&l:commentstring, &g:commentstring, 'b:undo_ftplugin restores commentstring')
  call s:Eq(&l:shiftwidth, &g:shiftwidth, 'b:undo_ftplugin restores shiftwidth')
  call s:Eq(&l:indentexpr, &g:indentexpr, 'b:undo_indent restores indentexpr')
catch
  call s:Check(0, 'error: ' . v:exception . ' at ' . v:throwpoint)
endtry
call add(s:results, 'done')
call writefile(s:results, $MLOPS_RESULTS)
qall!
EOF

# run_editor NAME CMD...: runs check.vim in the editor, then reads the results.
run_editor() {
  local editor=$1
  shift
  local results=$work/$editor.results
  rm -f "$results" "$work"/out*.mlops
  local t0=$SECONDS rc=0
  MLOPS_VIM_DIR=$plugin MLOPS_EXAMPLE=$example MLOPS_SAMPLE=$work/sample.mlops \
    MLOPS_INDENT_LIST=$work/indent.list MLOPS_RESULTS=$results \
    timeout 300 "$@" -S "$work/check.vim" </dev/null >"$work/$editor.log" 2>&1 || rc=$?
  if [[ ! -s $results ]] || [[ $(tail -n1 "$results") != done ]]; then
    fail "$editor: check.vim did not finish (exit $rc): $(head -c 800 "$work/$editor.log")"
    return 0
  fi
  pass "$editor: check.vim ran ($((SECONDS - t0))s)"
  local line
  while IFS= read -r line; do
    case $line in
      "ok "*) pass "$editor: ${line#ok }" ;;
      "FAIL "*) fail "$editor: ${line#FAIL }" ;;
    esac
  done <"$results"
  local input output original label
  while read -r input output original label; do
    if [[ ! -f $output ]]; then
      fail "$editor: gg=G wrote no $output for $label"
    elif cmp -s "$original" "$output"; then
      pass "$editor: gg=G on $label gives the original indentation"
    else
      fail "$editor: gg=G on $label differs from the original:"
      diff -u "$original" "$output" | head -n 30 | sed 's/^/      | /' >&2 || true
    fi
  done <"$work/indent.list"
}

if command -v vim >/dev/null 2>&1; then
  pass "vim: $(vim --version | head -n1)"
  run_editor vim vim -Nu NONE -i NONE -n -es
else
  fail "vim is not installed (Debian package vim)"
fi
if ! command -v nvim >/dev/null 2>&1; then
  echo "# nvim is not installed (Debian package neovim): Neovim not tested"
  exit 0
fi
pass "nvim: $(nvim --version | head -n1)"
run_editor nvim nvim --headless -u NONE -i NONE -n

# ---- the README's Neovim LSP snippets, against a stand-in server
mkdir -p stub/bin gitroot/.git gitroot/specs
cp "$example" gitroot/specs/a.mlops
cp "$src/examples/credit-risk/teams.mlops" gitroot/specs/b.mlops
cat >stub/bin/mlopsc <<'STUB'
#!/usr/bin/env python3
# Stand-in for `mlopsc lsp`: answers initialize and shutdown, logs each message.
import json, os, sys
if sys.argv[1:] != ["lsp"]:
    sys.exit(2)
log = open(os.environ["STUB_LOG"], "a")
inp, out = sys.stdin.buffer, sys.stdout.buffer
def send(msg):
    body = json.dumps(msg).encode()
    out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    out.flush()
while True:
    length = None
    while True:
        line = inp.readline()
        if not line:
            sys.exit(0)
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    msg = json.loads(inp.read(length))
    method, params = msg.get("method"), msg.get("params") or {}
    detail = params.get("rootUri") if method == "initialize" else params.get("textDocument", {}).get("uri", "")
    log.write("%s %s\n" % (method, detail))
    log.flush()
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"capabilities": {"textDocumentSync": 1}}})
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
    elif method == "exit":
        sys.exit(0)
STUB
chmod +x stub/bin/mlopsc
cat >snippet_test.lua <<'LUA'
local out = {}
local ok, err = pcall(dofile, os.getenv('SNIPPET'))
table.insert(out, (ok and 'ok ' or 'FAIL ') .. 'the snippet runs' .. (ok and '' or ': ' .. tostring(err)))
local function clients() return vim.tbl_values(vim.lsp.buf_get_clients(0)) end
vim.cmd('edit a.mlops')
local attached = vim.wait(10000, function()
  for _, c in ipairs(clients()) do if c.initialized then return true end end
  return false
end, 50)
table.insert(out, (attached and 'ok ' or 'FAIL ') .. 'a.mlops: a client attached and initialized')
local first = clients()[1]
if first then
  table.insert(out, (first.name == 'mlopsc' and 'ok ' or 'FAIL ') .. 'the client is named mlopsc: ' .. first.name)
  local root = vim.loop.fs_realpath(first.config.root_dir or '') or tostring(first.config.root_dir)
  local want = vim.loop.fs_realpath(os.getenv('ROOT'))
  table.insert(out, (root == want and 'ok ' or 'FAIL ') .. 'root_dir is the git checkout: ' .. root)
end
vim.cmd('edit b.mlops')
vim.wait(5000, function() return #clients() > 0 end, 50)
local same = #clients() == 1 and first ~= nil and clients()[1].id == first.id
table.insert(out, (same and 'ok ' or 'FAIL ') .. 'b.mlops: attached to the same client')
local n = #vim.lsp.get_active_clients()
table.insert(out, (n == 1 and 'ok ' or 'FAIL ') .. 'one client for both buffers: ' .. n)
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
table.insert(out, 'done')
vim.fn.writefile(out, os.getenv('OUT'))
vim.cmd('qall!')
LUA

# snippet_test LABEL HEADING: runs the first lua block under HEADING in the README.
snippet_test() {
  local label=$1 heading=$2
  awk -v h="$heading" 'index($0, h) == 1 {f = 1} f && /^```lua/ {g = 1; next} g && /^```/ {exit} g' \
    "$plugin/README.md" >"$work/snippet.lua"
  if [[ ! -s $work/snippet.lua ]]; then fail "nvim: no lua block under '$heading' in editors/vim/README.md"; return 0; fi
  : >"$work/stub.log"
  rm -f "$work/snippet.out"
  (cd "$work/gitroot/specs" && PATH=$work/stub/bin:$PATH STUB_LOG=$work/stub.log SNIPPET=$work/snippet.lua \
    OUT=$work/snippet.out ROOT=$work/gitroot timeout 60 nvim --headless -u NONE -i NONE -n \
    --cmd "set rtp^=$plugin" --cmd 'filetype plugin indent on' -c "luafile $work/snippet_test.lua" \
    </dev/null >"$work/snippet.log" 2>&1) || true
  if [[ ! -s $work/snippet.out ]] || [[ $(tail -n1 "$work/snippet.out") != done ]]; then
    fail "nvim $label: the snippet test did not finish: $(head -c 800 "$work/snippet.log")"
    return 0
  fi
  local line
  while IFS= read -r line; do
    case $line in
      "ok "*) pass "nvim $label: ${line#ok }" ;;
      "FAIL "*) fail "nvim $label: ${line#FAIL }" ;;
    esac
  done <"$work/snippet.out"
  local opened
  opened=$(grep -c '^textDocument/didOpen file://.*/specs/[ab]\.mlops$' "$work/stub.log" || true)
  if grep -q '^initialize file://' "$work/stub.log" && ((opened == 2)); then
    pass "nvim $label: the server got initialize and a didOpen for each file"
  else
    fail "nvim $label: the server saw: $(tr '\n' ';' <"$work/stub.log")"
  fi
}
snippet_test "README (Neovim 0.7, vim.lsp.start_client)" "### Neovim 0.7"
if nvim --headless -u NONE -i NONE -n -c 'lua io.stdout:write(vim.lsp.start and "yes" or "no")' -c 'qall!' 2>/dev/null | grep -q yes; then
  snippet_test "README (Neovim 0.8+, vim.lsp.start)" "### Neovim 0.8"
else
  echo "# this Neovim has no vim.lsp.start (it is 0.7): the Neovim 0.8+ snippet is not run"
fi

#!/usr/bin/env bash
# `mlopsc lsp` under Neovim's built-in LSP client, headless
# (tests/lsp/neovim/lsp_test.lua; Debian's neovim, 0.7 API: vim.lsp.start_client).
# For copies of examples/credit-risk and examples/churn-ab, each with one
# injected error (an undefined role: E0201; a misspelled enum value: E0303):
# `mlopsc check` reports it on a known line; in Neovim, vim.diagnostic.get()
# reports the same code, line and column with the did-you-mean and the
# docs link; hover on a role reference shows the role's members; go to
# definition (buf_request_sync and vim.lsp.buf.definition()) lands on the
# role's name in the imported teams.mlops; the server's quick fix, applied
# by Neovim, gives back the original line and its incremental didChange
# clears the diagnostic; stopping the client ends the server with status 0.
#
# Skips (exit 0) only when nvim is not installed. Each Neovim run is bounded
# by a timeout (MLOPS_NVIM_TIMEOUT seconds, default 60).
set -euo pipefail

# Harness (pass, fail, a temporary folder $E2E_WORK, the summary): lib.bash.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
name=$E2E_NAME
work=$E2E_WORK
start=$SECONDS

if ! command -v nvim >/dev/null 2>&1; then
  echo "SKIP - $name: nvim is not installed (Debian package neovim): the Neovim LSP client is not tested"
  exit 0
fi
if [[ ! -x $MLOPSC ]]; then
  fail "MLOPSC=$MLOPSC is not an executable (build first, or set MLOPSC)"
  exit 0
fi
MLOPSC=$(cd "$(dirname "$MLOPSC")" && pwd)/$(basename "$MLOPSC")
script=$src/tests/lsp/neovim/lsp_test.lua
[[ -f $script ]] || { fail "tests/lsp/neovim/lsp_test.lua is missing"; exit 0; }
pass "$(nvim --version | head -n1)"
if grep -q __asan_init "$MLOPSC" 2>/dev/null; then nvim_timeout=${MLOPS_NVIM_TIMEOUT:-180}; else nvim_timeout=${MLOPS_NVIM_TIMEOUT:-60}; fi

# line_of FILE ERE: the first line (1-based) matching ERE.
line_of() { grep -n -m1 -E -- "$2" "$1" | cut -d: -f1; }
# col_of FILE LINE WORD: the 0-based byte column of WORD on LINE.
col_of() { sed -n "${2}p" "$1" | awk -v w="$3" '{ i = index($0, w); print (i ? i - 1 : -1) }'; }

# run_case LABEL EXAMPLE SPEC LINE_ERE FROM TO REF_ERE REF_WORD DEF_ERE DEF_WORD HOVER
#   copies examples/EXAMPLE, replaces FROM by TO on the first line of SPEC
#   matching LINE_ERE, and tests the diagnostic on that line, then the
#   definition of REF_WORD (on the first line matching REF_ERE), declared in
#   teams.mlops on the line matching DEF_ERE at DEF_WORD.
run_case() {
  local label=$1 example=$2 spec=$3 line_ere=$4 from=$5 to=$6 ref_ere=$7 ref_word=$8 def_ere=$9 def_word=${10} hover=${11}
  local dir=$work/$label
  cp -R "$src/examples/$example" "$dir"
  local file=$dir/$spec teams=$dir/teams.mlops
  local line fixed
  line=$(line_of "$file" "$line_ere")
  if [[ -z $line ]]; then fail "$label: no line of $spec matches /$line_ere/"; return 0; fi
  fixed=$(sed -n "${line}p" "$file")
  local col
  col=$(col_of "$file" "$line" "$from")
  if ((col < 0)); then fail "$label: \`$from\` is not on line $line of $spec"; return 0; fi
  # Inject the error: FROM -> TO at that column.
  python3 - "$file" "$line" "$col" "$from" "$to" <<'PY'
import sys
path, line, col, old, new = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
lines = open(path, encoding="utf-8").read().split("\n")
l = lines[line - 1]
assert l[col:col + len(old)] == old
lines[line - 1] = l[:col] + new + l[col + len(old):]
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY

  # What the command line reports: exactly one error, on that line.
  local rc=0
  (cd "$dir" && timeout 20 "$MLOPSC" check "$spec") >"$work/$label.check" 2>&1 || rc=$?
  local errors diag code cli_line cli_col
  errors=$(grep -c -E ': error\[E[0-9]{4}\]' "$work/$label.check" || true)
  diag=$(grep -m1 -E ': error\[E[0-9]{4}\]' "$work/$label.check" || true)
  if ((rc == 1)) && ((errors == 1)) && [[ $diag =~ ^$spec:([0-9]+):([0-9]+):\ error\[(E[0-9]{4})\] ]]; then
    cli_line=${BASH_REMATCH[1]} cli_col=${BASH_REMATCH[2]} code=${BASH_REMATCH[3]}
    pass "$label: mlopsc check reports one error: $code at $spec:$cli_line:$cli_col"
  else
    fail "$label: mlopsc check (exit $rc) should report exactly one error:"; show "$work/$label.check"
    return 0
  fi
  if ((cli_line == line && cli_col == col + 1)); then
    pass "$label: the error is where it was injected ($spec:$line:$((col + 1)))"
  else
    fail "$label: the error is at $cli_line:$cli_col, injected at $line:$((col + 1))"
  fi

  local ref_line ref_col def_line def_col
  ref_line=$(line_of "$file" "$ref_ere")
  def_line=$(line_of "$teams" "$def_ere")
  if [[ -z $ref_line || -z $def_line ]]; then fail "$label: no reference /$ref_ere/ or declaration /$def_ere/"; return 0; fi
  ref_col=$(col_of "$file" "$ref_line" "$ref_word")
  def_col=$(col_of "$teams" "$def_line" "$def_word")

  local results=$work/$label.results t0=$SECONDS
  rc=0
  (cd "$dir" && MLOPSC=$MLOPSC MLOPS_NVIM_ROOT=$dir MLOPS_NVIM_FILE=$file MLOPS_NVIM_CODE=$code \
    MLOPS_NVIM_LNUM=$((line - 1)) MLOPS_NVIM_COL=$col MLOPS_NVIM_FIXED=$fixed \
    MLOPS_NVIM_REF_LNUM=$((ref_line - 1)) MLOPS_NVIM_REF_COL=$((ref_col + 2)) \
    MLOPS_NVIM_DEF_FILE=$teams MLOPS_NVIM_DEF_LNUM=$((def_line - 1)) MLOPS_NVIM_DEF_COL=$def_col \
    MLOPS_NVIM_HOVER=$hover MLOPS_NVIM_RESULTS=$results \
    timeout -k 5 "$nvim_timeout" nvim --headless -u NONE -i NONE -n -c "luafile $script" \
    </dev/null >"$work/$label.log" 2>&1) || rc=$?
  if [[ ! -s $results ]] || [[ $(tail -n1 "$results") != "done" ]]; then
    if ((rc == 124 || rc == 137)); then fail "$label: nvim did not finish within ${nvim_timeout}s"
    else fail "$label: nvim ended (exit $rc) without its results"; fi
    [[ -s $results ]] && show "$results"
    show "$work/$label.log"
    return 0
  fi
  if ((rc == 0)); then pass "$label: nvim ran lsp_test.lua and quit ($((SECONDS - t0))s)"
  else fail "$label: nvim exited $rc"; show "$work/$label.log"; fi
  local result
  while IFS= read -r result; do
    case $result in
      "ok "*) pass "$label (nvim): ${result#ok }" ;;
      "FAIL "*) fail "$label (nvim): ${result#FAIL }" ;;
    esac
  done <"$results"
}

#        label        example      spec               line with the error             from      to
#        reference line                              word          declaration                  word          hover shows
run_case credit-risk  credit-risk  credit_risk.mlops  '^\s*owner\s*=\s*modelers\b'    modelers  modelerz \
         '^\s*approvals\s*=\s*\[2 of validators'     validators    '^role validators\b'         validators    'carol@bank.example'
run_case churn-ab     churn-ab     churn_ab.mlops     '^\s*risk_tier\s*=\s*medium\b'  medium    mediun \
         '^\s*approvals\s*=\s*\[retention_lead, architects\]'  architects  '^role architects\b'  architects    'members:'

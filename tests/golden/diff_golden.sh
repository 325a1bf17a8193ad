#!/usr/bin/env bash
# Golden governance diffs (docs/diff.md): for each tests/golden/diff/CASE/,
# `mlopsc diff BASE NEW` must print exactly CASE/expected.md and, with
# --format json, CASE/expected.json. Each case runs in a scratch folder
# holding tests/golden/diff/shared/ and then the case's own files, so the
# locations in the output are short relative paths (`new.mlops:97`):
#   BASE: CASE/base.pipeline.json, else CASE/base.mlops, else /dev/null when
#         CASE/base-absent exists, else shared/base.mlops (the credit-risk
#         example in one file); with CASE/base-as-ir the base spec is
#         first built into ir/pipeline.json and that is the base.
#   NEW:  CASE/new.mlops, or /dev/null when CASE/head-absent exists.
# `diff_golden.sh --update` rewrites the expected files (tests/update-golden
# runs it); review the diff.
set -euo pipefail
MLOPS_SOURCE_DIR=${MLOPS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MLOPSC=${MLOPSC:-$MLOPS_SOURCE_DIR/build/mlopsc}
MLOPSC=$(cd "$(dirname "$MLOPSC")" && pwd)/$(basename "$MLOPSC")
update=0
[[ ${1:-} == --update ]] && update=1
cases=$MLOPS_SOURCE_DIR/tests/golden/diff
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
count=0
for dir in "$cases"/*/; do
  name=$(basename "$dir")
  [[ $name == shared ]] && continue
  count=$((count + 1))
  scratch=$work/$name
  mkdir -p "$scratch"
  cp -R "$cases/shared/." "$scratch/"
  cp -R "$dir/." "$scratch/"
  rm -f "$scratch/expected.md" "$scratch/expected.json"
  cd "$scratch"
  if [[ -f base.pipeline.json ]]; then base=base.pipeline.json
  elif [[ -f base-absent ]]; then base=/dev/null
  else base=base.mlops
  fi
  if [[ -f base-as-ir ]]; then
    "$MLOPSC" build base.mlops -o ir --emit ir >/dev/null 2>&1 || { echo "FAIL: $name: the base does not build"; status=1; cd "$work"; continue; }
    base=ir/pipeline.json
  fi
  new=new.mlops
  [[ -f head-absent ]] && new=/dev/null
  for format in md json; do
    out=$work/$name.$format
    rc=0
    "$MLOPSC" diff "$base" "$new" --format "$format" >"$out" 2>"$work/$name.err" || rc=$?
    if ((rc != 0)); then
      echo "FAIL: $name: mlopsc diff $base $new --format $format exited $rc"
      cat "$work/$name.err"
      status=1
      continue
    fi
    if ((update)); then
      cp "$out" "$dir/expected.$format"
    elif ! diff -u "$dir/expected.$format" "$out"; then
      echo "FAIL: $name: the $format diff differs from $dir/expected.$format (tests/update-golden if intended)"
      status=1
    else
      echo "ok - $name ($format)"
    fi
  done
  cd "$work"
done
((count >= 12)) || { echo "FAIL: only $count golden diff cases"; status=1; }
((update)) && echo "updated $count cases in tests/golden/diff/"
exit $status

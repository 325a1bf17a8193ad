#!/usr/bin/env bash
# docs/diagnostics.md ends with the catalogue generated from
# compiler/diag/diagnostic_kinds.def (`mlopsc explain --catalogue`); this
# test fails when they differ. Refresh with tests/update-docs.
set -euo pipefail
doc="$MLOPS_SOURCE_DIR/docs/diagnostics.md"
marker='<!-- catalogue: generated -->'
grep -qxF "$marker" "$doc" || { echo "FAIL: $doc has no line '$marker'"; exit 1; }
expected=$(mktemp); actual=$(mktemp)
trap 'rm -f "$expected" "$actual"' EXIT
"$MLOPSC" explain --catalogue > "$expected"
sed -n "/^$marker\$/,\$p" "$doc" | tail -n +2 > "$actual"
if ! diff -u "$actual" "$expected"; then
  echo "FAIL: the catalogue in docs/diagnostics.md is out of date; run tests/update-docs"
  exit 1
fi
echo "docs/diagnostics.md catalogue is up to date"

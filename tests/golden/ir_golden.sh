#!/usr/bin/env bash
# Golden IR and graph: `mlopsc build` of every example must write exactly
# tests/golden/ir/EXAMPLE.pipeline.json and tests/golden/ir/EXAMPLE.dot
# (refresh with tests/update-golden). The DOT is compared, not the SVG: SVG
# bytes depend on the Graphviz version and fonts of the machine.
# Runs from the source root so the paths inside the IR are the same on
# every machine.
set -euo pipefail
cd "$MLOPS_SOURCE_DIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for spec in examples/*/*.mlops; do
  [[ $(basename "$spec") == teams.mlops ]] && continue
  name=$(basename "$(dirname "$spec")")
  golden=tests/golden/ir/$name.pipeline.json
  "$MLOPSC" build "$spec" -o "$work/$name"
  if ! diff -u "$golden" "$work/$name/pipeline.json"; then
    echo "FAIL: $golden differs from the IR of $spec (run tests/update-golden if the change is intended)"
    status=1
  else
    echo "ok - $spec: IR"
  fi
  dot_golden=tests/golden/ir/$name.dot
  if ! diff -u "$dot_golden" "$work/$name/graph/pipeline.dot"; then
    echo "FAIL: $dot_golden differs from the graph of $spec (run tests/update-golden if the change is intended)"
    status=1
  else
    echo "ok - $spec: graph"
  fi
done
exit $status

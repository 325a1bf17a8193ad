#!/usr/bin/env bash
# Golden IR: `mlopsc build` of every example must write exactly
# tests/golden/ir/EXAMPLE.pipeline.json (refresh with tests/update-golden).
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
    echo "ok - $spec"
  fi
done
exit $status

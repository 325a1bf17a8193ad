#!/usr/bin/env bash
# Golden IR, graph and CI files: `mlopsc build` of every example (and of each
# fan-out golden, tests/golden/fan_out/NAME.mlops) must write
# exactly tests/golden/ir/EXAMPLE.pipeline.json, tests/golden/ir/EXAMPLE.dot
# and the tree tests/golden/ci/EXAMPLE/ (github/, gitlab/, argo/), built with
# --ci-ir-path examples/EXAMPLE/mlops/pipeline.json, and with --emit=slurm
# the SLURM submit scripts tests/golden/slurm/EXAMPLE/*.sh (fan-out:
# NAME.slurm/) (refresh with tests/update-golden). The DOT is compared, not the SVG: SVG
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
  "$MLOPSC" build "$spec" -o "$work/$name" --ci-ir-path "examples/$name/mlops/pipeline.json" 2>/dev/null
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
  if ! diff -r -u "tests/golden/ci/$name" "$work/$name" -x graph -x pipeline.json -x audit; then
    echo "FAIL: tests/golden/ci/$name differs from the CI files of $spec (run tests/update-golden if the change is intended)"
    status=1
  else
    echo "ok - $spec: CI files"
  fi
  "$MLOPSC" build "$spec" -o "$work/slurm-$name" --emit=slurm 2>/dev/null
  mkdir -p "$work/slurm-$name/slurm"
  if ! diff -r -u -N "tests/golden/slurm/$name" "$work/slurm-$name/slurm"; then
    echo "FAIL: tests/golden/slurm/$name differs from the SLURM submit scripts of $spec (run tests/update-golden if the change is intended)"
    status=1
  else
    echo "ok - $spec: SLURM submit scripts"
  fi
done
# The fan-out goldens (a foreach list, a foreach map, a matrix): the IR, the
# graph and the CI files of each tests/golden/fan_out/NAME.mlops.
for spec in tests/golden/fan_out/*.mlops; do
  name=$(basename "$spec" .mlops)
  dir=tests/golden/fan_out
  "$MLOPSC" build "$spec" -o "$work/fan_out_$name" --ci-ir-path "$dir/mlops/pipeline.json" 2>/dev/null
  if diff -u "$dir/$name.pipeline.json" "$work/fan_out_$name/pipeline.json" &&
     diff -u "$dir/$name.dot" "$work/fan_out_$name/graph/pipeline.dot" &&
     diff -r -u "$dir/$name.ci" "$work/fan_out_$name" -x graph -x pipeline.json -x audit &&
     "$MLOPSC" build "$spec" -o "$work/fan_out_slurm_$name" --emit=slurm 2>/dev/null &&
     diff -r -u "$dir/$name.slurm" "$work/fan_out_slurm_$name/slurm"; then
    echo "ok - $spec: IR, graph, CI files and SLURM submit scripts"
  else
    echo "FAIL: $dir/$name.* differ from the build of $spec (run tests/update-golden if the change is intended)"
    status=1
  fi
done
exit $status

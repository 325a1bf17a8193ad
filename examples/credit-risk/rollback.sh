#!/bin/sh
# Rollback of the credit-risk example (`rollback` of `deploy scorer_prod`).
#
#   ./rollback.sh
#
# mlopsc runs it when a monitor of the deploy fails between canary steps.
# The example prints what it would undo (from build/deploy_state, written by
# deploy.sh) and marks the rollout as rolled back; it never fails when there
# is nothing to roll back, so it is safe to run twice.
set -eu

target="${MLOPS_DEPLOY_TARGET:-k8s://prod/credit-scoring}"

if [ -f build/deploy_state ]; then
  model="$(sed -n 's/^model=//p' build/deploy_state)"
  percent="$(sed -n 's/^percent=//p' build/deploy_state)"
  echo "rollback: would route ${percent}% of $target traffic back from $model to the previous model"
  mv build/deploy_state build/deploy_state.rolled_back
else
  echo "rollback: no rollout recorded for $target; nothing to undo"
fi

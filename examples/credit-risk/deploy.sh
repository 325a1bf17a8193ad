#!/bin/sh
# Deploy step of the credit-risk example (`deploy scorer_prod` in credit_risk.mlops).
#
#   MLOPS_TRAFFIC_PERCENT=10 ./deploy.sh build/scorer.json
#
# The example has no cluster: "serving" is the folder serving/. The script
# copies the model to serving/scorer.json (keeping the model it replaces as
# serving/scorer.previous.json for rollback.sh) and writes what a serving
# side would report, serving/live_metrics.json, which the monitor
# `scorer_live` reads between canary steps (with the approval rate the
# scorer achieves in production: the online reading of `kpi approval_rate`). mlopsc runs it once per canary
# step (10%, 50%, 100%) with MLOPS_TRAFFIC_PERCENT and MLOPS_ROLLOUT_STEP
# (`1/3`, ...); without them it deploys 100% in one step.
set -eu

target="${MLOPS_DEPLOY_TARGET:-k8s://prod/credit-scoring}"

if [ "$#" -ne 1 ]; then
  echo "usage: MLOPS_TRAFFIC_PERCENT=N $0 MODEL_JSON" >&2
  exit 2
fi
model="$1"
if [ ! -s "$model" ]; then
  echo "deploy: model file '$model' is missing or empty" >&2
  exit 1
fi

percent="${MLOPS_TRAFFIC_PERCENT:-100}"
percent="${percent%\%}"                      # accept "10" and "10%"
case "$percent" in
  ''|*[!0-9.]*|*.*.*) echo "deploy: MLOPS_TRAFFIC_PERCENT='$percent' is not a number" >&2; exit 2 ;;
esac
if ! awk -v p="$percent" 'BEGIN { exit !(p > 0 && p <= 100) }'; then
  echo "deploy: MLOPS_TRAFFIC_PERCENT=$percent is outside (0, 100]" >&2
  exit 2
fi

digest="$(sha256sum "$model" | cut -d' ' -f1)"
short="${digest%"${digest#????????????}"}"
mkdir -p serving

# The first step of a rollout keeps the model being replaced.
case "${MLOPS_ROLLOUT_STEP:-1/1}" in
  1/*)
    if [ -f serving/scorer.json ] && ! cmp -s serving/scorer.json "$model"; then
      cp serving/scorer.json serving/scorer.previous.json
    fi ;;
esac
cp "$model" serving/scorer.json.tmp
mv serving/scorer.json.tmp serving/scorer.json

cat > serving/live_metrics.json.tmp <<JSON
{
  "model_sha256": "$digest",
  "traffic_percent": $percent,
  "error_rate": 0.01,
  "p95_latency_ms": 42,
  "requests_per_minute": 1200,
  "business": { "approval_rate": 0.41 }
}
JSON
mv serving/live_metrics.json.tmp serving/live_metrics.json
echo "deploy: serving $model (sha256 $short) on $target at ${percent}% of traffic"

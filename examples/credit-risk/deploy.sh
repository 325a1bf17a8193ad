#!/bin/sh
# Deploy step of the credit-risk example (`deploy scorer_prod` in credit_risk.mlops).
#
#   MLOPS_TRAFFIC_PERCENT=10 ./deploy.sh build/scorer.json
#
# The example does not talk to a cluster: it prints what it would deploy and
# records the rollout state in build/deploy_state so rollback.sh can report
# what it undoes. mlopsc runs it once per canary step (10%, 50%, 100%) with
# MLOPS_TRAFFIC_PERCENT set; without it the script deploys 100%.
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
echo "deploy: would roll out $model (sha256 ${digest%"${digest#????????????}"}) to $target at ${percent}% of traffic"

mkdir -p build
printf 'model=%s\nsha256=%s\ntarget=%s\npercent=%s\n' "$model" "$digest" "$target" "$percent" > build/deploy_state.tmp
mv build/deploy_state.tmp build/deploy_state

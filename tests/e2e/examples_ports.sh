#!/usr/bin/env bash
# The three ports of public pipelines in examples/ (issue 19, item 8), each
# on a copy in a temporary folder: `check -Werror` reports nothing, `run`
# succeeds and writes the outputs and metrics the README describes, and one
# change per port shows the feature it was ported for:
#   dvc-get-started   changing one key of params.yaml reruns only the node
#                     that reads it (and its tests); the pinned git import of
#                     the original data checks clean too
#   kfp-xgboost       effect steps are recorded and not rerun; a worse
#                     challenger (-P n_estimators=2) leaves the gate skipped
#                     (condition false) and the champion in place, exit 0; a
#                     better one (-P max_depth=2) is promoted
#   mlflow-multistep  -P keras_hidden_units=10 reruns only train_keras; a value
#                     outside a param's `where` is refused before anything runs
# The ports' steps are Python scripts: each run takes a few seconds, more on
# a loaded machine, hence the longer timeout.
: "${MLOPS_E2E_TIMEOUT:=120}"
export MLOPS_E2E_TIMEOUT
source "$(dirname "$0")/lib.bash"

# port NAME: a fresh copy of examples/NAME in the work folder, without what a
# run there may have left.
port() {
  rm -rf "$E2E_WORK/$1"
  cp -r "$MLOPS_SOURCE_DIR/examples/$1" "$E2E_WORK/$1"
  rm -rf "$E2E_WORK/$1/build" "$E2E_WORK/$1/.mlops"
  cd "$E2E_WORK/$1"
}

# expect_output_contains TEXT WHAT: in stdout or stderr (a warning test that
# does not hold is reported on both).
expect_output_contains() {
  if _contains "$STDOUT" "$1" || _contains "$STDERR" "$1"; then pass "$2"; else fail "$2: expected the output to contain: $1"; fi
}

# expect_number FILE PATH OP VALUE WHAT: the number at PATH in the JSON FILE compares as OP VALUE.
expect_number() {
  local actual
  actual=$(json_get "$1" "$2")
  if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) $3 float(sys.argv[2]) else 1)" "$actual" "$4" 2>/dev/null; then
    pass "$5: $2 = $actual $3 $4"
  else
    fail "$5: expected $2 $3 $4 in $1, got [$actual]"
  fi
}

expect_file() {
  if [[ -s $1 ]]; then pass "$2: $1 written"; else fail "$2: $1 missing or empty"; fi
}

# check_clean SPEC: `check -Werror` exits 0 and reports nothing (no W07xx
# either: those come from `build`, never from `check`).
check_clean() {
  run check -Werror "$1"
  expect_exit 0 "check -Werror $1"
  expect_only_codes "" "check -Werror $1"
}

# ---------------------------------------------------------------- dvc-get-started
port dvc-get-started
check_clean dvc_get_started.mlops

run run dvc_get_started.mlops -j2
expect_exit 0 "dvc: the pipeline runs end to end"
for node in "step prepare" "step featurize@train" "step featurize@test" "model classifier" \
  "model sweep@10-0.01" "model sweep@10-0.05" "model sweep@50-0.01" "model sweep@50-0.05"; do
  expect_stdout_contains "$node: ran" "dvc: $node ran"
done
expect_stdout_contains "test roc_auc_floor: passed" "dvc: the nested-metric test passed"
expect_output_contains "test avg_prec_floor: passed" "dvc: the indexed-metric test passed"
expect_file build/features/train.json "dvc: featurize@train"
expect_file build/features/test.json "dvc: featurize@test"
expect_number build/eval/metrics.json roc_auc.test ">=" 0.8 "dvc: held-out ROC AUC"
expect_number build/eval/metrics.json avg_prec.test ">=" 0.75 "dvc: held-out average precision"
expect_file build/eval/plots/sklearn/roc/test.json "dvc: the ROC plot"
expect_file build/eval/plots/sklearn/prc/test.json "dvc: the precision-recall plot"
expect_file build/sweep/50-0.05/metrics.json "dvc: a sweep item's metrics"

# One key of params.yaml: train.n_est is read by the classifier alone.
sed -i 's/^  n_est: 50$/  n_est: 60/' params.yaml
if grep -q '^  n_est: 60$' params.yaml; then pass "dvc: train.n_est changed to 60"; else fail "dvc: could not change train.n_est in params.yaml"; fi
run run dvc_get_started.mlops -j2
expect_exit 0 "dvc: rerun after changing train.n_est"
expect_stdout_contains "model classifier: ran" "dvc: the node reading train.n_est reruns"
for node in "step prepare" "step featurize@train" "step featurize@test" "model sweep@10-0.01" "model sweep@50-0.05"; do
  expect_stdout_contains "$node: cached" "dvc: $node does not read train.n_est and is cached"
done

# The original's data: a pinned import from DVC's dataset registry (checked,
# not fetched: check reads no source).
sed -i 's|source      = file("data/data.xml")|source      = git("https://github.com/iterative/dataset-registry", rev = "f59388cd04276e75d70b2136597aaa27e7937cc3", path = "get-started/data.xml")|' \
  dvc_get_started.mlops
if grep -q 'dataset-registry' dvc_get_started.mlops; then pass "dvc: the data source is now the registry import"; else fail "dvc: could not swap the data source"; fi
check_clean dvc_get_started.mlops

# ---------------------------------------------------------------- kfp-xgboost
port kfp-xgboost
check_clean xgboost_training.mlops

run run xgboost_training.mlops -j2
expect_exit 0 "kfp: the pipeline runs end to end"
for node in "step ingest" "step split_train" "step split_valid" "step split_test" "step data_cleaning" \
  "step extract_train" "step extract_valid" "step extract_test" "model xgb_model"; do
  expect_stdout_contains "$node: ran" "kfp: $node ran"
done
expect_file build/warehouse/vertex-demo-project/preprocessing/ingested_data_xgb_training.csv "kfp: the ingest effect (stand-in table)"
expect_file build/datasets/test.csv "kfp: the test extract"
expect_number build/metrics.json rSquared ">=" 0.5 "kfp: the first model's fit"
expect_output_contains "test beats_champion: passed (no baseline yet" "kfp: the first model has no champion to beat"
expect_stdout_contains "gate promote: passed" "kfp: the first model passes the gate without approvals"
expect_stdout_contains "deploy set_default_alias: rolled out" "kfp: the first model is promoted"
expect_json build/registry/simple_xgboost.json default 1 "kfp: version 1 is the default"

# Nothing changed: the effect steps are recorded, not rerun.
run run xgboost_training.mlops -j2
expect_exit 0 "kfp: rerun with nothing changed"
expect_stdout_contains "step ingest: cached" "kfp: an effect step is not rerun when nothing it is keyed on changed"
expect_stdout_contains "step split_test: cached" "kfp: nor its order-only dependants"
expect_stdout_contains "gate promote: passed" "kfp: the champion compared with itself still passes"
expect_stdout_contains "deploy set_default_alias: cached" "kfp: and is not promoted twice"

# A worse challenger: the warning test fails, the gate's condition is false.
run run xgboost_training.mlops -j2 -P n_estimators=2
expect_exit 0 "kfp: a losing challenger does not fail the run"
expect_stdout_contains "model xgb_model: ran" "kfp: -P n_estimators reruns the model"
expect_stdout_contains "step ingest: cached" "kfp: and not the queries, which do not read it"
expect_output_contains "test beats_champion: warning" "kfp: the challenger loses to the champion (a warning)"
expect_output_contains "gate promote: skipped (condition false: beats_champion.passed and xgb_model.metrics.rSquared > 0.5, with beats_champion.passed = false)" "kfp: the gate is skipped, not failed"
expect_output_contains "deploy set_default_alias: skipped" "kfp: and the promotion after it"
expect_json build/registry/simple_xgboost.json default 1 "kfp: the champion stays the default"

# A better challenger is promoted over the champion.
run run xgboost_training.mlops -j2 -P max_depth=2
expect_exit 0 "kfp: a winning challenger"
expect_output_contains "test beats_champion: passed" "kfp: the challenger beats the champion"
expect_stdout_contains "gate promote: passed" "kfp: the gate passes"
expect_stdout_contains "deploy set_default_alias: rolled out" "kfp: the challenger is promoted"
expect_json build/registry/simple_xgboost.json default 2 "kfp: version 2 is the default"

# ---------------------------------------------------------------- mlflow-multistep
port mlflow-multistep
check_clean multistep.mlops

run run multistep.mlops -j2
expect_exit 0 "mlflow: the pipeline runs end to end"
for node in "step load_raw_data" "step etl_data" "model als" "model train_keras"; do
  expect_stdout_contains "$node: ran" "mlflow: $node ran"
done
expect_stdout_contains "test ratings_schema: passed" "mlflow: the ratings hold their schema"
expect_stdout_contains "test als_test_mse: passed" "mlflow: the ALS model is better than guessing"
expect_output_contains "test keras_improves_on_als: warning" "mlflow: 20 hidden units do not beat ALS (a warning)"
expect_file build/artifacts/ratings-parquet-dir/ratings.jsonl "mlflow: the etl artifact"
expect_number build/keras-metrics.json als.test_mse ">" 0 "mlflow: the network's metrics carry the ALS metrics"

# The `main` entry point's parameter from the command line.
run run multistep.mlops -j2 -P keras_hidden_units=10
expect_exit 0 "mlflow: -P keras_hidden_units=10"
expect_stdout_contains "model train_keras: ran" "mlflow: the model reading keras_hidden_units reruns"
for node in "step load_raw_data" "step etl_data" "model als"; do
  expect_stdout_contains "$node: cached" "mlflow: $node does not read keras_hidden_units and is cached"
done
expect_stdout_contains "test keras_improves_on_als: passed" "mlflow: 10 hidden units beat ALS"

# A value outside the param's `where`: refused before anything runs.
run run multistep.mlops -P als_max_iter=0
if ((RC != 0)); then pass "mlflow: -P als_max_iter=0 is refused (exit $RC)"; else fail "mlflow: -P als_max_iter=0 was accepted"; fi
expect_output_contains "als_max_iter" "mlflow: the refusal names the param"
expect_stdout_not_contains ": ran" "mlflow: nothing ran with a refused param"

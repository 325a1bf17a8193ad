#!/usr/bin/env python3
"""Component `custom_train_job` running training/assets/train_xgb_model.py:
gradient-boosted regression trees predicting a trip's total fare.

    python3 steps/train_xgb_model.py --train-data build/datasets/train.csv \
        --valid-data build/datasets/valid.csv --test-data build/datasets/test.csv \
        --n-estimators 200 --early-stopping-rounds 10 --learning-rate 0.3 --max-depth 6 \
        --min-split-loss 0 --model build/model --metrics build/metrics.json

As the original's scikit-learn pipeline with an XGBRegressor
(objective reg:squarederror, booster gbtree): payment_type one-hot
encoded, company ordinal-encoded (unknown companies get their own code),
numeric columns as they are (scaling does not change a tree); up to
N_ESTIMATORS trees of depth MAX_DEPTH, each fitted to the residuals and
shrunk by LEARNING_RATE, a split kept only when it lowers the squared
error by more than MIN_SPLIT_LOSS, and training stops when the validation
RMSE has not improved for EARLY_STOPPING_ROUNDS trees. Simplified: splits
are chosen among 16 quantile thresholds per feature, and there is no L2
leaf regularisation. Predictions are clipped at 0, then METRICS gets the
metrics the original writes (rootMeanSquaredError, meanAbsoluteError,
meanAbsolutePercentageError, rSquared, rootMeanSquaredLogError, on the
test set) plus the KPI's reading, business.quotes_within_20pct (the share
of test trips whose prediction is within 20% of the fare). MODEL (a
folder) gets model.json and training_dataset.json, as the original's
model folder gets model.joblib and training_dataset.json.
"""
import argparse
import csv
import json
import math
import os

NUMERIC = ["dayofweek", "hourofday", "trip_distance", "trip_miles", "trip_seconds"]
LABEL = "total_fare"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Encoder:
    def __init__(self, rows):
        self.payments = sorted({r["payment_type"] for r in rows})
        self.companies = sorted({r["company"] for r in rows})
        self.names = NUMERIC + ["payment_type=" + p for p in self.payments] + ["company"]

    def encode(self, r):
        company = self.companies.index(r["company"]) if r["company"] in self.companies else len(self.companies)
        return [float(r[c]) for c in NUMERIC] + [float(r["payment_type"] == p) for p in self.payments] + \
            [float(company)]


def thresholds(xs, n_features):
    out = []
    for f in range(n_features):
        values = sorted({x[f] for x in xs})
        if len(values) <= 16:
            cuts = [(a + b) / 2 for a, b in zip(values, values[1:])]
        else:
            cuts = sorted({values[len(values) * q // 16] for q in range(1, 16)})
        out.append(cuts)
    return out


def grow(xs, residuals, index, cuts, depth, args):
    total = sum(residuals[i] for i in index)
    leaf = {"v": args.learning_rate * total / len(index)}
    if depth >= args.max_depth or len(index) < 2:
        return leaf
    base = total * total / len(index)
    best = None
    for f, fcuts in enumerate(cuts):
        for t in fcuts:
            left = [i for i in index if xs[i][f] <= t]
            if not left or len(left) == len(index):
                continue
            ls = sum(residuals[i] for i in left)
            rs = total - ls
            gain = ls * ls / len(left) + rs * rs / (len(index) - len(left)) - base
            if best is None or gain > best[0]:
                best = (gain, f, t, left)
    if best is None or best[0] <= args.min_split_loss:
        return leaf
    _, f, t, left = best
    left_set = set(left)
    right = [i for i in index if i not in left_set]
    return {"f": f, "t": t, "l": grow(xs, residuals, left, cuts, depth + 1, args),
            "r": grow(xs, residuals, right, cuts, depth + 1, args)}


def tree_predict(tree, x):
    while "v" not in tree:
        tree = tree["l"] if x[tree["f"]] <= tree["t"] else tree["r"]
    return tree["v"]


def predict(model, x):
    return model["base"] + sum(tree_predict(t, x) for t in model["trees"])


def rmse(ys, ps):
    return math.sqrt(sum((y - p) ** 2 for y, p in zip(ys, ps)) / len(ys))


def main():
    parser = argparse.ArgumentParser(description="train gradient-boosted trees on taxi fares")
    for name in ("train-data", "valid-data", "test-data", "model", "metrics"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--n-estimators", type=int, required=True)
    parser.add_argument("--early-stopping-rounds", type=int, required=True)
    parser.add_argument("--learning-rate", type=float, required=True)
    parser.add_argument("--max-depth", type=int, required=True)
    parser.add_argument("--min-split-loss", type=float, required=True)
    args = parser.parse_args()

    train, valid, test = read(args.train_data), read(args.valid_data), read(args.test_data)
    encoder = Encoder(train)
    xs, ys = [encoder.encode(r) for r in train], [float(r[LABEL]) for r in train]
    vx, vy = [encoder.encode(r) for r in valid], [float(r[LABEL]) for r in valid]
    cuts = thresholds(xs, len(encoder.names))

    model = {"base": sum(ys) / len(ys), "trees": []}
    predictions = [model["base"]] * len(xs)
    valid_predictions = [model["base"]] * len(vx)
    best_rmse, best_trees, since_best = rmse(vy, valid_predictions), 0, 0
    for _ in range(args.n_estimators):
        residuals = [y - p for y, p in zip(ys, predictions)]
        tree = grow(xs, residuals, list(range(len(xs))), cuts, 0, args)
        model["trees"].append(tree)
        predictions = [p + tree_predict(tree, x) for p, x in zip(predictions, xs)]
        valid_predictions = [p + tree_predict(tree, x) for p, x in zip(valid_predictions, vx)]
        score = rmse(vy, valid_predictions)
        if score < best_rmse:
            best_rmse, best_trees, since_best = score, len(model["trees"]), 0
        else:
            since_best += 1
            if since_best >= args.early_stopping_rounds:
                break
    model["trees"] = model["trees"][:max(best_trees, 1)]

    ty = [float(r[LABEL]) for r in test]
    tp = [max(0.0, predict(model, encoder.encode(r))) for r in test]
    mean = sum(ty) / len(ty)
    metrics = {
        "problemType": "regression",
        "rootMeanSquaredError": round(rmse(ty, tp), 6),
        "meanAbsoluteError": round(sum(abs(y - p) for y, p in zip(ty, tp)) / len(ty), 6),
        "meanAbsolutePercentageError": round(sum(abs(y - p) / y for y, p in zip(ty, tp)) / len(ty), 6),
        "rSquared": round(1 - sum((y - p) ** 2 for y, p in zip(ty, tp)) / sum((y - mean) ** 2 for y in ty), 6),
        "rootMeanSquaredLogError": round(math.sqrt(sum((math.log1p(p) - math.log1p(y)) ** 2
                                                       for y, p in zip(ty, tp)) / len(ty)), 6),
        "business": {"quotes_within_20pct": round(sum(abs(y - p) <= 0.2 * y for y, p in zip(ty, tp)) / len(ty), 6)},
        "trees": len(model["trees"]),
    }
    os.makedirs(args.model, exist_ok=True)
    with open(os.path.join(args.model, "model.json"), "w", encoding="utf-8") as f:
        json.dump({"features": encoder.names, "payments": encoder.payments, "companies": encoder.companies,
                   **model}, f, separators=(",", ":"))
    with open(os.path.join(args.model, "training_dataset.json"), "w", encoding="utf-8") as f:
        json.dump({"gcsSource": {"uris": [args.train_data]}, "dataFormat": "csv", "targetField": LABEL}, f)
    os.makedirs(os.path.dirname(args.metrics) or ".", exist_ok=True)
    with open(args.metrics, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=1)
    print(f"train_xgb_model: {len(model['trees'])} trees, test RMSE {metrics['rootMeanSquaredError']:.3f}, "
          f"R^2 {metrics['rSquared']:.3f}")


if __name__ == "__main__":
    main()

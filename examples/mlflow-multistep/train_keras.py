#!/usr/bin/env python3
"""Entry point `train_keras`: a neural network on the ALS factors.

    python3 train_keras.py --ratings-data build/artifacts/ratings-parquet-dir \
        --als-model-uri build/artifacts/als-model --als-metrics build/als-metrics.json \
        --hidden-units 20 --model build/artifacts/keras-model --metrics build/keras-metrics.json

As MLflow's train_keras.py: each rating's features are its movie's and its
user's ALS factors concatenated (2 x rank numbers), fed to a network of
the same shape, Dense(30, relu) -> Dense(HIDDEN_UNITS, relu) ->
Dense(1, linear), on the same 80/20 split. Simplified, without
TensorFlow: the two hidden layers keep seeded random weights and only the
output layer is fitted, by ridge least squares, instead of three epochs of
Adam. METRICS gets the original's metrics (training_nrows, test_nrows,
train_mse, test_mse) and, under `als`, the ALS model's, which the spec's
test compares ("does the Keras model improve upon the ALS model?").
"""
import argparse
import json
import os
import random

import ratings as data
from als import solve


def layer(rng, n_in, n_out):
    scale = (2.0 / n_in) ** 0.5  # He initialisation, as for relu layers
    return [[rng.gauss(0, scale) for _ in range(n_in)] for _ in range(n_out)], [0.0] * n_out


def forward(weights, bias, x):
    return [max(0.0, sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(weights, bias)]


def main():
    parser = argparse.ArgumentParser(description="train a network on the ALS factors")
    for name in ("ratings-data", "als-model-uri", "als-metrics", "model", "metrics"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--hidden-units", type=int, required=True)
    args = parser.parse_args()
    if args.hidden_units < 1:
        raise SystemExit("train_keras: --hidden-units must be at least 1")

    with open(os.path.join(args.als_model_uri, "factors.json"), encoding="utf-8") as f:
        als = json.load(f)
    with open(args.als_metrics, encoding="utf-8") as f:
        als_metrics = json.load(f)
    train, test = data.split(data.load(args.ratings_data))

    def features(r):
        item, user = als["itemFactors"].get(str(r["movieId"])), als["userFactors"].get(str(r["userId"]))
        return item + user if item and user else None  # the original's inner joins drop unknown ids

    rng = random.Random(42)
    w1, b1 = layer(rng, 2 * als["rank"], 30)
    w2, b2 = layer(rng, 30, args.hidden_units)

    def hidden(r):
        return forward(w2, b2, forward(w1, b1, features(r))) + [1.0]

    train = [r for r in train if features(r)]
    test = [r for r in test if features(r)]
    h_train = [hidden(r) for r in train]
    n = args.hidden_units + 1
    a = [[sum(h[i] * h[j] for h in h_train) + (1e-3 if i == j else 0.0) for j in range(n)] for i in range(n)]
    b = [sum(h[i] * r["rating"] for h, r in zip(h_train, train)) for i in range(n)]
    out = solve(a, b)

    def predict(h):
        return sum(w * v for w, v in zip(out, h))

    metrics = {"training_nrows": len(train), "test_nrows": len(test),
               "train_mse": round(data.mse([(r["rating"], predict(h)) for r, h in zip(train, h_train)]), 6),
               "test_mse": round(data.mse([(r["rating"], predict(hidden(r))) for r in test]), 6),
               "als": {k: als_metrics[k] for k in ("train_mse", "test_mse")}}
    os.makedirs(args.model, exist_ok=True)
    with open(os.path.join(args.model, "model.json"), "w", encoding="utf-8") as f:
        json.dump({"layers": [{"weights": w1, "bias": b1}, {"weights": w2, "bias": b2},
                              {"weights": [out[:-1]], "bias": [out[-1]]}]}, f, separators=(",", ":"))
    os.makedirs(os.path.dirname(args.metrics) or ".", exist_ok=True)
    with open(args.metrics, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=1)
    print(f"train_keras: MSE on the test set {metrics['test_mse']:.4f} (ALS: {als_metrics['test_mse']:.4f})")


if __name__ == "__main__":
    main()

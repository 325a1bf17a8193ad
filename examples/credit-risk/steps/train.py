#!/usr/bin/env python3
"""Training step of the credit-risk example (`model scorer` in credit_risk.mlops).

    python3 steps/train.py --c 0.5 --max-iter 200 \
        --data build/features.csv --model build/scorer.json --metrics build/metrics.json

L2-regularised logistic regression fitted by full-batch gradient descent, in
pure Python (standard library only). `--c` is the inverse regularisation
strength as in scikit-learn (smaller C, stronger penalty); `--max-iter` caps
the gradient-descent iterations (it stops earlier once the gradient norm is
below `--tol`).

The rows are split into a training and a hold-out set by a seeded shuffle
(`--seed`, default 7), so the run is deterministic. Metrics are computed on
the hold-out set and written as JSON:

    auc            area under the ROC curve (Mann-Whitney U; ties count 1/2)
    accuracy       share of correct predictions at `--threshold`
    log_loss       mean negative log-likelihood
    approval_rate  share of applicants the scorer would approve
                   (predicted default probability below `--threshold`);
                   also under "business" for `kpi approval_rate`
    n_train, n_test, iterations   (all plain numbers)

The model JSON holds the feature names, the standardisation (mean, std),
the weights and the bias: enough to score new applications.
"""
import argparse
import csv
import json
import math
import os
import random
import sys

LABEL = "default"


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def load(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if LABEL not in header:
            raise SystemExit(f"train: {path}: no `{LABEL}` column")
        li = header.index(LABEL)
        names = [h for i, h in enumerate(header) if i != li]
        xs, ys = [], []
        for row in reader:
            xs.append([float(v) for i, v in enumerate(row) if i != li])
            ys.append(int(row[li]))
    return names, xs, ys


def standardise(xs):
    n, d = len(xs), len(xs[0])
    mean = [sum(x[j] for x in xs) / n for j in range(d)]
    std = []
    for j in range(d):
        var = sum((x[j] - mean[j]) ** 2 for x in xs) / n
        std.append(math.sqrt(var) if var > 1e-12 else 1.0)
    return mean, std


def fit(xs, ys, c, max_iter, lr, tol):
    """Minimises mean log-loss + ||w||^2 / (2 C n) (scikit-learn's objective / n)."""
    n, d = len(xs), len(xs[0])
    w, b = [0.0] * d, 0.0
    iterations, converged = 0, False
    for it in range(1, max_iter + 1):
        gw, gb = [0.0] * d, 0.0
        for x, y in zip(xs, ys):
            err = sigmoid(b + sum(wj * xj for wj, xj in zip(w, x))) - y
            for j in range(d):
                gw[j] += err * x[j]
            gb += err
        gw = [g / n + w[j] / (c * n) for j, g in enumerate(gw)]
        gb /= n
        w = [wj - lr * g for wj, g in zip(w, gw)]
        b -= lr * gb
        iterations = it
        if math.sqrt(sum(g * g for g in gw) + gb * gb) < tol:
            converged = True
            break
    return w, b, iterations, converged


def auc(scores, labels):
    """ROC AUC as the Mann-Whitney U statistic with average ranks for ties."""
    pairs = sorted(zip(scores, labels))
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise SystemExit("train: AUC needs both classes in the hold-out set")
    rank_sum_pos, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + j) / 2.0 + 1.0  # ranks are 1-based
        rank_sum_pos += avg_rank * sum(1 for k in range(i, j + 1) if pairs[k][1] == 1)
        i = j + 1
    return (rank_sum_pos - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def write_json(path, obj):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)  # never leave a half-written output behind


def main():
    ap = argparse.ArgumentParser(description="credit-risk training step")
    ap.add_argument("--c", type=float, required=True, help="inverse L2 regularisation strength (> 0)")
    ap.add_argument("--max-iter", type=int, default=200, help="gradient-descent iterations at most")
    ap.add_argument("--data", required=True, help="features CSV")
    ap.add_argument("--model", required=True, help="model JSON to write")
    ap.add_argument("--metrics", required=True, help="metrics JSON to write")
    ap.add_argument("--seed", type=int, default=7, help="seed of the train/hold-out shuffle")
    ap.add_argument("--holdout", type=float, default=0.3, help="share of rows held out for metrics")
    ap.add_argument("--lr", type=float, default=0.5, help="gradient-descent step size")
    ap.add_argument("--tol", type=float, default=1e-6, help="stop when the gradient norm is below this")
    ap.add_argument("--threshold", type=float, default=0.5, help="approve when P(default) < threshold")
    args = ap.parse_args()
    if args.c <= 0 or args.max_iter < 1 or not 0 < args.holdout < 1:
        ap.error("need --c > 0, --max-iter >= 1 and 0 < --holdout < 1")

    names, xs, ys = load(args.data)
    order = list(range(len(xs)))
    random.Random(args.seed).shuffle(order)
    n_test = max(1, int(round(len(order) * args.holdout)))
    test_idx, train_idx = sorted(order[:n_test]), sorted(order[n_test:])

    mean, std = standardise([xs[i] for i in train_idx])
    scale = lambda x: [(v - m) / s for v, m, s in zip(x, mean, std)]
    train_x = [scale(xs[i]) for i in train_idx]
    train_y = [ys[i] for i in train_idx]
    w, b, iterations, converged = fit(train_x, train_y, args.c, args.max_iter, args.lr, args.tol)

    test_y = [ys[i] for i in test_idx]
    probs = [sigmoid(b + sum(wj * xj for wj, xj in zip(w, scale(xs[i])))) for i in test_idx]
    eps = 1e-15
    log_loss = -sum(y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps))
                    for p, y in zip(probs, test_y)) / len(test_y)
    accuracy = sum(1 for p, y in zip(probs, test_y) if (p >= args.threshold) == (y == 1)) / len(test_y)
    approval_rate = sum(1 for p in probs if p < args.threshold) / len(probs)

    r = lambda v: round(v, 6)
    write_json(args.model, {
        "format": "mlops-example-logreg/1",
        "features": names,
        "label": LABEL,
        "mean": [r(v) for v in mean],
        "std": [r(v) for v in std],
        "weights": [r(v) for v in w],
        "bias": r(b),
        "threshold": args.threshold,
        "params": {"c": args.c, "max_iter": args.max_iter, "seed": args.seed, "lr": args.lr},
    })
    metrics = {
        "auc": r(auc(probs, test_y)),
        "accuracy": r(accuracy),
        "log_loss": r(log_loss),
        "approval_rate": r(approval_rate),
        "business": {"approval_rate": r(approval_rate)},
        "n_train": len(train_idx),
        "n_test": len(test_idx),
        "iterations": iterations,
    }
    write_json(args.metrics, metrics)
    print(f"train: c={args.c} max_iter={args.max_iter} iterations={iterations} "
          f"auc={metrics['auc']:.4f} accuracy={metrics['accuracy']:.4f} "
          f"approval_rate={metrics['approval_rate']:.4f} -> {args.model}, {args.metrics}")
    token = os.environ.get("FEATURE_STORE_TOKEN")
    # The example trains from a local CSV; a real job would pull features with
    # the token. Never print the secret itself.
    print(f"train: FEATURE_STORE_TOKEN {'provided' if token else 'not provided (local data only)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

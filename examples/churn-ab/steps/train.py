#!/usr/bin/env python3
"""Training step of the churn A/B example (`model churn` in churn_ab.mlops).

    python3 steps/train.py --l2 0.01 --epochs 300 --contact-share 0.2 \
        --data build/features.csv --model build/churn.json --metrics build/metrics.json

L2-regularised logistic regression fitted by full-batch gradient descent, in
pure Python (standard library only). The rows are split into a training and a
hold-out set by a seeded shuffle (`--seed`, default 11), so the run is
deterministic. Metrics are computed on the hold-out set and written as JSON
(all plain numbers, so tests can read them as `metrics.NAME`):

    auc              area under the ROC curve (Mann-Whitney U, ties count 1/2)
    accuracy         share of correct predictions at probability 0.5
    log_loss         mean negative log-likelihood
    churn_rate       share of hold-out subscribers who churned
    precision_at_top share of churners on the call list (the riskiest
                     `--contact-share` of subscribers)
    recall_at_top    share of all churners that are on the call list
    lift_at_top      precision_at_top / churn_rate
    retention_rate   share of subscribers retained when everyone on the call
                     list gets an offer that saves `--offer-success` of the
                     churners it reaches; also under "business" for
                     `kpi retention_rate` and the A/B test's metric
    n_train, n_test, epochs

The model JSON holds the feature names, the standardisation (mean, std), the
weights and the bias: enough to score new subscribers.
"""
import argparse
import csv
import json
import math
import os
import random
import sys

LABEL = "churned"


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def load(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or LABEL not in header:
            raise SystemExit(f"train: {path}: no `{LABEL}` column")
        li = header.index(LABEL)
        names = [h for i, h in enumerate(header) if i != li]
        xs, ys = [], []
        for row in reader:
            xs.append([float(v) for i, v in enumerate(row) if i != li])
            ys.append(int(row[li]))
    if len(xs) < 10:
        raise SystemExit(f"train: {path}: need at least 10 rows, found {len(xs)}")
    return names, xs, ys


def standardise(xs):
    n, d = len(xs), len(xs[0])
    mean = [sum(x[j] for x in xs) / n for j in range(d)]
    std = []
    for j in range(d):
        var = sum((x[j] - mean[j]) ** 2 for x in xs) / n
        std.append(math.sqrt(var) if var > 1e-12 else 1.0)
    return mean, std


def fit(xs, ys, l2, epochs, lr):
    """Minimises mean log-loss + l2 / 2 * ||w||^2 by full-batch gradient descent."""
    n, d = len(xs), len(xs[0])
    w, b = [0.0] * d, 0.0
    for _ in range(epochs):
        gw, gb = [0.0] * d, 0.0
        for x, y in zip(xs, ys):
            err = sigmoid(b + sum(wj * xj for wj, xj in zip(w, x))) - y
            for j in range(d):
                gw[j] += err * x[j]
            gb += err
        w = [wj - lr * (g / n + l2 * wj) for wj, g in zip(w, gw)]
        b -= lr * gb / n
    return w, b


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
    ap = argparse.ArgumentParser(description="churn training step")
    ap.add_argument("--l2", type=float, required=True, help="L2 penalty (>= 0)")
    ap.add_argument("--epochs", type=int, default=300, help="gradient-descent iterations")
    ap.add_argument("--contact-share", type=float, default=0.2, help="share of subscribers on the call list")
    ap.add_argument("--offer-success", type=float, default=0.5, help="share of reached churners an offer saves")
    ap.add_argument("--data", required=True, help="features CSV")
    ap.add_argument("--model", required=True, help="model JSON to write")
    ap.add_argument("--metrics", required=True, help="metrics JSON to write")
    ap.add_argument("--seed", type=int, default=11, help="seed of the train/hold-out shuffle")
    ap.add_argument("--holdout", type=float, default=0.3, help="share of rows held out for metrics")
    ap.add_argument("--lr", type=float, default=0.5, help="gradient-descent step size")
    args = ap.parse_args()
    if args.l2 < 0 or args.epochs < 1 or not 0 < args.holdout < 1 or not 0 < args.contact_share <= 1 \
            or not 0 <= args.offer_success <= 1:
        ap.error("need --l2 >= 0, --epochs >= 1, 0 < --holdout < 1, 0 < --contact-share <= 1, "
                 "0 <= --offer-success <= 1")

    names, xs, ys = load(args.data)
    order = list(range(len(xs)))
    random.Random(args.seed).shuffle(order)
    n_test = max(1, int(round(len(order) * args.holdout)))
    test_idx, train_idx = sorted(order[:n_test]), sorted(order[n_test:])

    mean, std = standardise([xs[i] for i in train_idx])
    scale = lambda x: [(v - m) / s for v, m, s in zip(x, mean, std)]
    w, b = fit([scale(xs[i]) for i in train_idx], [ys[i] for i in train_idx], args.l2, args.epochs, args.lr)

    test_y = [ys[i] for i in test_idx]
    probs = [sigmoid(b + sum(wj * xj for wj, xj in zip(w, scale(xs[i])))) for i in test_idx]
    eps = 1e-15
    log_loss = -sum(y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps))
                    for p, y in zip(probs, test_y)) / len(test_y)
    accuracy = sum(1 for p, y in zip(probs, test_y) if (p >= 0.5) == (y == 1)) / len(test_y)

    # The call list: the riskiest contact_share of subscribers (ties broken by
    # position, so the list is deterministic).
    n_contact = max(1, int(round(len(probs) * args.contact_share)))
    ranked = sorted(range(len(probs)), key=lambda i: (-probs[i], i))
    on_list = ranked[:n_contact]
    churners = sum(test_y)
    reached = sum(test_y[i] for i in on_list)
    churn_rate = churners / len(test_y)
    precision = reached / n_contact
    recall = reached / churners if churners else 0.0
    retention = 1.0 - (churners - args.offer_success * reached) / len(test_y)

    r = lambda v: round(v, 6)
    write_json(args.model, {
        "format": "mlops-example-logreg/1",
        "features": names,
        "label": LABEL,
        "mean": [r(v) for v in mean],
        "std": [r(v) for v in std],
        "weights": [r(v) for v in w],
        "bias": r(b),
        "contact_share": args.contact_share,
        "params": {"l2": args.l2, "epochs": args.epochs, "seed": args.seed, "lr": args.lr},
    })
    metrics = {
        "auc": r(auc(probs, test_y)),
        "accuracy": r(accuracy),
        "log_loss": r(log_loss),
        "churn_rate": r(churn_rate),
        "precision_at_top": r(precision),
        "recall_at_top": r(recall),
        "lift_at_top": r(precision / churn_rate) if churn_rate else 0.0,
        "retention_rate": r(retention),
        "business": {"retention_rate": r(retention)},
        "n_train": len(train_idx),
        "n_test": len(test_idx),
        "epochs": args.epochs,
    }
    write_json(args.metrics, metrics)
    print(f"train: l2={args.l2} epochs={args.epochs} auc={metrics['auc']:.4f} "
          f"recall_at_top={metrics['recall_at_top']:.4f} lift_at_top={metrics['lift_at_top']:.2f} "
          f"retention_rate={metrics['retention_rate']:.4f} -> {args.model}, {args.metrics}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

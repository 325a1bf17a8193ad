#!/usr/bin/env python3
"""Stage `train`: a random forest on the train split's features.

    python3 src/train.py --features build/features/train.json build/features/test.json \
        --seed 20170428 --n-est 50 --min-split 0.01 --model build/model.json

`--features` takes the files of every `featurize` item (mlopsc expands
`${inputs.featurize.features}` to all of them) and trains on the one whose
split is `train`. As scikit-learn's RandomForestClassifier in DVC's
train.py: N_EST trees, each grown on a bootstrap sample with the Gini
criterion, considering sqrt(features) random features at each split; a
node is split only when it holds at least ceil(MIN_SPLIT * n) samples
(a float `min_samples_split`). Simplified: a split tests whether a term
occurs in the post (TF-IDF > 0), and trees stop at depth 12. Writes the
trees as JSON.
"""
import argparse
import json
import math
import os
import random
import sys

MAX_DEPTH = 12


def load(paths, split):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc["split"] == split:
            return doc
    sys.exit(f"train: no {split} features among {paths}")


def gini(pos, n):
    if n == 0:
        return 0.0
    p = pos / n
    return 2 * p * (1 - p)


def grow(rows, labels, sample, n_features, min_split, rng, depth):
    pos = sum(labels[i] for i in sample)
    if depth >= MAX_DEPTH or len(sample) < min_split or pos in (0, len(sample)):
        return {"p": pos / len(sample)}
    best = None
    for f in rng.sample(range(n_features), max(1, int(math.sqrt(n_features)))):
        key = str(f)
        left = [i for i in sample if key not in rows[i]]
        right_n = len(sample) - len(left)
        if not left or not right_n:
            continue
        left_pos = sum(labels[i] for i in left)
        score = (len(left) * gini(left_pos, len(left)) + right_n * gini(pos - left_pos, right_n)) / len(sample)
        if best is None or score < best[0]:
            best = (score, f, left)
    if best is None or best[0] >= gini(pos, len(sample)):
        return {"p": pos / len(sample)}
    _, f, left = best
    left_set = set(left)
    right = [i for i in sample if i not in left_set]
    return {"f": f,
            "absent": grow(rows, labels, left, n_features, min_split, rng, depth + 1),
            "present": grow(rows, labels, right, n_features, min_split, rng, depth + 1)}


def main():
    parser = argparse.ArgumentParser(description="train a random forest")
    parser.add_argument("--features", nargs="+", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n-est", type=int, required=True)
    parser.add_argument("--min-split", type=float, required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    if args.n_est < 1 or not 0 < args.min_split <= 1:
        sys.exit("train: --n-est must be at least 1 and --min-split in (0, 1]")

    doc = load(args.features, "train")
    rows = [r["x"] for r in doc["rows"]]
    labels = [r["label"] for r in doc["rows"]]
    n_features = len(doc["features"])
    min_split = max(2, math.ceil(args.min_split * len(rows)))
    rng = random.Random(args.seed)
    trees = []
    for _ in range(args.n_est):
        sample = [rng.randrange(len(rows)) for _ in range(len(rows))]
        trees.append(grow(rows, labels, sample, n_features, min_split, rng, 0))
    os.makedirs(os.path.dirname(args.model) or ".", exist_ok=True)
    with open(args.model, "w", encoding="utf-8") as f:
        json.dump({"kind": "random_forest", "features": doc["features"], "trees": trees}, f,
                  separators=(",", ":"))
    print(f"train: {len(trees)} trees on {len(rows)} posts (min split {min_split})")


if __name__ == "__main__":
    main()

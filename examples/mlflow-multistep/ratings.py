"""Shared by als.py and train_keras.py: reading the ratings artifact and the
seeded 80/20 split both entry points make (Spark's randomSplit with seed
42 in the original; here each rating's side is drawn from Python's random
seeded with 42, so both scripts split alike)."""
import json
import os
import random


def load(folder):
    with open(os.path.join(folder, "ratings.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def split(ratings, train_share=0.8, seed=42):
    rng = random.Random(seed)
    train, test = [], []
    for r in ratings:
        (train if rng.random() < train_share else test).append(r)
    return train, test


def mse(pairs):
    if not pairs:
        raise SystemExit("no ratings to compute a mean squared error on: the split left a side empty")
    return sum((y - p) ** 2 for y, p in pairs) / len(pairs)

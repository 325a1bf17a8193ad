#!/usr/bin/env python3
"""Regenerate data/ratings.csv: 360 synthetic movie ratings in MovieLens'
ratings.csv layout (userId,movieId,rating,timestamp), deterministic (fixed
seed, Python 3 standard library only). The file is committed; this script
rebuilds it byte for byte:

    python3 data/generate.py --out data/ratings.csv

Each of 40 users and 30 movies has a few hidden tastes (three latent
factors) and a bias; a rating is their dot product plus noise, rounded to
half stars between 0.5 and 5, which is what ALS recovers.
"""
import argparse
import csv
import random


def main():
    parser = argparse.ArgumentParser(description="regenerate the ratings sample")
    parser.add_argument("--out", default="data/ratings.csv")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--movies", type=int, default=30)
    parser.add_argument("--ratings", type=int, default=360)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    users = [([rng.gauss(0, 0.8) for _ in range(3)], rng.gauss(0, 0.4)) for _ in range(args.users)]
    movies = [([rng.gauss(0, 0.8) for _ in range(3)], rng.gauss(0, 0.5)) for _ in range(args.movies)]
    pairs = set()
    while len(pairs) < args.ratings:
        pairs.add((rng.randrange(args.users), rng.randrange(args.movies)))
    rows = []
    for u, m in sorted(pairs):
        (uf, ub), (mf, mb) = users[u], movies[m]
        score = 3.5 + ub + mb + sum(a * b for a, b in zip(uf, mf)) + rng.gauss(0, 0.3)
        rating = min(5.0, max(0.5, round(score * 2) / 2))
        rows.append((u + 1, m + 1, rating, 1420070400 + rng.randrange(3 * 365 * 86400)))
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["userId", "movieId", "rating", "timestamp"])
        out.writerows(rows)


if __name__ == "__main__":
    main()

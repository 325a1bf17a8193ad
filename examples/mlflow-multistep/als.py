#!/usr/bin/env python3
"""Entry point `als`: Alternating Least Squares for the user and movie
factors.

    python3 als.py --ratings-data build/artifacts/ratings-parquet-dir --max-iter 10 \
        --reg-param 0.1 --rank 12 --model build/artifacts/als-model --metrics build/als-metrics.json

As Spark ML's ALS in MLflow's als.py (explicit ratings, seed 42, cold
start strategy `drop`): RANK factors per user and movie, MAX_ITER sweeps,
each solving the regularised least-squares problem of every user with the
movie factors fixed, then of every movie (Spark scales the L2 term by
each one's number of ratings, as here). Test ratings of users or movies
never seen in training are dropped. Writes the factors to MODEL/factors.json
and the metrics the original logs (training_nrows, test_nrows, train_mse,
test_mse) to METRICS.
"""
import argparse
import json
import os
import random

import ratings as data


def solve(a, b):
    """Solves a x = b by Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def update(fixed, by_key, rank, reg):
    out = {}
    for key, pairs in by_key.items():
        a = [[0.0] * rank for _ in range(rank)]
        b = [0.0] * rank
        for other, rating in pairs:
            v = fixed[other]
            for i in range(rank):
                b[i] += rating * v[i]
                for j in range(rank):
                    a[i][j] += v[i] * v[j]
        for i in range(rank):
            a[i][i] += reg * len(pairs)
        out[key] = solve(a, b)
    return out


def main():
    parser = argparse.ArgumentParser(description="train an ALS model")
    parser.add_argument("--ratings-data", required=True)
    parser.add_argument("--max-iter", type=int, required=True)
    parser.add_argument("--reg-param", type=float, required=True)
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()
    if args.max_iter < 1 or args.rank < 1 or args.reg_param < 0:
        raise SystemExit("als: --max-iter and --rank must be at least 1, --reg-param at least 0")

    train, test = data.split(data.load(args.ratings_data))
    rng = random.Random(42)
    by_user, by_movie = {}, {}
    for r in train:
        by_user.setdefault(r["userId"], []).append((r["movieId"], r["rating"]))
        by_movie.setdefault(r["movieId"], []).append((r["userId"], r["rating"]))
    movies = {m: [rng.uniform(0, 1 / args.rank ** 0.5) for _ in range(args.rank)] for m in by_movie}
    users = {}
    for _ in range(args.max_iter):
        users = update(movies, by_user, args.rank, args.reg_param)
        movies = update(users, by_movie, args.rank, args.reg_param)

    def predict(r):
        return sum(a * b for a, b in zip(users[r["userId"]], movies[r["movieId"]]))

    known = [r for r in test if r["userId"] in users and r["movieId"] in movies]  # coldStartStrategy "drop"
    metrics = {"training_nrows": len(train), "test_nrows": len(test),
               "train_mse": round(data.mse([(r["rating"], predict(r)) for r in train]), 6),
               "test_mse": round(data.mse([(r["rating"], predict(r)) for r in known]), 6)}
    os.makedirs(args.model, exist_ok=True)
    with open(os.path.join(args.model, "factors.json"), "w", encoding="utf-8") as f:
        json.dump({"rank": args.rank, "userFactors": {str(k): v for k, v in sorted(users.items())},
                   "itemFactors": {str(k): v for k, v in sorted(movies.items())}}, f, separators=(",", ":"))
    os.makedirs(os.path.dirname(args.metrics) or ".", exist_ok=True)
    with open(args.metrics, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=1)
    print(f"als: MSE on the test set {metrics['test_mse']:.4f}, on the train set {metrics['train_mse']:.4f}")


if __name__ == "__main__":
    main()

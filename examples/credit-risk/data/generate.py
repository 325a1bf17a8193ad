#!/usr/bin/env python3
"""Regenerate data/applications.csv: deterministic synthetic credit applications.

The file is committed; this script documents how it was made and rebuilds it
byte for byte (fixed seed, Python 3 standard library only):

    python3 data/generate.py --out data/applications.csv

Columns match the `schema` of `data applications` in credit_risk.mlops:
income (float >= 0), age (int 18..120), region (north|south), default (bool).
Default risk falls with income and age and is higher in the south, so a
logistic regression on these columns reaches an AUC well above 0.75.
"""
import argparse
import math
import os
import random


def generate(rows, seed):
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        region = "south" if rng.random() < 0.45 else "north"
        age = int(round(rng.triangular(18, 80, 34)))
        age = min(120, max(18, age))
        # Log-normal incomes; a little lower in the south and for the young.
        log_income = rng.gauss(10.55, 0.55) + 0.006 * (age - 40) - (0.12 if region == "south" else 0.0)
        income = round(math.exp(log_income), 2)
        z = (-1.0
             - 2.2 * (log_income - 10.55) / 0.55
             - 0.9 * (age - 40) / 13.0
             + 0.8 * (1.0 if region == "south" else 0.0))
        p_default = 1.0 / (1.0 + math.exp(-z))
        default = rng.random() < p_default
        out.append((income, age, region, default))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "applications.csv"))
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    rows = generate(args.rows, args.seed)
    with open(args.out, "w", newline="") as f:
        f.write("income,age,region,default\n")
        for income, age, region, default in rows:
            f.write(f"{income:.2f},{age},{region},{'true' if default else 'false'}\n")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()

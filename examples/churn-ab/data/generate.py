#!/usr/bin/env python3
"""Regenerate data/subscribers.csv: deterministic synthetic telecom subscribers.

The file is committed; this script documents how it was made and rebuilds it
byte for byte (fixed seed, Python 3 standard library only):

    python3 data/generate.py --out data/subscribers.csv

Columns match the `schema` of `data subscribers` in churn_ab.mlops:
customer_id (int >= 1), tenure_months (int 0..240), monthly_charges
(float >= 0), support_calls (int >= 0), plan (basic|plus|premium),
churned (bool). Churn risk falls with tenure and rises with support calls and
charges; premium subscribers churn less. About one subscriber in seven churns.
"""
import argparse
import math
import os
import random

PLANS = (("basic", 0.5, 25.0), ("plus", 0.3, 45.0), ("premium", 0.2, 75.0))


def pick_plan(rng):
    u, acc = rng.random(), 0.0
    for name, share, base in PLANS:
        acc += share
        if u < acc:
            return name, base
    return PLANS[-1][0], PLANS[-1][2]


def generate(rows, seed):
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        plan, base = pick_plan(rng)
        tenure = min(240, int(rng.expovariate(1 / 30.0)))
        charges = round(max(5.0, base + rng.gauss(0, 6.0)), 2)
        calls = sum(1 for _ in range(8) if rng.random() < 0.18)
        z = (-1.6
             - 0.06 * tenure
             + 0.8 * calls
             + 0.035 * (charges - 45.0)
             - (0.6 if plan == "premium" else 0.0))
        churned = rng.random() < 1.0 / (1.0 + math.exp(-z))
        out.append((100001 + i, tenure, charges, calls, plan, churned))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "subscribers.csv"))
    ap.add_argument("--rows", type=int, default=800)
    ap.add_argument("--seed", type=int, default=20250301)
    args = ap.parse_args()
    rows = generate(args.rows, args.seed)
    with open(args.out, "w", newline="") as f:
        f.write("customer_id,tenure_months,monthly_charges,support_calls,plan,churned\n")
        for cid, tenure, charges, calls, plan, churned in rows:
            f.write(f"{cid},{tenure},{charges:.2f},{calls},{plan},{'true' if churned else 'false'}\n")
    churn_rate = sum(1 for r in rows if r[5]) / len(rows)
    print(f"wrote {len(rows)} rows to {args.out} (churn rate {churn_rate:.3f})")


if __name__ == "__main__":
    main()

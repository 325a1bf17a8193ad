#!/usr/bin/env python3
"""Feature step of the churn A/B example (`step features` in churn_ab.mlops).

    python3 steps/features.py --in data/subscribers.csv --out build/features.csv

Reads the subscriber extract, enforces the declared schema (customer_id >= 1,
tenure_months 0..240, monthly_charges >= 0, support_calls >= 0, plan
basic|plus|premium, churned true|false) and writes one row of model features
per subscriber:

    tenure_years   tenure in years (months / 12)
    log_charges    natural log of (1 + monthly charges)
    support_calls  support calls in the last quarter
    is_plus        1 on the plus plan, else 0
    is_premium     1 on the premium plan, else 0
    churned        label, 1 if the subscriber cancelled within 90 days

The customer id is personal data (`pii` in the spec): it is checked, then
dropped. A row that breaks the schema is a data error: the step reports every
bad row on stderr and fails (exit 1) instead of training on filtered data.
Python 3 standard library only; deterministic (no randomness at all).
"""
import argparse
import csv
import math
import os
import sys

COLUMNS = ["customer_id", "tenure_months", "monthly_charges", "support_calls", "plan", "churned"]
FEATURES = ["tenure_years", "log_charges", "support_calls", "is_plus", "is_premium", "churned"]
PLANS = ("basic", "plus", "premium")


def as_int(row, column, low, high=None):
    try:
        v = int(row[column])
    except ValueError:
        return None, f"{column} {row[column]!r} is not an integer"
    if v < low or (high is not None and v > high):
        bound = f"value >= {low}" + (f" and value <= {high}" if high is not None else "")
        return None, f"{column} {v} violates `{bound}`"
    return v, None


def parse_row(row):
    """Returns (features, None) or (None, reason)."""
    _, err = as_int(row, "customer_id", 1)
    if err:
        return None, err
    tenure, err = as_int(row, "tenure_months", 0, 240)
    if err:
        return None, err
    try:
        charges = float(row["monthly_charges"])
    except ValueError:
        return None, f"monthly_charges {row['monthly_charges']!r} is not a number"
    if not math.isfinite(charges) or charges < 0:
        return None, f"monthly_charges {charges} violates `value >= 0`"
    calls, err = as_int(row, "support_calls", 0)
    if err:
        return None, err
    plan = row["plan"]
    if plan == "":
        return None, "plan is empty (null)"
    if plan not in PLANS:
        return None, f"plan {plan!r} violates `value in [\"basic\", \"plus\", \"premium\"]`"
    churned = row["churned"].strip().lower()
    if churned not in ("true", "false"):
        return None, f"churned {row['churned']!r} is not a bool"
    return [tenure / 12.0, math.log1p(charges), calls,
            1 if plan == "plus" else 0, 1 if plan == "premium" else 0,
            1 if churned == "true" else 0], None


def main():
    ap = argparse.ArgumentParser(description="churn feature step")
    ap.add_argument("--in", dest="inp", required=True, help="subscribers CSV")
    ap.add_argument("--out", required=True, help="features CSV to write")
    args = ap.parse_args()

    with open(args.inp, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            print(f"features: {args.inp}: missing columns {', '.join(missing)}", file=sys.stderr)
            return 1
        rows, errors = [], []
        for line, raw in enumerate(reader, start=2):
            feats, reason = parse_row(raw)
            if reason:
                errors.append(f"{args.inp}:{line}: {reason}")
            else:
                rows.append(feats)
    if errors:
        for e in errors:
            print(f"features: {e}", file=sys.stderr)
        print(f"features: {len(errors)} row(s) break the schema; nothing written", file=sys.stderr)
        return 1
    if not rows:
        print(f"features: {args.inp} has no rows", file=sys.stderr)
        return 1

    out_dir = os.path.dirname(args.out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES)
        for years, log_charges, calls, is_plus, is_premium, label in rows:
            w.writerow([f"{years:.6f}", f"{log_charges:.6f}", calls, is_plus, is_premium, label])
    os.replace(tmp, args.out)  # never leave a half-written output behind
    churners = sum(r[-1] for r in rows)
    print(f"features: {len(rows)} rows ({churners} churned) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Feature step of the credit-risk example (`step features` in credit_risk.mlops).

    python3 steps/features.py --in data/applications.csv --out build/features.csv

Reads the raw applications, enforces the declared schema (income >= 0,
age 18..120, region north|south, default true|false) and writes one row of
model features per application:

    log_income  natural log of (1 + income)
    age         age in years
    is_south    1 if region == "south", else 0
    default     label, 1 if the applicant defaulted, else 0

A row that breaks the schema is a data error: the step reports every bad row
on stderr and fails (exit 1) instead of training on silently filtered data.
Python 3 standard library only; deterministic (no randomness at all).
"""
import argparse
import csv
import math
import os
import sys

COLUMNS = ["income", "age", "region", "default"]
FEATURES = ["log_income", "age", "is_south", "default"]


def parse_row(row):
    """Returns (features, None) or (None, reason)."""
    try:
        income = float(row["income"])
    except ValueError:
        return None, f"income {row['income']!r} is not a number"
    if not math.isfinite(income) or income < 0:
        return None, f"income {income} violates `value >= 0`"
    try:
        age = int(row["age"])
    except ValueError:
        return None, f"age {row['age']!r} is not an integer"
    if not 18 <= age <= 120:
        return None, f"age {age} violates `value >= 18 and value <= 120`"
    region = row["region"]
    if region not in ("north", "south"):
        return None, f"region {region!r} violates `value in [\"north\", \"south\"]`"
    default = row["default"].strip().lower()
    if default not in ("true", "false"):
        return None, f"default {row['default']!r} is not a bool"
    return [math.log1p(income), age, 1 if region == "south" else 0, 1 if default == "true" else 0], None


def main():
    ap = argparse.ArgumentParser(description="credit-risk feature step")
    ap.add_argument("--in", dest="inp", required=True, help="applications CSV")
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
        for log_income, age, is_south, label in rows:
            w.writerow([f"{log_income:.6f}", age, is_south, label])
    os.replace(tmp, args.out)  # never leave a half-written output behind
    print(f"features: {len(rows)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

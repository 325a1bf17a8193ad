#!/usr/bin/env python3
"""Component `extract_bq_to_dataset`: export a table to a CSV dataset file.

    python3 steps/extract_bq_to_dataset.py --table P.preprocessing.test_data_xgb_training \
        --out build/datasets/test.csv

The original runs a BigQuery extract job to Cloud Storage; the stand-in
(steps/bq.py) copies the table's rows to OUT, header first.
"""
import argparse
import csv
import os

import bq


def main():
    parser = argparse.ArgumentParser(description="export a table to a CSV file")
    parser.add_argument("--table", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = bq.read_table(args.table)
    if not rows:
        raise SystemExit(f"extract_bq_to_dataset: table `{args.table}` is empty")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    print(f"extract_bq_to_dataset: {len(rows)} rows of {args.table} to {args.out}")


if __name__ == "__main__":
    main()

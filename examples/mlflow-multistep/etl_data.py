#!/usr/bin/env python3
"""Entry point `etl_data`: the ratings without their timestamps, at most
MAX_ROW_LIMIT of them, in the artifact folder `ratings-parquet-dir`.

    python3 etl_data.py --ratings-csv build/artifacts/ratings-csv-dir \
        --max-row-limit 100000 --out build/artifacts/ratings-parquet-dir

MLflow's etl_data.py reads the CSV with Spark, drops `timestamp`, keeps the
first MAX_ROW_LIMIT rows (-1: all) and writes Parquet. Python's standard
library has no Parquet writer: this writes ratings.jsonl, one JSON object
per rating, the columnar step left out.
"""
import argparse
import csv
import json
import os


def main():
    parser = argparse.ArgumentParser(description="drop timestamps and limit the rows")
    parser.add_argument("--ratings-csv", required=True, help="the ratings-csv-dir artifact folder")
    parser.add_argument("--max-row-limit", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.max_row_limit < -1 or args.max_row_limit == 0:
        raise SystemExit("etl_data: --max-row-limit must be a positive number of rows, or -1 for all")
    os.makedirs(args.out, exist_ok=True)
    kept = 0
    with open(os.path.join(args.ratings_csv, "ratings.csv"), newline="", encoding="utf-8") as src, \
            open(os.path.join(args.out, "ratings.jsonl"), "w", encoding="utf-8") as out:
        for row in csv.DictReader(src):
            if args.max_row_limit != -1 and kept >= args.max_row_limit:
                break
            out.write(json.dumps({"userId": int(row["userId"]), "movieId": int(row["movieId"]),
                                  "rating": float(row["rating"])}) + "\n")
            kept += 1
    print(f"etl_data: {kept} ratings -> {args.out}/ratings.jsonl")


if __name__ == "__main__":
    main()

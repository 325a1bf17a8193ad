#!/usr/bin/env python3
"""Entry point `load_raw_data`: put the MovieLens ratings into the artifact
folder `ratings-csv-dir`.

    python3 load_raw_data.py --ratings data/ratings.csv --out build/artifacts/ratings-csv-dir

MLflow's load_raw_data.py downloads ml-20m.zip, extracts ratings.csv and
logs it as the run's artifact `ratings-csv-dir`. Here the ratings are a
local sample (the spec's `data ratings`), so this copies ratings.csv into
OUT, checking the header on the way.
"""
import argparse
import os
import shutil

HEADER = "userId,movieId,rating,timestamp"


def main():
    parser = argparse.ArgumentParser(description="log the ratings CSV as an artifact")
    parser.add_argument("--ratings", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.ratings, encoding="utf-8") as f:
        header = f.readline().strip()
    if header != HEADER:
        raise SystemExit(f"load_raw_data: {args.ratings} starts with `{header}`, expected `{HEADER}`")
    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(args.ratings, os.path.join(args.out, "ratings.csv"))
    print(f"load_raw_data: {args.ratings} -> {args.out}/ratings.csv")


if __name__ == "__main__":
    main()

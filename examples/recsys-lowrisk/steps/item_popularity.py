#!/usr/bin/env python3
"""Item popularity step of the recommender example (`step item_popularity`
in recsys.mlops).

    python3 steps/item_popularity.py --events build/events.csv --items data/items.csv \
        --half-life 7 --out build/popularity.csv

Time-decayed popularity of every catalog item: each weighted event counts
weight * 0.5 ** ((last_day - day) / half_life), so last week's events count
twice as much as the week before's (with --half-life 7). Items nobody touched
get popularity 0 but stay in the table: the catalog defines what exists.
Events on items missing from the catalog are a data error (exit 1).

Writes item_id, category, popularity (6 decimals), most popular first (ties
by item id). Python 3 standard library only; deterministic.
"""
import argparse
import csv
import os
import sys


def main():
    ap = argparse.ArgumentParser(description="recommender item popularity step")
    ap.add_argument("--events", required=True, help="weighted events CSV (clean_events.py)")
    ap.add_argument("--items", required=True, help="catalog CSV")
    ap.add_argument("--half-life", type=float, default=7, help="days after which an event counts half")
    ap.add_argument("--out", required=True, help="popularity CSV to write")
    args = ap.parse_args()
    if args.half_life <= 0:
        ap.error("--half-life must be > 0")

    catalog = {}
    with open(args.items, newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                item_id, price = int(row["item_id"]), float(row["price"])
            except (KeyError, ValueError):
                print(f"item_popularity: {args.items}:{line}: bad item_id or price", file=sys.stderr)
                return 1
            if item_id < 1 or price <= 0 or not row.get("category"):
                print(f"item_popularity: {args.items}:{line}: row breaks the catalog schema", file=sys.stderr)
                return 1
            catalog[item_id] = row["category"]

    with open(args.events, newline="") as f:
        events = [(int(r["item_id"]), int(r["day"]), float(r["weight"])) for r in csv.DictReader(f)]
    unknown = sorted({item for item, _, _ in events if item not in catalog})
    if unknown:
        print(f"item_popularity: events on {len(unknown)} item(s) not in the catalog, e.g. {unknown[:5]}",
              file=sys.stderr)
        return 1
    last_day = max((day for _, day, _ in events), default=0)
    score = {item: 0.0 for item in catalog}
    for item, day, weight in events:
        score[item] += weight * 0.5 ** ((last_day - day) / args.half_life)

    ranked = sorted(score, key=lambda i: (-round(score[i], 6), i))
    out_dir = os.path.dirname(args.out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item_id", "category", "popularity"])
        for item in ranked:
            w.writerow([item, catalog[item], f"{score[item]:.6f}"])
    os.replace(tmp, args.out)
    touched = sum(1 for v in score.values() if v > 0)
    print(f"item_popularity: {len(catalog)} items ({touched} with events), half-life {args.half_life:g} days "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

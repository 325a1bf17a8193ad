#!/usr/bin/env python3
"""Event cleaning step of the recommender example (`step clean_events` in
recsys.mlops).

    python3 steps/clean_events.py --in data/interactions.csv --min-dwell 2.0 --out build/events.csv

Reads the raw shop events, enforces the declared schema (user_id >= 1,
item_id >= 1, event view|click|purchase, day 0..27, dwell_seconds >= 0),
drops accidental views (dwell under --min-dwell seconds; clicks and purchases
always count) and writes one weighted event per row, sorted by user, day and
item:

    user_id, item_id, day, weight      (view 1, click 2, purchase 4)

A row that breaks the schema is a data error: the step reports every bad row
on stderr and fails (exit 1). Python 3 standard library only; deterministic.
"""
import argparse
import csv
import math
import os
import sys

COLUMNS = ["user_id", "item_id", "event", "day", "dwell_seconds"]
WEIGHT = {"view": 1, "click": 2, "purchase": 4}


def parse_row(row):
    """Returns ((user, item, event, day, dwell), None) or (None, reason)."""
    out = []
    for column, low, high in (("user_id", 1, None), ("item_id", 1, None)):
        try:
            v = int(row[column])
        except ValueError:
            return None, f"{column} {row[column]!r} is not an integer"
        if v < low:
            return None, f"{column} {v} violates `value >= {low}`"
        out.append(v)
    event = row["event"]
    if event not in WEIGHT:
        return None, f"event {event!r} violates `value in [\"view\", \"click\", \"purchase\"]`"
    try:
        day = int(row["day"])
    except ValueError:
        return None, f"day {row['day']!r} is not an integer"
    if not 0 <= day < 28:
        return None, f"day {day} violates `value >= 0 and value < 28`"
    try:
        dwell = float(row["dwell_seconds"])
    except ValueError:
        return None, f"dwell_seconds {row['dwell_seconds']!r} is not a number"
    if not math.isfinite(dwell) or dwell < 0:
        return None, f"dwell_seconds {dwell} violates `value >= 0`"
    return (out[0], out[1], event, day, dwell), None


def main():
    ap = argparse.ArgumentParser(description="recommender event cleaning step")
    ap.add_argument("--in", dest="inp", required=True, help="interactions CSV")
    ap.add_argument("--min-dwell", type=float, default=2.0, help="drop views shorter than this (seconds)")
    ap.add_argument("--out", required=True, help="weighted events CSV to write")
    args = ap.parse_args()

    with open(args.inp, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            print(f"clean_events: {args.inp}: missing columns {', '.join(missing)}", file=sys.stderr)
            return 1
        kept, errors, dropped = [], [], 0
        for line, raw in enumerate(reader, start=2):
            parsed, reason = parse_row(raw)
            if reason:
                errors.append(f"{args.inp}:{line}: {reason}")
                continue
            user, item, event, day, dwell = parsed
            if event == "view" and dwell < args.min_dwell:
                dropped += 1
                continue
            kept.append((user, day, item, WEIGHT[event]))
    if errors:
        for e in errors:
            print(f"clean_events: {e}", file=sys.stderr)
        print(f"clean_events: {len(errors)} row(s) break the schema; nothing written", file=sys.stderr)
        return 1
    if not kept:
        print(f"clean_events: no events left in {args.inp}", file=sys.stderr)
        return 1

    kept.sort()
    out_dir = os.path.dirname(args.out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["user_id", "item_id", "day", "weight"])
        for user, day, item, weight in kept:
            w.writerow([user, item, day, weight])
    os.replace(tmp, args.out)  # never leave a half-written output behind
    print(f"clean_events: kept {len(kept)} events, dropped {dropped} short views -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

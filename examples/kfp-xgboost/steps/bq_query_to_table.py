#!/usr/bin/env python3
"""Component `bq_query_to_table`: run one of the pipeline's queries and
replace the destination table with its result (WRITE_TRUNCATE).

    python3 steps/bq_query_to_table.py --query ingest --source P.D.taxi_trips \
        --destination P.preprocessing.ingested_data_xgb_training --filter-start "2022-12-01 00:00:00"
    python3 steps/bq_query_to_table.py --query sample --source T --destination T --lots 0,1,2,3,4,5,6,7
    python3 steps/bq_query_to_table.py --query engineer_features --source T --destination T

The original renders the SQL templates in queries/ and submits them to
BigQuery; the stand-in (steps/bq.py) has no SQL engine, so each query is
written here in Python, doing what its SQL does:
- ingest (queries/ingest.sql): trips that started 3 to 2 months before
  FILTER_START, with non-NULL fields, trip_miles > 0 and 0 < fare < 1500;
  features dayofweek (1 = Sunday, as BigQuery's DAYOFWEEK), hourofday,
  trip_distance (metres, ST_DISTANCE), trip_miles, trip_seconds (NULL or
  <= 0 replaced by the window's mean), payment_type, company and the label
  total_fare = fare + tips + tolls + extras;
- sample (queries/sample.sql): the rows whose fingerprint modulo NUM_LOTS
  is in LOTS (a SHA-256 of the row's JSON instead of FARM_FINGERPRINT);
- engineer_features (queries/engineer_features.sql): SELECT *.
"""
import argparse
import datetime
import hashlib
import json
import math

import bq

FEATURES = ["dayofweek", "hourofday", "trip_distance", "trip_miles", "trip_seconds", "payment_type", "company",
            "total_fare"]
REQUIRED = ["fare", "trip_start_timestamp", "pickup_longitude", "pickup_latitude", "dropoff_longitude",
            "dropoff_latitude", "payment_type", "company"]


def months_before(day, months):
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def metres(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


def ingest(rows, filter_start):
    start = datetime.datetime.strptime(filter_start, "%Y-%m-%d %H:%M:%S").date() if filter_start \
        else datetime.date.today()
    low, high = months_before(start, 3), months_before(start, 2)
    window = [r for r in rows
              if low <= datetime.date.fromisoformat(r["trip_start_timestamp"][:10]) <= high]
    seconds = [float(r["trip_seconds"]) for r in window if r["trip_seconds"] not in ("",)]
    mean_seconds = int(sum(seconds) / len(seconds)) if seconds else 0
    out = []
    for r in window:
        if any(r[c] == "" for c in REQUIRED) or float(r["trip_miles"] or 0) <= 0 \
                or not 0 < float(r["fare"]) < 1500:
            continue
        started = datetime.datetime.strptime(r["trip_start_timestamp"], "%Y-%m-%d %H:%M:%S")
        trip_seconds = float(r["trip_seconds"] or 0)
        out.append({
            "dayofweek": float(started.isoweekday() % 7 + 1),
            "hourofday": float(started.hour),
            "trip_distance": round(metres(float(r["pickup_latitude"]), float(r["pickup_longitude"]),
                                          float(r["dropoff_latitude"]), float(r["dropoff_longitude"])), 3),
            "trip_miles": float(r["trip_miles"]),
            "trip_seconds": float(trip_seconds if trip_seconds > 0 else mean_seconds),
            "payment_type": r["payment_type"],
            "company": r["company"],
            "total_fare": round(sum(float(r[c] or 0) for c in ("fare", "tips", "tolls", "extras")), 2),
        })
    return out


def sample(rows, num_lots, lots):
    def lot(row):
        digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).digest()
        return int.from_bytes(digest[:8], "big") % num_lots
    return [r for r in rows if lot(r) in lots]


def main():
    parser = argparse.ArgumentParser(description="run a query into a table (WRITE_TRUNCATE)")
    parser.add_argument("--query", required=True, choices=["ingest", "sample", "engineer_features"])
    parser.add_argument("--source", required=True)
    parser.add_argument("--destination", required=True)
    parser.add_argument("--filter-start", default="")
    parser.add_argument("--num-lots", type=int, default=10)
    parser.add_argument("--lots", default="")
    args = parser.parse_args()

    rows = bq.read_table(args.source)
    if args.query == "ingest":
        out, columns = ingest(rows, args.filter_start), FEATURES
    elif args.query == "sample":
        lots = {int(x) for x in args.lots.split(",") if x}
        if not lots:
            raise SystemExit("bq_query_to_table: --query sample needs --lots")
        out, columns = sample(rows, args.num_lots, lots), list(rows[0]) if rows else FEATURES
    else:
        out, columns = rows, list(rows[0]) if rows else FEATURES
    bq.write_table(args.destination, columns, out)
    print(f"bq_query_to_table: {args.query}: {len(out)} rows into {args.destination}")


if __name__ == "__main__":
    main()

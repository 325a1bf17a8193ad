#!/usr/bin/env python3
"""Regenerate the stand-in warehouse's source table,
warehouse/vertex-demo-project/chicago_taxi_trips/taxi_trips.csv: 480
synthetic Chicago taxi trips with the columns of BigQuery's public
`chicago_taxi_trips.taxi_trips` that the pipeline reads, deterministic
(fixed seed, Python 3 standard library only). The file is committed; this
script rebuilds it byte for byte:

    python3 warehouse/generate.py

Most trips start in September 2022, the window the ingest query keeps for
the pipeline's default `timestamp` (2022-12-01: two to three months
before); some start in August or October and are filtered out, and a few
rows have what the query cleans (no company, zero seconds, a zero fare).
The fare is metered (base, per mile, per minute) with noise; card payers
tip, airport trips pay extras.
"""
import argparse
import csv
import math
import os
import random

COMPANIES = ["Flash Cab", "Taxi Affiliation Services", "Sun Taxi", "City Service", "Chicago Carriage Cab Corp"]
PAYMENTS = ["Credit Card", "Cash", "Mobile", "Prcard"]
LOOP = (41.8819, -87.6278)  # the Loop, where most trips start
OHARE = (41.9803, -87.9090)
COLUMNS = ["unique_key", "trip_start_timestamp", "trip_seconds", "trip_miles", "pickup_latitude",
           "pickup_longitude", "dropoff_latitude", "dropoff_longitude", "payment_type", "company", "fare",
           "tips", "tolls", "extras"]


def trip(rng, key):
    month, last_day = rng.choices([(8, 31), (9, 30), (10, 31)], weights=[0.08, 0.84, 0.08])[0]
    start = "2022-%02d-%02d %02d:%02d:00" % (month, rng.randint(1, last_day), rng.choice(range(24)),
                                              rng.randrange(60))
    airport = rng.random() < 0.12
    origin = (LOOP[0] + rng.gauss(0, 0.02), LOOP[1] + rng.gauss(0, 0.02))
    if airport:
        destination = (OHARE[0] + rng.gauss(0, 0.002), OHARE[1] + rng.gauss(0, 0.002))
    else:
        destination = (origin[0] + rng.gauss(0, 0.04), origin[1] + rng.gauss(0, 0.05))
    straight = math.hypot((destination[0] - origin[0]) * 111.0, (destination[1] - origin[1]) * 83.0) / 1.609
    miles = round(max(0.2, straight * rng.uniform(1.15, 1.45)), 2)
    hour = int(start[11:13])
    speed = rng.uniform(9, 16) if 7 <= hour <= 19 else rng.uniform(16, 26)  # miles per hour
    seconds = int(miles / speed * 3600 + rng.uniform(60, 240))
    fare = round(3.25 + 2.25 * miles + 0.25 * seconds / 36 + rng.gauss(0, 1.2), 2)
    payment = rng.choices(PAYMENTS, weights=[0.55, 0.3, 0.1, 0.05])[0]
    tips = round(fare * rng.uniform(0.12, 0.25), 2) if payment in ("Credit Card", "Mobile") else 0.0
    extras = 4.0 if airport else (1.0 if rng.random() < 0.1 else 0.0)
    tolls = 0.0
    company = rng.choice(COMPANIES)
    quirk = rng.random()
    if quirk < 0.02:
        company = ""  # NULL: the ingest query drops the row
    elif quirk < 0.05:
        seconds = 0  # the ingest query replaces it with the mean
    elif quirk < 0.06:
        fare = 0.0  # the ingest query drops the row
    return [key, start, seconds, miles, round(origin[0], 6), round(origin[1], 6), round(destination[0], 6),
            round(destination[1], 6), payment, company, fare, tips, tolls, extras]


def main():
    parser = argparse.ArgumentParser(description="regenerate the stand-in taxi_trips table")
    parser.add_argument("--out", default="warehouse/vertex-demo-project/chicago_taxi_trips/taxi_trips.csv")
    parser.add_argument("--rows", type=int, default=480)
    parser.add_argument("--seed", type=int, default=20221201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        for key in range(1, args.rows + 1):
            out.writerow(trip(rng, "t%05d" % key))


if __name__ == "__main__":
    main()

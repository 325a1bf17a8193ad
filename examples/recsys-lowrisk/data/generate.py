#!/usr/bin/env python3
"""Regenerate data/items.csv and data/interactions.csv: a deterministic
synthetic shop (fixed seed, Python 3 standard library only).

The files are committed; this script documents how they were made and
rebuilds them byte for byte:

    python3 data/generate.py --out-dir data

items.csv        item_id, category, price          (`data items`)
interactions.csv user_id, item_id, event, day, dwell_seconds
                                                   (`data interactions`)

Every user has one or two favourite categories and mostly browses those;
within a category some items are far more popular than others (Zipf-like),
and every user tends to come back to a few "habit" items. So items seen by
the same users are good recommendations for each other, better than plain
popularity, which is what the recommender in recsys.mlops learns.
"""
import argparse
import os
import random

CATEGORIES = ["books", "games", "garden", "kitchen", "music", "toys"]
PRICE = {"books": 15, "games": 45, "garden": 60, "kitchen": 35, "music": 12, "toys": 25}


def generate(n_items, n_users, seed):
    rng = random.Random(seed)
    items = []
    for item_id in range(1, n_items + 1):
        category = CATEGORIES[(item_id - 1) % len(CATEGORIES)]
        price = round(PRICE[category] * rng.uniform(0.5, 2.5), 2)
        items.append((item_id, category, price))
    by_category = {c: [i for i in items if i[1] == c] for c in CATEGORIES}
    # Zipf-like weights inside each category: rank r gets 1 / (r + 1).
    weights = {c: [1.0 / (r + 1) for r in range(len(by_category[c]))] for c in CATEGORIES}

    events = []
    for user_id in range(1, n_users + 1):
        favourites = rng.sample(CATEGORIES, rng.choice((1, 1, 2)))
        habits = [rng.choices(by_category[c], weights[c])[0][0] for c in favourites for _ in range(3)]
        n_events = rng.randint(6, 24)
        for _ in range(n_events):
            u = rng.random()
            if u < 0.45:
                item_id = rng.choice(habits)
            elif u < 0.9:
                c = rng.choice(favourites)
                item_id = rng.choices(by_category[c], weights[c])[0][0]
            else:
                item_id = rng.choice(items)[0]
            r = rng.random()
            event = "purchase" if r < 0.08 else "click" if r < 0.35 else "view"
            day = rng.randrange(28)
            dwell = round(rng.expovariate(1 / 40.0), 1) if event != "purchase" else round(rng.uniform(20, 240), 1)
            events.append((user_id, item_id, event, day, dwell))
    events.sort(key=lambda e: (e[3], e[0]))  # export order: by day, then user
    return items, events


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--items", type=int, default=120)
    ap.add_argument("--users", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20250415)
    args = ap.parse_args()
    items, events = generate(args.items, args.users, args.seed)
    with open(os.path.join(args.out_dir, "items.csv"), "w", newline="") as f:
        f.write("item_id,category,price\n")
        for item_id, category, price in items:
            f.write(f"{item_id},{category},{price:.2f}\n")
    with open(os.path.join(args.out_dir, "interactions.csv"), "w", newline="") as f:
        f.write("user_id,item_id,event,day,dwell_seconds\n")
        for user_id, item_id, event, day, dwell in events:
            f.write(f"{user_id},{item_id},{event},{day},{dwell:.1f}\n")
    print(f"wrote {len(items)} items and {len(events)} events to {args.out_dir}")


if __name__ == "__main__":
    main()

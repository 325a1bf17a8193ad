#!/usr/bin/env python3
"""Training step of the recommender example (`model recommender` in recsys.mlops).

    python3 steps/train.py --events build/events.csv --popularity build/popularity.csv \
        --k 10 --neighbours 30 --model build/recommender.json --metrics build/metrics.json \
        --curve build/hit_rate_by_k.csv

An item-to-item recommender in pure Python (standard library only). Two items
are neighbours when the same users touched both: similarity is the cosine of
their user sets, sim(i, j) = users(i and j) / sqrt(users(i) * users(j)), and
each item keeps its `--neighbours` most similar items. A user (or a product
page) gets the `--k` items with the highest summed similarity to what they
touched, weighted by event weight, never an item they already touched; lists
are filled up with popular items.

Evaluation is leave-last-out: for every user with at least two distinct items
the item they discovered last is held out, together with everything after it,
and the model (and the popularity ranking used for filling) is rebuilt from
the remaining events only. Metrics, written as JSON (plain numbers):

    hit_rate_at_k             share of users whose held-out item is in their top k
    popularity_hit_rate_at_k  the same for "the k most popular unseen items"
    catalog_coverage          share of the catalog that appears in some user's top k
    users_evaluated, k, items

With --curve, the hit rate at every list length from 1 to k, as CSV with
the columns `k`, `hit_rate` and `popularity_hit_rate` (the recommender's
`plots` in recsys.mlops draw it).

The model JSON maps every catalog item to its k recommendations (the product
page table), built from all events, filled from build/popularity.csv.
Deterministic: ties are broken by item id.
"""
import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict


def load_events(path):
    by_user = defaultdict(list)  # user -> [(day, item, weight)] in file order (user, day, item)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            by_user[int(r["user_id"])].append((int(r["day"]), int(r["item_id"]), float(r["weight"])))
    for events in by_user.values():
        events.sort()
    return by_user


def load_popularity(path):
    with open(path, newline="") as f:
        rows = [(int(r["item_id"]), float(r["popularity"])) for r in csv.DictReader(f)]
    return [item for item, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]


def profiles(by_user):
    """user -> {item: summed weight}"""
    return {u: _profile(events) for u, events in by_user.items()}


def _profile(events):
    p = defaultdict(float)
    for _, item, weight in events:
        p[item] += weight
    return dict(p)


def fit(user_profiles, neighbours):
    """item -> [(similar item, similarity)], most similar first."""
    users_of = defaultdict(int)
    pair = defaultdict(int)
    for p in user_profiles.values():
        items = sorted(p)
        for i in items:
            users_of[i] += 1
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                pair[(items[a], items[b])] += 1
    sims = defaultdict(list)
    for (i, j), both in pair.items():
        s = both / math.sqrt(users_of[i] * users_of[j])
        sims[i].append((j, s))
        sims[j].append((i, s))
    return {i: sorted(lst, key=lambda t: (-t[1], t[0]))[:neighbours] for i, lst in sims.items()}


def recommend(sims, profile, k, fill):
    score = defaultdict(float)
    for i, w in profile.items():
        for j, s in sims.get(i, ()):
            if j not in profile:
                score[j] += w * s
    top = [j for j, _ in sorted(score.items(), key=lambda t: (-t[1], t[0]))[:k]]
    for j in fill:
        if len(top) >= k:
            break
        if j not in profile and j not in top:
            top.append(j)
    return top


def popular_unseen(ranking, profile, k):
    return [j for j in ranking if j not in profile][:k]


def write_json(path, obj):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="recommender training step")
    ap.add_argument("--events", required=True, help="weighted events CSV (clean_events.py)")
    ap.add_argument("--popularity", required=True, help="popularity CSV (item_popularity.py)")
    ap.add_argument("--k", type=int, default=10, help="recommendations per list")
    ap.add_argument("--neighbours", type=int, default=30, help="neighbours kept per item")
    ap.add_argument("--model", required=True, help="model JSON to write")
    ap.add_argument("--metrics", required=True, help="metrics JSON to write")
    ap.add_argument("--curve", help="CSV of the hit rate at each list length 1..k to write")
    args = ap.parse_args()
    if args.k < 1 or args.neighbours < 1:
        ap.error("need --k >= 1 and --neighbours >= 1")

    by_user = load_events(args.events)
    catalog_ranking = load_popularity(args.popularity)
    catalog = set(catalog_ranking)

    # Leave-last-out split: hold out each user's last newly discovered item.
    train, held_out = {}, {}
    for user, events in sorted(by_user.items()):
        first_seen = {}
        for n, (_, item, _) in enumerate(events):
            first_seen.setdefault(item, n)
        if len(first_seen) < 2:
            train[user] = events
            continue
        target, at = max(first_seen.items(), key=lambda t: (t[1], t[0]))
        train[user] = events[:at]
        held_out[user] = target
    train_profiles = profiles(train)
    sims = fit(train_profiles, args.neighbours)
    train_pop = defaultdict(float)
    for p in train_profiles.values():
        for item, w in p.items():
            train_pop[item] += w
    eval_ranking = sorted(catalog, key=lambda i: (-train_pop.get(i, 0.0), i))

    hits = pop_hits = 0
    shown = set()
    hits_at = [0] * (args.k + 1)      # hits_at[c]: held-out item among the first c
    pop_hits_at = [0] * (args.k + 1)
    for user, target in held_out.items():
        recs = recommend(sims, train_profiles[user], args.k, eval_ranking)
        pops = popular_unseen(eval_ranking, train_profiles[user], args.k)
        shown.update(recs)
        hits += target in recs
        pop_hits += target in pops
        for c in range(1, args.k + 1):
            hits_at[c] += target in recs[:c]
            pop_hits_at[c] += target in pops[:c]
    n_eval = len(held_out)
    if n_eval == 0:
        raise SystemExit("train: no user has two distinct items; nothing to evaluate")

    # The published model: built from all events, one list per catalog item.
    full_sims = fit(profiles(by_user), args.neighbours)
    tables = {str(i): recommend(full_sims, {i: 1.0}, args.k, catalog_ranking) for i in sorted(catalog)}

    r = lambda v: round(v, 6)
    write_json(args.model, {
        "format": "mlops-example-item2item/1",
        "k": args.k,
        "neighbours": args.neighbours,
        "fallback": catalog_ranking[:args.k],
        "recommendations": tables,
    })
    metrics = {
        "hit_rate_at_k": r(hits / n_eval),
        "popularity_hit_rate_at_k": r(pop_hits / n_eval),
        "catalog_coverage": r(len(shown) / len(catalog)),
        "users_evaluated": n_eval,
        "items": len(catalog),
        "k": args.k,
    }
    write_json(args.metrics, metrics)
    if args.curve:
        os.makedirs(os.path.dirname(args.curve) or ".", exist_ok=True)
        with open(args.curve, "w", newline="") as f:
            f.write("k,hit_rate,popularity_hit_rate\n")
            for c in range(1, args.k + 1):
                f.write(f"{c},{r(hits_at[c] / n_eval)},{r(pop_hits_at[c] / n_eval)}\n")
    print(f"train: k={args.k} neighbours={args.neighbours} users={n_eval} "
          f"hit_rate_at_k={metrics['hit_rate_at_k']:.4f} (popularity {metrics['popularity_hit_rate_at_k']:.4f}) "
          f"catalog_coverage={metrics['catalog_coverage']:.4f} -> {args.model}, {args.metrics}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

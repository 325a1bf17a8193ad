#!/usr/bin/env python3
"""Deploy step of the recommender example (`deploy recs_prod` in recsys.mlops).

    python3 steps/publish.py --model build/recommender.json --target k8s://prod/recs --version 0.9.2

The example does not talk to a cluster: it checks the recommendation tables
(every list non-empty, at most k long, no item recommending itself), prints
what it would publish, and records the release in build/published.json.
Rolling strategy: the new tables replace the old ones in one step, at 100%
of traffic (MLOPS_TRAFFIC_PERCENT, when the runtime sets it, must be 100).
Deterministic: the record holds no timestamps. Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description="recommender publish step")
    ap.add_argument("--model", required=True, help="model JSON written by train.py")
    ap.add_argument("--target", required=True, help="where to publish, e.g. k8s://prod/recs")
    ap.add_argument("--version", required=True, help="service version (the project's)")
    ap.add_argument("--state-dir", default="build", help="where the release is recorded")
    args = ap.parse_args()

    percent = os.environ.get("MLOPS_TRAFFIC_PERCENT", "100").rstrip("%")
    if percent not in ("100", "100.0"):
        print(f"publish: rolling releases go out at 100% of traffic, got MLOPS_TRAFFIC_PERCENT={percent}",
              file=sys.stderr)
        return 2
    try:
        with open(args.model, "rb") as f:
            blob = f.read()
        model = json.loads(blob)
        tables, k = model["recommendations"], int(model["k"])
    except (OSError, ValueError, KeyError) as e:
        print(f"publish: cannot read recommendation tables from {args.model}: {e}", file=sys.stderr)
        return 1
    bad = [item for item, recs in tables.items() if not recs or len(recs) > k or int(item) in recs]
    if bad:
        print(f"publish: {len(bad)} broken list(s) in {args.model}, e.g. item {bad[0]}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(blob).hexdigest()
    print(f"publish: would replace the recommendation tables at {args.target} with shop_recs {args.version}: "
          f"{len(tables)} product pages x {k} items (sha256 {digest[:12]}), 100% of traffic in one step")
    os.makedirs(args.state_dir, exist_ok=True)
    path = os.path.join(args.state_dir, "published.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"target": args.target, "version": args.version, "model": args.model, "sha256": digest,
                   "pages": len(tables), "k": k}, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print(f"publish: release recorded in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

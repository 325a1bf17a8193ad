#!/usr/bin/env python3
"""Deploy step of the churn A/B example (`deploy churn_shadow` and
`deploy churn_ab` in churn_ab.mlops).

    python3 steps/deploy.py --strategy shadow --duration 48h \
        --target k8s://prod/churn-shadow --version 1.4.0 --model build/churn.json
    python3 steps/deploy.py --strategy ab --split 50 --metric business.retention_rate \
        --duration 14d --target k8s://prod/churn --version 1.4.0 --model build/churn.json

The example does not talk to a cluster: it checks the model file, prints what
it would deploy, and records the rollout in build/deploy_<strategy>.json so
rollback.py can report what it undoes. Deterministic: the state holds no
timestamps, only what was asked and the model's SHA-256.

    shadow  mirror all traffic to the new model for --duration; its answers
            are logged for comparison, never served
    ab      route --split percent of subscribers to the new model for
            --duration; --metric decides the test. mlopsc concludes it at
            the end (docs/language.md 5.9.1) and, on "promote", runs this
            step once more with MLOPS_AB_DECISION=promote and
            MLOPS_TRAFFIC_PERCENT=100: all subscribers get the new model
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import re
import sys

DURATION = re.compile(r"^[0-9]+(ms|s|m|h|d)$")


def write_json(path, obj):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="churn deploy step")
    ap.add_argument("--strategy", required=True, choices=["shadow", "ab"])
    ap.add_argument("--target", required=True, help="where to deploy, e.g. k8s://prod/churn")
    ap.add_argument("--version", required=True, help="service version (the project's)")
    ap.add_argument("--model", required=True, help="model JSON written by train.py")
    ap.add_argument("--duration", required=True, help="how long the shadow or A/B phase runs, e.g. 48h")
    ap.add_argument("--split", type=float, help="ab: percent of traffic for the new model (0, 100)")
    ap.add_argument("--metric", help="ab: metric that decides the test")
    ap.add_argument("--state-dir", default="build", help="where the rollout state is recorded")
    args = ap.parse_args()

    if not DURATION.match(args.duration):
        ap.error(f"--duration {args.duration!r} is not a duration like 48h or 14d")
    if args.strategy == "ab":
        if args.split is None or not 0 < args.split < 100:
            ap.error("--strategy ab needs --split strictly between 0 and 100")
        if not args.metric:
            ap.error("--strategy ab needs --metric")
    elif args.split is not None or args.metric:
        ap.error("--split and --metric only apply to --strategy ab")

    try:
        with open(args.model, "rb") as f:
            blob = f.read()
        model = json.loads(blob)
    except (OSError, ValueError) as e:
        print(f"deploy: cannot read model {args.model}: {e}", file=sys.stderr)
        return 1
    if not model.get("weights"):
        print(f"deploy: {args.model} has no weights", file=sys.stderr)
        return 1
    digest = hashlib.sha256(blob).hexdigest()

    if args.strategy == "shadow":
        print(f"deploy: would start churn {args.version} (model sha256 {digest[:12]}) at {args.target} "
              f"in shadow mode: mirror 100% of scoring traffic for {args.duration}, serve none of its answers")
    elif os.environ.get("MLOPS_AB_DECISION") == "promote":
        print(f"deploy: the A/B test on {args.metric} concluded promote: would route 100% of subscribers "
              f"at {args.target} to churn {args.version} (model sha256 {digest[:12]}) and end the test")
    else:
        split = f"{args.split:g}"
        print(f"deploy: would start churn {args.version} (model sha256 {digest[:12]}) at {args.target} "
              f"as arm B of an A/B test: {split}% of subscribers for {args.duration}, "
              f"decided on {args.metric}")
    state = {
        "strategy": args.strategy,
        "target": args.target,
        "version": args.version,
        "model": args.model,
        "sha256": digest,
        "duration": args.duration,
    }
    if args.strategy == "ab":
        state.update(split_percent=args.split, metric=args.metric)
        if os.environ.get("MLOPS_AB_DECISION") == "promote":
            state.update(split_percent=100, promoted=True)
    path = os.path.join(args.state_dir, f"deploy_{args.strategy}.json")
    write_json(path, state)
    print(f"deploy: rollout recorded in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Rollback of the churn A/B example (`rollback` of `deploy churn_ab`).

    python3 steps/rollback.py --target k8s://prod/churn

The runtime runs it when a monitor of the A/B deploy fails while the test is
on (serving errors, latency, or the new arm retaining fewer subscribers). The
example prints what it would undo, from build/deploy_ab.json (written by
deploy.py), and marks the rollout as rolled back. It never fails when there
is nothing to roll back, so it is safe to run twice. Python 3 standard
library only.
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description="churn A/B rollback")
    ap.add_argument("--target", required=True, help="the deploy target to restore")
    ap.add_argument("--state-dir", default="build", help="where deploy.py recorded the rollout")
    args = ap.parse_args()

    path = os.path.join(args.state_dir, "deploy_ab.json")
    if not os.path.exists(path):
        print(f"rollback: no A/B rollout recorded for {args.target}; nothing to undo")
        return 0
    with open(path) as f:
        state = json.load(f)
    if state.get("target") != args.target:
        print(f"rollback: recorded rollout is for {state.get('target')}, not {args.target}; nothing to undo")
        return 0
    print(f"rollback: would end the A/B test at {args.target}: route the {state.get('split_percent', 0):g}% "
          f"of subscribers on arm B ({state.get('version')}, model sha256 {state.get('sha256', '')[:12]}) "
          f"back to the current model")
    os.replace(path, path + ".rolled_back")
    return 0


if __name__ == "__main__":
    sys.exit(main())

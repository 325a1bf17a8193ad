#!/usr/bin/env python3
"""Component `update_best_model`, run by the deploy once the challenger won:
register the model as a new version of MODEL_NAME and move the `default`
alias to it.

    python3 steps/update_best_model.py --model build/model --metrics build/metrics.json \
        --model-name simple_xgboost --registry build/registry --version 1.0.0

The original compares the challenger's evaluation with the champion's
itself and calls the Vertex AI Model Registry; in the port the comparison
is the spec's `beats_champion` test and the gate's `when`, so this script
only promotes. The stand-in registry is REGISTRY/MODEL_NAME.json: the
versions with their metrics and artifact digest, and which one is
`default`.
"""
import argparse
import hashlib
import json
import os


def tree_digest(folder):
    h = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            h.update(name.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def main():
    parser = argparse.ArgumentParser(description="promote the model to the default version")
    for name in ("model", "metrics", "model-name", "registry", "version"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    path = os.path.join(args.registry, args.model_name + ".json")
    registry = {"model": args.model_name, "default": None, "versions": []}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            registry = json.load(f)
    with open(args.metrics, encoding="utf-8") as f:
        metrics = json.load(f)
    version = len(registry["versions"]) + 1
    registry["versions"].append({"version": version, "release": args.version, "artifact": tree_digest(args.model),
                                 "rootMeanSquaredError": metrics["rootMeanSquaredError"]})
    previous, registry["default"] = registry["default"], version
    os.makedirs(args.registry, exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(registry, f, indent=1)
    os.replace(path + ".tmp", path)
    print(f"update_best_model: {args.model_name} version {version} is now `default`"
          + (f" (was version {previous})" if previous else " (the first version)"))


if __name__ == "__main__":
    main()

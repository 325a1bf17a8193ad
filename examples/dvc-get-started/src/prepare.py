#!/usr/bin/env python3
"""Stage `prepare`: split the posts into train and test sets.

    python3 src/prepare.py --data data/data.xml --seed 20170428 --split 0.2 --out build/prepared

Reads one `<row …/>` element per line (the Stack Exchange dump layout),
labels a post 1 when its tags hold `<r>`, joins title and body into one
line of text, and writes `OUT/train.tsv` and `OUT/test.tsv` (id, label,
text, tab-separated). A post goes to the test set with probability SPLIT,
drawn from Python's `random` seeded with SEED, as DVC's prepare.py does.
The parameters come on the command line (`${params.prepare.seed}` in the
spec) instead of being read from params.yaml: Python's standard library
has no YAML reader, and mlopsc keys the node on exactly the values it
passes.
"""
import argparse
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

TARGET_TAG = "<r>"


def main():
    parser = argparse.ArgumentParser(description="split posts into train and test sets")
    parser.add_argument("--data", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--split", type=float, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if not 0 < args.split < 1:
        sys.exit(f"prepare: --split must lie strictly between 0 and 1, got {args.split}")

    random.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    counts = {"train": 0, "test": 0}
    with open(args.data, encoding="utf-8") as src, \
            open(os.path.join(args.out, "train.tsv"), "w", encoding="utf-8") as train, \
            open(os.path.join(args.out, "test.tsv"), "w", encoding="utf-8") as test:
        for number, line in enumerate(src, 1):
            if not line.lstrip().startswith("<row"):
                continue  # the XML declaration and the <posts> wrapper
            split = "train" if random.random() > args.split else "test"
            try:
                attr = ET.fromstring(line).attrib
            except ET.ParseError as err:
                print(f"prepare: skipping the broken line {number}: {err}", file=sys.stderr)
                continue
            label = 1 if TARGET_TAG in attr.get("Tags", "") else 0
            text = re.sub(r"\s+", " ", attr.get("Title", "") + " " + attr.get("Body", "")).strip()
            (train if split == "train" else test).write(f"{attr.get('Id', '')}\t{label}\t{text}\n")
            counts[split] += 1
    print(f"prepare: {counts['train']} train and {counts['test']} test posts")


if __name__ == "__main__":
    main()

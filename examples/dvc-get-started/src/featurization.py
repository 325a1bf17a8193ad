#!/usr/bin/env python3
"""Stage `featurize`, one item of `foreach = ["train", "test"]`: TF-IDF
features of one split.

    python3 src/featurization.py --prepared build/prepared --split test \
        --max-features 200 --ngrams 2 --out build/features/test.json

As DVC's featurization.py does with scikit-learn's CountVectorizer and
TfidfTransformer: the vocabulary (the MAX_FEATURES most frequent 1- to
NGRAMS-grams of the lowercased train texts, English stop words left out)
and the inverse document frequencies (idf = ln(n / df) + 1, sklearn's
`smooth_idf=False`) are fitted on the train split, and each row of SPLIT
becomes its l2-normalised TF-IDF vector. Both items fit the same
vocabulary from the same train file, so `featurize@test` needs nothing
from `featurize@train`.

Writes JSON: {"split", "features": [names], "rows": [{"id", "label",
"x": {"INDEX": value, ...}}]} (sparse rows).
"""
import argparse
import json
import math
import os
import re
from collections import Counter

# A short English stop-word list (sklearn's has 318 words; these are the ones
# that occur in the example's posts).
STOP_WORDS = frozenset("""a about an and are as at be but by can do does for from get has have how i if in
into is it its my no not of on or so that the their then there this to too use was what when where which
why will with you your p""".split())
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # sklearn's default token pattern


def read_split(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            pid, label, text = line.rstrip("\n").split("\t", 2)
            rows.append((int(pid), int(label), text))
    return rows


def grams(text, ngrams):
    words = [w for w in TOKEN.findall(text.lower()) if w not in STOP_WORDS]
    out = []
    for n in range(1, ngrams + 1):
        out += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return out


def main():
    parser = argparse.ArgumentParser(description="TF-IDF features of one split")
    parser.add_argument("--prepared", required=True, help="folder with train.tsv and test.tsv")
    parser.add_argument("--split", required=True, choices=["train", "test"])
    parser.add_argument("--max-features", type=int, required=True)
    parser.add_argument("--ngrams", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    train = read_split(os.path.join(args.prepared, "train.tsv"))
    train_grams = [grams(text, args.ngrams) for _, _, text in train]
    frequency = Counter(g for doc in train_grams for g in doc)
    # Most frequent first; ties alphabetically, so the vocabulary is stable.
    vocabulary = sorted(sorted(frequency), key=lambda g: -frequency[g])[:args.max_features]
    vocabulary.sort()
    index = {g: i for i, g in enumerate(vocabulary)}
    df = Counter(g for doc in train_grams for g in set(doc) if g in index)
    idf = [math.log(len(train) / df[g]) + 1 for g in vocabulary]

    rows = []
    target = train if args.split == "train" else read_split(os.path.join(args.prepared, "test.tsv"))
    for pid, label, text in target:
        counts = Counter(index[g] for g in grams(text, args.ngrams) if g in index)
        weights = {i: c * idf[i] for i, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        rows.append({"id": pid, "label": label,
                     "x": {str(i): round(w / norm, 6) for i, w in sorted(weights.items())}})

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"split": args.split, "features": vocabulary, "rows": rows}, f, separators=(",", ":"))
    print(f"featurize: {len(rows)} {args.split} rows x {len(vocabulary)} features")


if __name__ == "__main__":
    main()

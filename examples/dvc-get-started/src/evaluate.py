#!/usr/bin/env python3
"""Stage `evaluate`: metrics and plots of the model on both splits.

    python3 src/evaluate.py --model build/model.json \
        --features build/features/train.json build/features/test.json \
        --metrics build/eval/metrics.json --plots build/eval/plots

Writes what DVC's evaluate.py writes through dvclive, in the same layout:
METRICS is {"avg_prec": {"train": …, "test": …}, "roc_auc": {"train": …,
"test": …}} (the nested metrics the spec's tests read as
`metrics.roc_auc.test`), and PLOTS/sklearn/{roc,prc,cm}/SPLIT.json hold
the ROC curve ({"roc": [{"fpr", "tpr", "threshold"}]}), the
precision-recall curve ({"prc": [{"precision", "recall", "threshold"}]})
and the confusion matrix ({"cm": [{"actual", "predicted"}]}). Average
precision and ROC AUC are computed as scikit-learn defines them. The
feature-importance image is left out (no plotting library).
"""
import argparse
import json
import os


def predict(tree, x):
    while "p" not in tree:
        tree = tree["present"] if str(tree["f"]) in x else tree["absent"]
    return tree["p"]


def curves(labels, scores):
    """Points of the ROC and precision-recall curves, one per distinct threshold."""
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise SystemExit(f"evaluate: a split needs posts of both classes, found {positives} R and {negatives} other")
    roc, prc = [{"fpr": 0.0, "tpr": 0.0, "threshold": 1.0}], []
    tp = fp = 0
    for i, (score, label) in enumerate(pairs):
        tp += label
        fp += 1 - label
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue
        roc.append({"fpr": round(fp / negatives, 6), "tpr": round(tp / positives, 6), "threshold": round(score, 6)})
        prc.append({"precision": round(tp / (tp + fp), 6), "recall": round(tp / positives, 6),
                    "threshold": round(score, 6)})
    return roc, prc


def roc_auc(roc):
    return sum((b["fpr"] - a["fpr"]) * (a["tpr"] + b["tpr"]) / 2 for a, b in zip(roc, roc[1:]))


def average_precision(prc):
    """sum over thresholds of (R_n - R_{n-1}) * P_n, as sklearn's average_precision_score."""
    total, previous = 0.0, 0.0
    for point in prc:
        total += (point["recall"] - previous) * point["precision"]
        previous = point["recall"]
    return total


def write(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description="metrics and plots of the model")
    parser.add_argument("--model", required=True)
    parser.add_argument("--features", nargs="+", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--plots", required=True)
    args = parser.parse_args()
    with open(args.model, encoding="utf-8") as f:
        trees = json.load(f)["trees"]

    metrics = {"avg_prec": {}, "roc_auc": {}}
    for path in args.features:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        split = doc["split"]
        labels = [r["label"] for r in doc["rows"]]
        scores = [sum(predict(t, r["x"]) for t in trees) / len(trees) for r in doc["rows"]]
        roc, prc = curves(labels, scores)
        metrics["roc_auc"][split] = round(roc_auc(roc), 6)
        metrics["avg_prec"][split] = round(average_precision(prc), 6)
        write(os.path.join(args.plots, "sklearn", "roc", split + ".json"), {"roc": roc})
        write(os.path.join(args.plots, "sklearn", "prc", split + ".json"), {"prc": prc})
        write(os.path.join(args.plots, "sklearn", "cm", split + ".json"),
              {"cm": [{"actual": y, "predicted": int(s >= 0.5)} for y, s in zip(labels, scores)]})
    write(args.metrics, metrics)
    print("evaluate: " + ", ".join(f"{name}.{split} = {value:.3f}" for name, by_split in metrics.items()
                                   for split, value in by_split.items()))


if __name__ == "__main__":
    main()

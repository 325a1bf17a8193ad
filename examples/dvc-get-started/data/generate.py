#!/usr/bin/env python3
"""Regenerate data/data.xml: 400 synthetic StackOverflow questions in the
layout of the Stack Exchange data dump that DVC's example-get-started uses
(one `<row …/>` element per line inside `<posts>`), deterministic (fixed
seed, Python 3 standard library only). The file is committed; this script
documents how it was made and rebuilds it byte for byte:

    python3 data/generate.py --out data/data.xml

About a third of the questions carry the `<r>` tag (what the classifier
learns to predict). R questions mostly use R vocabulary and the others the
vocabulary of their own language, but both share a pool of general words
and some questions borrow words from the other side, so the classes
overlap and the model is good, not perfect.
"""
import argparse
import random
from xml.sax.saxutils import quoteattr

R_WORDS = ["dataframe", "ggplot2", "dplyr", "tidyverse", "vector", "factor", "lapply", "rstudio",
           "cran", "shiny", "tibble", "mutate", "summarise", "rmarkdown", "knitr", "plot", "regression",
           "lm", "glm", "matrix", "na", "apply", "list", "column", "package"]
OTHER = {
    "python": ["pandas", "numpy", "django", "flask", "pip", "virtualenv", "list", "dict", "import",
               "matplotlib", "dataframe", "column", "regression", "package", "plot"],
    "javascript": ["react", "node", "npm", "promise", "async", "dom", "jquery", "webpack", "json",
                   "array", "callback", "browser", "typescript", "css", "html"],
    "java": ["spring", "maven", "jvm", "gradle", "class", "interface", "hibernate", "thread",
             "exception", "stream", "list", "android", "jar", "junit", "matrix"],
    "sql": ["query", "join", "index", "postgres", "mysql", "table", "select", "group", "column",
            "transaction", "schema", "view", "trigger", "aggregate", "null"],
}
COMMON = ["how", "error", "function", "value", "data", "file", "code", "problem", "output", "loop",
          "string", "number", "return", "variable", "object", "time", "example", "result", "new",
          "change", "different", "multiple", "get", "use", "working"]
TITLES = ["How to {a} {b} in {c}", "{a} returns wrong {b}", "Why does {a} fail with {b}",
          "Convert {a} to {b}", "Best way to {a} a {b}", "{a} and {b} not working together"]


def question(rng, is_r, language):
    own = R_WORDS if is_r else OTHER[language]
    other = OTHER[rng.choice(sorted(OTHER))] if is_r else R_WORDS
    words = []
    for _ in range(rng.randint(14, 30)):
        u = rng.random()
        words.append(rng.choice(own) if u < 0.38 else rng.choice(other) if u < 0.5 else rng.choice(COMMON))
    title_words = [rng.choice(own if rng.random() < 0.6 else COMMON) for _ in range(3)]
    title = rng.choice(TITLES).format(a=title_words[0], b=title_words[1], c=title_words[2])
    body = "<p>" + " ".join(words) + ".</p>"
    return title, body


def generate(n, seed):
    rng = random.Random(seed)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for post_id in range(1, n + 1):
        is_r = rng.random() < 0.33
        language = rng.choice(sorted(OTHER))
        title, body = question(rng, is_r, language)
        tags = "<r>" + ("<" + rng.choice(["ggplot2", "dplyr", "shiny"]) + ">" if rng.random() < 0.5 else "") \
            if is_r else "<" + language + ">"
        day = 1 + (post_id * 7) % 28
        lines.append("  <row Id=\"%d\" PostTypeId=\"1\" CreationDate=\"2017-04-%02dT10:%02d:00.000\" "
                     "Score=\"%d\" Tags=%s Title=%s Body=%s />"
                     % (post_id, day, post_id % 60, rng.randint(-2, 40), quoteattr(tags), quoteattr(title),
                        quoteattr(body)))
    lines.append("</posts>")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data/data.xml")
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20170428)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(generate(args.rows, args.seed))


if __name__ == "__main__":
    main()

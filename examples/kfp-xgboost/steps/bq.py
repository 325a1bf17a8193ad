"""The local stand-in for BigQuery that the pipeline's scripts use.

A table `project.dataset.table` is a CSV file with a header row: tables the
pipeline writes are in build/warehouse/PROJECT/DATASET/TABLE.csv
(git-ignored), and tables it only reads, the public taxi trips, in
warehouse/PROJECT/DATASET/TABLE.csv (committed). Running the example against
BigQuery means replacing `read_table` and `write_table` with
google-cloud-bigquery calls (a query job with a destination table and
WRITE_TRUNCATE, an extract job to a file); the spec and the other scripts
stay as they are. The spec does not show this module: the BigQuery tables
it names (`bigquery("…")` sources, `bigquery://…` effects) are the real ones.
"""
import csv
import os
import re

TABLE_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")
WRITTEN = os.path.join("build", "warehouse")
SOURCES = "warehouse"


def _path(root, table):
    if not TABLE_ID.match(table):
        raise SystemExit(f"bq: `{table}` is not a table id `project.dataset.table`")
    return os.path.join(root, *table.split(".")) + ".csv"


def read_table(table):
    """The rows of TABLE as dicts of strings (an empty string is NULL)."""
    for root in (WRITTEN, SOURCES):
        path = _path(root, table)
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                return list(csv.DictReader(f))
    raise SystemExit(f"bq: table `{table}` not found (the stand-in looked in {WRITTEN}/ and {SOURCES}/)")


def write_table(table, columns, rows):
    """Replaces TABLE with ROWS (WRITE_TRUNCATE)."""
    path = _path(WRITTEN, table)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    os.replace(path + ".tmp", path)

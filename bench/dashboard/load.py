#!/usr/bin/env python3
"""Load generator for the live dashboard (`mlopsc dashboard --serve`):
CLIENTS concurrent clients, each with its own keep-alive connection, GET the
given paths in turn (each client starting at another one) for REQUESTS
requests each; prints a JSON summary of the latencies.

    bench/dashboard/load.py http://127.0.0.1:PORT PATHS_FILE [--clients 20] [--requests 50] [--new-connections]

PATHS_FILE holds one path a line (`/`, `/models/m1.html`, ...). A latency
is from sending the request to reading the whole body; with
--new-connections each request opens its own connection (closed after it)
and its latency includes the connect, as many independent readers' would.
A status other than 200 or a failed connection counts as an error (the
connection is reopened).
Python 3 standard library only.
"""
import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def percentile(sorted_values, p):
    """The nearest-rank percentile (p in 0..100) of sorted values."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def client(host, port, paths, offset, requests, fresh, latencies, errors, sizes, lock):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    mine, bad, nbytes = [], [], 0
    for i in range(requests):
        path = paths[(offset + i) % len(paths)]
        t0 = time.perf_counter()
        try:
            if fresh:
                conn.close()
                conn.connect()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            dt = time.perf_counter() - t0
            if resp.status != 200:
                bad.append(f"{path}: HTTP {resp.status}")
            else:
                mine.append(dt)
                nbytes += len(body)
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as e:
            bad.append(f"{path}: {type(e).__name__}: {e}")
            conn.close()
    conn.close()
    with lock:
        latencies.extend(mine)
        errors.extend(bad)
        sizes.append(nbytes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="http://127.0.0.1:PORT")
    ap.add_argument("paths", help="file with one path a line")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=50, help="requests per client")
    ap.add_argument("--new-connections", action="store_true", help="a new connection for every request (default: keep-alive)")
    args = ap.parse_args()
    u = urlsplit(args.base)
    if u.scheme != "http" or not u.hostname or not u.port:
        ap.error(f"expected http://HOST:PORT, got {args.base}")
    paths = [p.strip() for p in open(args.paths) if p.strip()]
    if not paths:
        ap.error(f"no path in {args.paths}")
    latencies, errors, sizes = [], [], []
    lock = threading.Lock()
    threads = [threading.Thread(target=client, args=(u.hostname, u.port, paths, c * len(paths) // args.clients,
                                                     args.requests, args.new_connections, latencies, errors, sizes, lock))
               for c in range(args.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in latencies)
    r = lambda v: None if v is None else round(v, 2)
    summary = {
        "clients": args.clients, "keep_alive": not args.new_connections, "requests": args.clients * args.requests, "ok": len(ms), "errors": len(errors),
        "first_errors": errors[:5], "seconds": round(wall, 2), "requests_per_second": round(len(ms) / wall, 1) if wall else None,
        "mb_read": round(sum(sizes) / 1e6, 1), "p50_ms": r(percentile(ms, 50)), "p95_ms": r(percentile(ms, 95)),
        "p99_ms": r(percentile(ms, 99)), "max_ms": r(ms[-1] if ms else None), "mean_ms": r(statistics.fmean(ms) if ms else None),
    }
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Opens one file in `mlopsc lsp` and waits for its diagnostics.

    open_once.py MLOPSC FILE [--timeout S]

Starts the server in FILE's folder, sends initialize / initialized /
didOpen (the file's text), waits for the publishDiagnostics of that
document, then shutdown / exit. Prints one JSON object on stdout:
{"seconds": time from didOpen to the diagnostics, "diagnostics": count,
"messages": [their messages], "peak_rss_kb": the server's VmHWM}.
Exit status 0 when the diagnostics came and the server exited cleanly, 1
when none came within the timeout (default 60 s; the server is killed) or
it crashed, 2 for a usage problem. Standard library only: used by
tests/e2e/security_frontend.sh and bench/hostile/run.sh.
"""
import json
import os
import subprocess
import sys
import threading
import time


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def reader(stream, out, done):
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                done.set()
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length is None:
            continue
        out.append(json.loads(stream.read(length)))
        done.set()


def peak_rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    mlopsc, path = os.path.abspath(args[0]), os.path.abspath(args[1])
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 60.0
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + path
    server = subprocess.Popen([mlopsc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, cwd=os.path.dirname(path))
    messages, event = [], threading.Event()
    threading.Thread(target=reader, args=(server.stdout, messages, event), daemon=True).start()
    send = lambda m: (server.stdin.write(frame(m)), server.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": os.getpid(), "rootUri": "file://" + os.path.dirname(path), "capabilities": {}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    start = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "mlops", "version": 1, "text": text}}})
    found = None
    while found is None and time.monotonic() - start < timeout:
        event.wait(0.05)
        event.clear()
        for m in messages:
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("uri") == uri:
                found = m
        if server.poll() is not None:
            break
    seconds = time.monotonic() - start
    rss = peak_rss_kb(server.pid)
    if found is None:
        server.kill()
        server.wait()
        print(json.dumps({"seconds": round(seconds, 3), "diagnostics": None, "peak_rss_kb": rss}))
        return 1
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    send({"jsonrpc": "2.0", "method": "exit"})
    try:
        status = server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        status = -1
    diagnostics = found["params"]["diagnostics"]
    print(json.dumps({"seconds": round(seconds, 3), "diagnostics": len(diagnostics),
                      "messages": [d.get("message", "") for d in diagnostics], "peak_rss_kb": rss}))
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

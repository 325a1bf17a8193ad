#!/usr/bin/env python3
"""Robustness of `mlopsc lsp` against a hand-written JSON-RPC client:

- malformed input: invalid JSON, a missing Content-Length, a non-object
  message, bad parameter types, unknown methods, requests before
  `initialize`: each gets the right error response and the server keeps
  serving;
- `$/cancelRequest`: a request cancelled while the server is busy gets
  RequestCancelled (-32800);
- thousands of random incremental edits (mid-token, across lines, deleting
  everything, non-ASCII text with UTF-16 surrogate pairs) interleaved with
  random requests: every request is answered, the server never dies, and at
  the end its view of the text is the client's (its diagnostics equal
  `mlopsc check --diagnostics-format=json` on the same text);
- memory stays flat over 10,000 edits.

Usage: robustness.py MLOPSC SOURCE_DIR [--edits N] [--stress N]
Prints `ok - ...` / `FAIL - ...` lines; exits 1 on any failure.
"""
import json, os, random, shutil, subprocess, sys, tempfile, threading, time

MLOPSC, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
args = sys.argv[3:]
EDITS = int(args[args.index("--edits") + 1]) if "--edits" in args else 3000
STRESS = int(args[args.index("--stress") + 1]) if "--stress" in args else 10000
failures = 0
passes = 0


def ok(cond, what, detail=""):
    global failures, passes
    if cond:
        passes += 1
        print("ok - " + what)
    else:
        failures += 1
        print("FAIL - " + what + (": " + detail if detail else ""))


class Server:
    def __init__(self, cwd):
        self.p = subprocess.Popen([MLOPSC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=cwd)
        self.messages = []
        self.cond = threading.Condition()
        self.closed = False
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.closed = True
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            body = out.read(length)
            with self.cond:
                self.messages.append(json.loads(body))
                self.cond.notify_all()

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def wait_for(self, pred, timeout=30):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for i, m in enumerate(self.messages):
                    if pred(m):
                        return self.messages.pop(i)
                if self.closed:
                    return None
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def request_async(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def response(self, rid, timeout=30):
        return self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def request(self, method, params, timeout=30):
        return self.response(self.request_async(method, params), timeout)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version, timeout=30):
        return self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri and m["params"].get("version") == version, timeout)

    def drop_notifications(self):
        with self.cond:
            self.messages = [m for m in self.messages if "method" not in m or "id" in m]

    def rss_kb(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def exit_code(self, timeout=10):
        """The server's exit status, or None (and it is killed) if it does not end in time."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None

    def alive(self):
        return self.p.poll() is None


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def to_offset(text, line, character):
    """Python index of an LSP (UTF-16) position, clamped as the server does."""
    lines = text.split("\n")
    if line >= len(lines):
        return len(text)
    start = sum(len(l) + 1 for l in lines[:line])
    units = 0
    i = 0
    content = lines[line]
    if content.endswith("\r"):
        content = content[:-1]
    while i < len(content):
        w = 2 if ord(content[i]) > 0xFFFF else 1
        if units + w > character:
            break
        units += w
        i += 1
    return start + i


def random_position(text, rng):
    lines = text.split("\n")
    line = rng.randrange(len(lines) + 1)
    if line < len(lines):
        return {"line": line, "character": rng.randrange(utf16_len(lines[line]) + 3)}
    return {"line": line, "character": rng.randrange(3)}


work = tempfile.mkdtemp(prefix="mlops-lsp-robust-")
try:
    shutil.copytree(os.path.join(SRC, "examples", "credit-risk"), os.path.join(work, "cr"),
                    ignore=shutil.ignore_patterns("build", ".mlops", "serving"))
    spec = os.path.join(work, "cr", "credit_risk.mlops")
    uri = "file://" + spec
    original = open(spec, encoding="utf-8").read()

    # ---- malformed input and protocol errors
    s = Server(work)
    r = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
    ok(r and r.get("error", {}).get("code") == -32002, "a request before initialize gets ServerNotInitialized")
    r = s.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    ok(r and "capabilities" in r.get("result", {}), "initialize answers with capabilities")
    r = s.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    ok(r and r.get("error", {}).get("code") == -32600, "a second initialize is an invalid request")
    s.notify("initialized", {})
    s.raw(b"Content-Length: 9\r\n\r\n{not json")
    r = s.wait_for(lambda m: m.get("error", {}).get("code") == -32700)
    ok(r is not None and r.get("id") is None, "invalid JSON gets a ParseError response with id null")
    s.raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
    r = s.wait_for(lambda m: m.get("error", {}).get("code") == -32600 and "Content-Length" in m["error"]["message"])
    ok(r is not None, "a message without Content-Length gets an error response")
    body = b"[1, 2, 3]"
    s.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    r = s.wait_for(lambda m: m.get("error", {}).get("code") == -32600 and "JSON-RPC" in m["error"]["message"])
    ok(r is not None, "a message that is not an object is an invalid request")
    r = s.request("no/suchMethod", {})
    ok(r and r.get("error", {}).get("code") == -32601, "an unknown method gets MethodNotFound")
    s.notify("no/suchNotification", {})
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "mlops", "version": 1, "text": original}})
    d = s.diagnostics(uri, 1)
    ok(d is not None and d["params"]["diagnostics"] == [], "the example opens without diagnostics",
       json.dumps(d)[:300] if d else "no diagnostics published")
    r = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "x", "character": 0}})
    ok(r and r.get("error", {}).get("code") == -32602, "a position that is not a number gets InvalidParams")
    r = s.request("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.mlops"}, "position": {"line": 0, "character": 0}})
    ok(r and r.get("error", {}).get("code") == -32602, "a request on a document that is not open gets InvalidParams")
    r = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 99999, "character": 99999}})
    ok(r is not None and "error" not in r, "a position past the end is clamped, not an error")

    # ---- cancellation: the server is busy with a big document while the
    # hover and its cancellation arrive
    big_uri = "file://" + os.path.join(work, "big.mlops")
    big = subprocess.run([os.path.join(SRC, "bench", "gen-spec"), "--lines", "20000"], capture_output=True, text=True).stdout
    s.notify("textDocument/didOpen", {"textDocument": {"uri": big_uri, "languageId": "mlops", "version": 1, "text": big}})
    busy = s.request_async("textDocument/documentSymbol", {"textDocument": {"uri": big_uri}})
    hover = s.request_async("textDocument/hover", {"textDocument": {"uri": big_uri}, "position": {"line": 5, "character": 3}})
    s.notify("$/cancelRequest", {"id": hover})
    r1, r2 = s.response(busy, 60), s.response(hover, 60)
    ok(r1 is not None and isinstance(r1.get("result"), list) and len(r1["result"]) > 100, "the busy request is answered")
    ok(r2 is not None and r2.get("error", {}).get("code") == -32800, "a cancelled request gets RequestCancelled",
       json.dumps(r2)[:200] if r2 else "no response")
    s.notify("textDocument/didClose", {"textDocument": {"uri": big_uri}})
    ok(s.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == big_uri
                  and m["params"]["diagnostics"] == []) is not None, "closing a document clears its diagnostics")

    # ---- random edits and requests
    rng = random.Random(20261127)
    snippets = ["model", " = ", "{", "}", "[", "]", "\"", "\"\"\"", "//", "/*", "*/", "\n", "owner = modelers\n",
                "é", "😀", "日本", "10Gi", "2 of ", "expect metrics.auc >= ", "${", "\t", "(", ")", ".", ",",
                "deploy x {", "test t on scorer {\n  expect metrics.auc > 0.5\n}\n", "\r\n"]
    text = original
    version = 1
    methods = ["textDocument/hover", "textDocument/completion", "textDocument/definition",
               "textDocument/references", "textDocument/documentSymbol", "textDocument/codeAction",
               "textDocument/formatting", "textDocument/prepareRename"]
    answered = 0
    asked = 0
    internal = []
    for i in range(EDITS):
        version += 1
        kind = rng.random()
        if kind < 0.01:
            start, end = {"line": 0, "character": 0}, {"line": 100000, "character": 0}
            new = ""  # delete everything
        elif kind < 0.02:
            start, end, new = {"line": 0, "character": 0}, {"line": 0, "character": 0}, original  # paste it all back
        else:
            start, end = random_position(text, rng), random_position(text, rng)
            if (start["line"], start["character"]) > (end["line"], end["character"]):
                start, end = end, start
            new = rng.choice(snippets) if rng.random() < 0.7 else ""
        a, b = to_offset(text, start["line"], start["character"]), to_offset(text, end["line"], end["character"])
        text = text[:a] + new + text[b:]
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                           "contentChanges": [{"range": {"start": start, "end": end}, "text": new}]})
        if rng.random() < 0.15:
            method = rng.choice(methods)
            params = {"textDocument": {"uri": uri}, "position": random_position(text, rng)}
            if method == "textDocument/references":
                params["context"] = {"includeDeclaration": True}
            if method == "textDocument/codeAction":
                p = params.pop("position")
                params["range"] = {"start": p, "end": p}
                params["context"] = {"diagnostics": []}
            if method == "textDocument/formatting":
                params.pop("position")
                params["options"] = {"tabSize": 2, "insertSpaces": True}
            asked += 1
            r = s.request(method, params, 60)
            if r is not None:
                answered += 1
                if r.get("error", {}).get("code") == -32603:
                    internal.append((method, r["error"]["message"]))
            if not s.alive():
                break
        if i % 200 == 0:
            s.drop_notifications()
    ok(s.alive(), "the server survives %d random edits" % EDITS)
    ok(answered == asked, "all %d requests during the edits were answered" % asked, "%d answered" % answered)
    ok(not internal, "no request failed with an internal error", repr(internal[:3]))

    # The server's view of the text is the client's: same diagnostics as the CLI.
    d = s.diagnostics(uri, version, 60) if EDITS else {"params": {"diagnostics": []}}
    ok(d is not None, "diagnostics are published for the last version")
    final = os.path.join(work, "cr", "final.mlops")
    with open(final, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    # Same text under the document's own name, so messages naming the file match.
    with open(spec, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    cli = subprocess.run([MLOPSC, "check", "--diagnostics-format=json", "--max-errors=0", spec], capture_output=True, text=True, cwd=work)
    try:
        cli_diags = json.loads(cli.stdout)["diagnostics"]
    except Exception as e:  # noqa
        cli_diags = None
    if d is not None and cli_diags is not None:
        mine = sorted((x["code"], x["range"]["start"]["line"]) for x in d["params"]["diagnostics"])
        theirs = sorted((x["code"], x["primary"]["start"]["line"] - 1 if "primary" in x else -1) for x in cli_diags
                        if x.get("file", spec) in (spec, os.path.relpath(spec, work)) or "primary" not in x)
        ok([c for c, _ in mine] == [c for c, _ in theirs], "after the edits the server reports the CLI's diagnostic codes",
           "server %s, cli %s" % (mine[:8], theirs[:8]))
    else:
        ok(False, "the CLI's JSON diagnostics could be compared", cli.stdout[:300] + cli.stderr[:300])

    # ---- memory stays flat over many edits
    version += 1
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": original}]})
    s.diagnostics(uri, version, 60)
    lines = original.split("\n")
    target_line = next(i for i, l in enumerate(lines) if "version" in l)
    col = lines[target_line].index('"') + 1

    def burst(n):
        global version
        for k in range(n):
            version += 1
            ch = {"line": target_line, "character": col}
            if k % 2 == 0:
                change = {"range": {"start": ch, "end": ch}, "text": "9"}
            else:
                change = {"range": {"start": ch, "end": {"line": target_line, "character": col + 1}}, "text": ""}
            s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            if k % 500 == 499 or k == n - 1:
                s.diagnostics(uri, version, 60)  # let it analyse now and then, and at the end
                s.drop_notifications()

    burst(max(STRESS // 10, 100))
    rss_start = s.rss_kb()
    burst(STRESS)
    rss_end = s.rss_kb()
    ok(s.alive(), "the server survives %d more edits" % STRESS)
    ok(rss_end <= rss_start * 1.25 + 8192, "memory stays flat over %d edits" % STRESS,
       "RSS %d KiB -> %d KiB" % (rss_start, rss_end))
    print("# RSS after %d edits: %d KiB; after %d more: %d KiB" % (max(STRESS // 10, 100), rss_start, STRESS, rss_end))

    # ---- shutdown: requests after it are refused; exit ends with 0
    r = s.request("shutdown", None)
    ok(r is not None and r.get("result", "x") is None, "shutdown answers null")
    r = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
    ok(r and r.get("error", {}).get("code") == -32600, "requests after shutdown are refused")
    s.notify("exit", None)
    code = s.exit_code()
    ok(code == 0, "exit after shutdown ends the server with 0", "exit code %r" % code)

    # exit without shutdown: 1; end of input: the server ends too
    s2 = Server(work)
    s2.request("initialize", {"processId": None, "capabilities": {}})
    s2.notify("exit", None)
    code = s2.exit_code()
    ok(code == 1, "exit without shutdown ends the server with 1", "exit code %r" % code)
    s3 = Server(work)
    s3.request("initialize", {"processId": None, "capabilities": {}})
    s3.p.stdin.close()
    code = s3.exit_code()
    ok(code is not None, "the server ends when its input closes", "it kept running")
    stderr = s.p.stderr.read().decode(errors="replace")
    ok("AddressSanitizer" not in stderr and "runtime error" not in stderr, "no sanitizer report", stderr[:500])
finally:
    shutil.rmtree(work, ignore_errors=True)

print("%s: %d passed, %d failed" % ("lsp robustness", passes, failures))
sys.exit(1 if failures else 0)

#!/usr/bin/env bash
# `mlopsc lsp` against a hand-written JSON-RPC client (tests/lsp/robustness.py):
# malformed messages get error responses and the server keeps serving,
# $/cancelRequest is honoured, thousands of random edits (mid-token, deleting
# everything, surrogate pairs) with requests in between never crash it and
# leave it agreeing with `mlopsc check`, memory stays flat over 10,000
# edits, and shutdown/exit follow the protocol.
set -euo pipefail
MLOPS_SOURCE_DIR=${MLOPS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MLOPSC=${MLOPSC:-$MLOPS_SOURCE_DIR/build/mlopsc}
edits=3000 stress=10000
# A sanitizer build runs several times slower: fewer random edits.
if grep -q __asan_init "$MLOPSC" 2>/dev/null; then edits=1000; fi
exec timeout 600 python3 "$MLOPS_SOURCE_DIR/tests/lsp/robustness.py" "$MLOPSC" "$MLOPS_SOURCE_DIR" \
  --edits "$edits" --stress "$stress"

#!/usr/bin/env bash
# The audit report in a real browser (Debian's chromium, headless): for each
# example, report.html loads with no console message and no request beyond
# the file itself (all DNS is mapped to nowhere and the network log is
# checked), and a screenshot and a PDF are saved for people to look at, in
# ${MLOPS_REPORT_SHOTS:-$TMPDIR/mlops-report-browser}. The check itself is
# shown to work on a page that does both wrong.
source "$(dirname "$0")/lib.bash"
src=$MLOPS_SOURCE_DIR
shots=${MLOPS_REPORT_SHOTS:-${TMPDIR:-/tmp}/mlops-report-browser}
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  fail "chromium is not installed (scripts/install-deps installs it)"
  exit 0
fi
mkdir -p "$shots"

# open FILE NAME: loads file://FILE; leaves NAME.png, NAME.pdf, NAME.console, NAME.requests
open_page() {
  local file=$1 name=$2
  local flags=(--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking
               --disable-component-update --disable-sync --disable-default-apps --disable-extensions
               --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0)
  timeout 90 "$browser" "${flags[@]}" --log-net-log="$E2E_WORK/$name.net.json" --window-size=1280,2400 \
    --screenshot="$shots/$name.png" "file://$file" >/dev/null 2>"$E2E_WORK/$name.log" || true
  timeout 90 "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$shots/$name.pdf" \
    "file://$file" >/dev/null 2>>"$E2E_WORK/$name.log" || true
  grep -a 'CONSOLE' "$E2E_WORK/$name.log" >"$E2E_WORK/$name.console" || true
  # Requests the page made: every URL in the network log but the page's own
  # file and the browser's own services (which the flags above mostly stop).
  python3 - "$E2E_WORK/$name.net.json" "$file" >"$E2E_WORK/$name.requests" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read() if __import__("os").path.exists(sys.argv[1]) else ""
own = "file://" + sys.argv[2]
internal = re.compile(r"^https?://([^/]*\.)?(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(/|:|$)")
for url in sorted(set(re.findall(r'"url":"([a-z]+://[^"]+)"', text))):
    if url != own and not internal.match(url):
        print(url)
PY
}

# ---- the check works: a page with a console error and an external image
cat > bad.html <<'HTML'
<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"><script>console.error("boom")</script></body></html>
HTML
open_page "$E2E_WORK/bad.html" bad
grep -q '"boom"' bad.console && pass "a console message is caught" || fail "the console check missed console.error: $(head -c 400 bad.log)"
grep -q 'example.invalid' bad.requests && pass "an external request is caught" || fail "the request check missed an external image"

# ---- every example's report
cd "$src"
for dir in examples/*/; do
  name=$(basename "$dir")
  spec=$(ls "$dir"*.mlops | grep -v teams.mlops | head -1)
  run report "$spec" -o "$E2E_WORK/$name" --format html --state none
  expect_exit 0 "$name: report"
  open_page "$E2E_WORK/$name/report.html" "$name"
  [[ -s $E2E_WORK/$name.console ]] && fail "$name: console messages: $(head -c 400 "$E2E_WORK/$name.console")" \
    || pass "$name: no console message"
  [[ -s $E2E_WORK/$name.requests ]] && fail "$name: external requests: $(head -c 400 "$E2E_WORK/$name.requests")" \
    || pass "$name: no external request"
  [[ $(stat -c %s "$shots/$name.png" 2>/dev/null || echo 0) -gt 20000 ]] && pass "$name: screenshot saved ($shots/$name.png)" \
    || fail "$name: no screenshot: $(tail -c 400 "$E2E_WORK/$name.log")"
  head -c 5 "$shots/$name.pdf" 2>/dev/null | grep -q '%PDF-' && pass "$name: printed to PDF ($shots/$name.pdf)" \
    || fail "$name: no PDF: $(tail -c 400 "$E2E_WORK/$name.log")"
done

#!/usr/bin/env bash
# Data fetched by the runtime: an http(s) download pinned by its sha256
# (downloaded once into .mlops/sources/sha256/, checked before each use, a
# mismatch failing with both digests and caching nothing) and a git import
# pinned to a commit (a local repository made here, fetched over file://);
# a branch name as `rev` is E0303; a warehouse table is not read.
source "$(dirname "$0")/lib.bash"

# ---- an HTTP server on a free port, stopped on exit
mkdir srv
printf 'x\n1\n2\n' > srv/rates.csv
printf 'changed\n' > srv/other.csv
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >server.log 2>&1 &
SERVER_PID=$!
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
E2E_CLEANUPS+=(stop_server)
for _ in $(seq 50); do
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null && break
  sleep 0.1
done
RATES_SHA=$(sha256sum srv/rates.csv | cut -d' ' -f1)
WRONG_SHA=$(printf 'something else' | sha256sum | cut -d' ' -f1)

# ---- a git repository with a commit, then a branch that moves on
git init -q repo
git -C repo -c user.name=t -c user.email=t@x.example commit -q --allow-empty -m empty
mkdir -p repo/data
printf 'label\na\nb\n' > repo/data/labels.csv
ln -s /etc/passwd repo/data/link.csv
git -C repo add data
git -C repo -c user.name=t -c user.email=t@x.example commit -q -m labels
PINNED=$(git -C repo rev-parse HEAD)
printf 'label\nmoved\n' > repo/data/labels.csv
git -C repo -c user.name=t -c user.email=t@x.example commit -q -am moved

mkdir proj
cd proj
spec() {  # spec RATES_SHA
  cat > p.mlops <<SPEC
project p { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["a@x.example"] }
data rates  { owner = eng  source = http("http://127.0.0.1:$PORT/rates.csv", sha256 = "$1")  schema { x : int } }
data labels { owner = eng  source = git("file://$E2E_WORK/repo", rev = "$PINNED", path = "data/labels.csv") }
data scores { owner = eng  source = bigquery("acme-prod.scoring.scores")  format = table }
test rates_rows on rates { expect rows() == 2 }
step join {
  owner   = eng
  inputs  = [rates, labels]
  run     = "cat \${inputs.rates} \${inputs.labels} > \${outputs.out}"
  outputs { out = "build/joined.txt" }
}
pipeline main { targets = [join, rates_rows] }
SPEC
}
spec "$RATES_SHA"
run check p.mlops
expect_exit 0 "http, git and bigquery sources check"
run build p.mlops -o out --emit=ir
expect_exit 0 "build the IR"
if out=$("$MLOPS_SHARED_DIR/tools/validate-json" "$MLOPS_SOURCE_DIR/docs/ir.schema.json" out/pipeline.json 2>&1); then
  pass "pipeline.json with http, git and bigquery sources is valid against docs/ir.schema.json"
else
  fail "pipeline.json is not valid against docs/ir.schema.json: $(head -c 600 <<<"$out")"
fi

run run p.mlops --explain
expect_exit 0 "first run: downloads and imports"
expect_stdout_contains "downloaded" "the http source was downloaded"
expect_stdout_contains "sha256 verified" "and its digest checked"
expect_stdout_contains "wrote \`data/labels.csv\`" "the git file was imported"
expect_stdout_contains "test rates_rows: passed" "a data test reads the downloaded CSV"
expect_eq "$(tr '\n' ' ' < build/joined.txt)" "x 1 2 label a b " "the step read the cached download and the pinned file (not the moved branch)"
expect_eq "$(sha256sum ".mlops/sources/sha256/$RATES_SHA" | cut -d' ' -f1)" "$RATES_SHA" "the cache is content-addressed"
requests() { grep -c 'GET /rates.csv' ../server.log || true; }
expect_eq "$(requests)" "1" "one request so far"

run run p.mlops --explain
expect_exit 0 "second run"
expect_stdout_contains "downloaded before" "the second run uses the cache"
expect_stdout_contains "step join: cached" "and the reader stays cached"
expect_eq "$(requests)" "1" "the second run did not download again"

# A cached file that no longer matches is downloaded again, never used.
echo tampered > ".mlops/sources/sha256/$RATES_SHA"
run run p.mlops
expect_exit 0 "a tampered cache entry"
expect_eq "$(requests)" "2" "a cache entry that does not match its digest is downloaded again"
expect_eq "$(tr '\n' ' ' < build/joined.txt)" "x 1 2 label a b " "and the reader saw the right bytes"

# ---- a mismatching download fails with both digests and caches nothing
spec "$WRONG_SHA"
run run p.mlops
expect_exit 3 "a download whose sha256 differs"
expect_stdout_contains "has sha256 $RATES_SHA, expected $WRONG_SHA" "the failure names both digests"
expect_stdout_contains "step join: skipped" "its reader does not run"
if [[ -e .mlops/sources/sha256/$WRONG_SHA ]]; then fail "a mismatching download was cached"; else pass "nothing was cached under the wrong digest"; fi
if ls .mlops/sources/sha256/ | grep -q partial; then fail "a partial file was left in the cache"; else pass "no partial file left"; fi

# ---- the git import: a symbolic link in the repository is not taken
spec "$RATES_SHA"
sed -i 's|path = "data/labels.csv"|path = "data/link.csv"|' p.mlops
run run p.mlops
expect_exit 3 "a git path naming a symbolic link"
expect_stdout_contains "is not a regular file (a symbolic link)" "a link in the repository is refused"

# A commit the repository does not have.
spec "$RATES_SHA"
sed -i "s|$PINNED|0000000000000000000000000000000000000001|" p.mlops
run run p.mlops
expect_exit 3 "a commit that is not in the repository"
expect_stdout_contains "has no commit 0000000000000000000000000000000000000001" "says the commit is missing"

# ---- a branch is not a pin
spec "$RATES_SHA"
sed -i "s|rev = \"$PINNED\"|rev = \"master\"|" p.mlops
run check p.mlops
expect_exit 1 "a branch as rev"
expect_stderr_contains "E0303" "is E0303"
expect_stderr_contains "a branch or tag moves, so the import would not be pinned" "and says why"

# ---- a warehouse table is not read (as postgres and s3): a step names it in
# `after` and queries it itself
spec "$RATES_SHA"
cat >> p.mlops <<'SPEC'
step query {
  owner   = eng
  after   = [scores]
  run     = "echo queried > ${outputs.out}"
  outputs { out = "build/query.txt" }
}
step reads_table {
  owner   = eng
  inputs  = [scores]
  run     = "cat ${inputs.scores} > ${outputs.out}"
  outputs { out = "build/table.txt" }
}
test scores_rows on scores { expect rows() >= 1 }
SPEC
run run p.mlops query
expect_exit 0 "a step after a bigquery table runs"
run run p.mlops reads_table
expect_exit 3 "a step reading a bigquery table as an input fails"
expect_stdout_contains "input \`scores\` is bigquery data without a file path" "and says the table is no file"
run run p.mlops scores_rows
expect_exit 4 "a data test on a bigquery table"
expect_stdout_contains "is a bigquery source, which this runtime cannot read" "says the runtime cannot read it"

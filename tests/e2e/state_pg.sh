#!/usr/bin/env bash
# The record on PostgreSQL (a throwaway cluster, tests/support/pg-cluster):
# `state check` and `state migrate` (20 at once migrate once); a run, its
# history and approvals against the server; a project's history moved from
# SQLite with `state export`/`state import`, both hash chains verifying on
# both ends; the database refuses UPDATE, DELETE and TRUNCATE of the
# approvals log, and a superuser's edit with the triggers disabled is named
# by `history --verify`; a schema from a newer mlopsc, a malformed
# MLOPS_STATE, a wrong password and a server that is down are exit 2 before
# anything runs (the no-op fast path contacts no server at all), a server
# killed mid-run stops the run (exit 2) and the next run resumes it, and no
# password ever reaches the output, a log or .mlops; the record's tables
# have the same columns on both backends; a signed approval (schema 7)
# moves through export and import byte for byte.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.bash"
source "$here/lib_pg.bash"

if ! pg_start; then
  fail "cannot start a PostgreSQL cluster (tests/support/pg-cluster)"
  exit 1
fi
PG=$PG_STATE

mkdir -p proj/data
cd proj
printf 'income\n' > data/loans.csv
for i in $(seq 1 200); do echo "$((40 + i % 20)).5" >> data/loans.csv; done
write_signers allowed_signers val1@x.example val2@x.example
cat > g.mlops <<'SPEC'
project credit { version = "1.0.0"  risk_tier = high  signers = file("allowed_signers") }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
role ds : data_scientist { members = ["dan@x.example"] }
role mrm : model_risk_manager { members = ["val1@x.example", "val2@x.example"] }
data loans { owner = eng  source = file("data/loans.csv")  format = csv  schema { income : float } }
model m {
  owner   = ds
  inputs  = [loans]
  run     = "cp ${inputs.loans} ${outputs.model} && echo '{\"auc\": 0.9}' > ${outputs.metrics}"
  outputs { model = "build/model.csv"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.7 }
gate release for m {
  require   = [floor]
  approvals = [2 of mrm]
}
SPEC
cd ..

# ---- check and migrate
run state check --state "$PG" --state-project credit
expect_exit 0 "state check on an empty database"
expect_stdout_contains "server: PostgreSQL 15." "check names the server"
expect_stdout_contains "not migrated yet" "check says the schema is not there yet"
for i in $(seq 1 20); do
  MLOPS_STATE=$PG "$MLOPSC" state migrate --state-project credit >"migrate.$i" 2>&1 &
done
wait
migrated=$(grep -l "from schema 0 to 10" migrate.* | wc -l)
expect_eq "$migrated" 1 "20 concurrent migrations: exactly one migrates"
up_to_date=$(grep -l "nothing to migrate" migrate.* | wc -l)
expect_eq "$up_to_date" 19 "the other 19 find it done"
expect_eq "$(pg_sql "SELECT value FROM mlops_credit.meta WHERE key = 'schema_version'")" 10 "meta holds the schema version"

# ---- a run, approvals and history against the server
run --env MLOPS_STATE="$PG" run proj/g.mlops
expect_exit 5 "the gate waits for approvals (the record on PostgreSQL)"
run --env MLOPS_STATE="$PG" approve release --as val1@x.example --project proj
expect_exit 0 "an approval into the PostgreSQL record"
run --env MLOPS_STATE="$PG" approve release --as val2@x.example --project proj
expect_exit 0 "a second approval"
run --env MLOPS_STATE="$PG" run proj/g.mlops
expect_exit 0 "with two approvals the gate passes"
expect_stdout_contains "gate release: passed" "the gate passed"
mkdir empty && cd empty
run history --state "$PG" --verify
expect_exit 0 "history --verify against the server, from a folder without .mlops"
expect_stdout_contains "approvals log verified: 2 rows" "both approvals are in the shared log"
expect_stdout_contains "gate passes verified: 1 row" "the gate pass is in the shared record"
cd ..
expect_eq "$(sqlite3 proj/.mlops/state.db 'SELECT count(*) FROM runs')" 0 "the local file holds no runs"

# ---- the database keeps the approvals log append-only
for sql in "UPDATE mlops_credit.approvals SET email = 'x@x.example'" "DELETE FROM mlops_credit.approvals" \
  "TRUNCATE mlops_credit.approvals" "UPDATE mlops_credit.gate_passes SET metrics = '{}'"; do
  if out=$(pg_sql "$sql" 2>&1); then
    fail "PostgreSQL accepted \`$sql\`"
  elif grep -q "is append-only" <<<"$out"; then
    pass "PostgreSQL refuses \`${sql%% *}\` on ${sql##*mlops_credit.}: $(grep -o '[a-z_]* is append-only' <<<"$out")"
  else
    fail "\`$sql\` failed for another reason: $out"
  fi
done

# ---- a superuser edit with the triggers disabled is named by --verify
pg_sql "ALTER TABLE mlops_credit.approvals DISABLE TRIGGER USER;
        UPDATE mlops_credit.approvals SET email = 'mallory@x.example' WHERE id = 1;
        ALTER TABLE mlops_credit.approvals ENABLE TRIGGER USER" >/dev/null
run history --state "$PG" --verify
expect_exit 6 "history --verify after a superuser's edit"
expect_stderr_contains "approval 1" "the edited row is named"

# ---- a SQLite project moved to PostgreSQL, hashes verbatim
mkdir -p local/data && cp proj/data/loans.csv local/data/ && cp proj/allowed_signers local/
sed 's/project credit/project moved/' proj/g.mlops > local/g.mlops
run run local/g.mlops
run approve release --as val1@x.example --project local
run approve release --as val2@x.example --project local
run run local/g.mlops
expect_exit 0 "the local project passes its gate (SQLite)"
run history --verify --project local
expect_exit 0 "the SQLite record verifies"
head=$(grep -o 'head [0-9a-f]*' "$STDOUT" | head -1)
run state export moved.jsonl --project local
expect_exit 0 "state export from SQLite"
run state import moved.jsonl --state "$PG"
expect_exit 0 "state import into PostgreSQL"
expect_stdout_contains "approvals log verified (2 rows, $head)" "the import verifies the chain, the same head"
run history --verify --state "$PG" --state-project moved
expect_exit 0 "history --verify on the PostgreSQL end"
expect_stdout_contains "approvals log verified: 2 rows, hash chain intact ($head)" "the same head on both ends"
run state import moved.jsonl --state "$PG"
expect_exit 2 "a second import into a record that holds rows"
expect_stderr_contains "is not empty" "the refusal says why"
run history --state "$PG"
expect_exit 2 "a command without a spec where the database holds two projects"
expect_stderr_contains "holds several projects (mlops_credit, mlops_moved)" "it names them"
run --env MLOPS_STATE="$PG" history --project proj
expect_exit 0 "in a checkout, its project is the one its runs left in .mlops"
expect_stdout_contains "val2@x.example (mrm) approved gate:release" "the checkout's project's approvals"
run state export by-checkout.jsonl --state "$PG" --project local
expect_exit 0 "state export picks the project of the checkout --project names"
expect_eq "$(grep -c '"table":"approvals"' by-checkout.jsonl)" 2 "the export holds that project's two approvals"

# ---- one logical schema: the record's tables have the same columns on both
# (PostgreSQL's `seq` keeps the insertion order SQLite's rowid gives)
for table in runs graphs node_results artifacts approvals gate_passes reference_profiles; do
  lite=$(sqlite3 local/.mlops/state.db "SELECT group_concat(name, ',') FROM pragma_table_info('$table')")
  pg=$(pg_sql "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
               WHERE table_schema = 'mlops_moved' AND table_name = '$table' AND column_name <> 'seq'")
  expect_eq "$pg" "$lite" "the columns of $table on PostgreSQL and SQLite"
done

# ---- schema 7: a signed approval (statement and signature as opaque bytes:
# quotes, UTF-8, newlines, an escape character) moves verbatim through
# export and import, SQLite to SQLite and to PostgreSQL; its hash, computed
# here independently of mlopsc by the design's recipe, verifies on import
cp local/.mlops/state.db signed.db
python3 - <<'PY'
import hashlib, json, sqlite3
c = sqlite3.connect("signed.db")
prev_id, prev = c.execute("SELECT id, hash FROM approvals ORDER BY id DESC LIMIT 1").fetchone()
gate, role, artifact = c.execute("SELECT gate, role, artifact FROM approvals WHERE id = 1").fetchone()
payload = ('{"_type":"https://in-toto.io/Statement/v1","predicate":{"comment":"AUC \\"ok\\" \u2713\\n"}}'
           '\n\tsecond line\r\n\x1b[31m')
signature = ("-----BEGIN SSH SIGNATURE-----\n"
             "U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg9mbdYAL6gxnu7jNk2+CdFaFzvG\n"
             "ppuIk0HHeN+xY1zrwd1f+t16RtYwYDR4nCCg==\n-----END SSH SIGNATURE-----\n")
row = [prev_id + 1, gate, role, "val2@x.example", "", artifact, "2026-12-07T05:00:00Z", prev]
sha = lambda s: hashlib.sha256(s.encode()).hexdigest()
text = json.dumps(["approval 2"] + row + [sha(payload), sha(signature)], separators=(",", ":"), ensure_ascii=False)
h = sha(text)
c.execute("INSERT INTO approvals (id, gate, role, email, comment, artifact, at, prev_hash, hash, payload, signature, "
          "signing_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row + [h, payload, signature, "SHA256:P5wi"])
c.commit()
open("signed.head", "w").write(h[:12])
open("signed.md5", "w").write(hashlib.md5(payload.encode()).hexdigest())
PY
signed_head=$(cat signed.head)
run state export signed.jsonl --state signed.db
expect_exit 0 "state export of a record with a signed approval"
expect_eq "$(grep -c '"signature":"-----BEGIN SSH SIGNATURE-----\\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg9mbdYAL6gxnu7jNk2+CdFaFzvG\\n' signed.jsonl)" 1 \
  "the signature is exported as a JSON string, newlines escaped"
run state import signed.jsonl --state signed-copy.db
expect_exit 0 "state import of the signed row into SQLite"
expect_stdout_contains "approvals log verified (3 rows, head $signed_head)" "the signed row's hash verifies, as recorded"
run state export signed-copy.jsonl --state signed-copy.db
expect_eq "$(cmp signed.jsonl signed-copy.jsonl && echo same)" same "SQLite to SQLite: the export is byte-identical"
run state import signed.jsonl --state "$PG" --state-project signed
expect_exit 0 "state import of the signed row into PostgreSQL"
expect_stdout_contains "approvals log verified (3 rows, head $signed_head)" "the signed row verifies on PostgreSQL"
run state export signed-pg.jsonl --state "$PG" --state-project signed
expect_eq "$(diff <(grep '"table":"approvals"' signed.jsonl) <(grep '"table":"approvals"' signed-pg.jsonl) && echo same)" same \
  "SQLite to PostgreSQL: the approvals come back byte-identical"
expect_eq "$(pg_sql "SELECT md5(payload) FROM mlops_signed.approvals WHERE id = 3")" "$(cat signed.md5)" \
  "the statement's bytes on PostgreSQL are the ones written"
if pg_sql "INSERT INTO mlops_signed.approvals (id, gate, role, email, comment, artifact, at, prev_hash, hash, payload)
           VALUES (4, 'g', 'r', 'e', '', 'a', 't', 'p4', 'h', '{}')" >/dev/null 2>err.txt; then
  fail "PostgreSQL accepted a statement without a signature"
else
  expect_eq "$(grep -c approvals_signed_whole err.txt)" 1 "PostgreSQL refuses a statement without a signature (approvals_signed_whole)"
fi

# ---- a schema from a newer mlopsc
pg_sql "UPDATE mlops_moved.meta SET value = '99' WHERE key = 'schema_version'" >/dev/null
run --env MLOPS_STATE="$PG" history --state-project moved
expect_exit 2 "a newer schema is refused"
expect_stderr_contains "is schema 99; this mlopsc knows up to 10: upgrade mlopsc" "the refusal says what to do"
pg_sql "UPDATE mlops_moved.meta SET value = '10' WHERE key = 'schema_version'" >/dev/null

# ---- a malformed MLOPS_STATE: libpq would echo it, password included
# (even where nothing changed since the last run, whose no-op fast path
# contacts no server)
run --env 'MLOPS_STATE=postgresql://u:sekrit-pw-71@[::1/db' run proj/g.mlops
expect_exit 2 "a malformed MLOPS_STATE"
expect_stderr_contains "malformed PostgreSQL connection string" "says what is wrong"
expect_stderr_not_contains "sekrit-pw-71" "the password is not echoed"

# ---- a wrong password (a second cluster that wants one)
printf 'right-pw-5521\n' > pwfile
if pg_start pw --password-file pwfile; then
  PWSTATE=$PG_STATE
  run --env MLOPS_STATE="$PWSTATE password=wrong-pw-8830" history
  expect_exit 2 "a wrong password"
  expect_stderr_contains "password authentication failed" "libpq's reason"
  expect_stderr_contains "password=***" "the connection string is shown masked"
  expect_stderr_not_contains "wrong-pw-8830" "the password is not printed"
  run --env MLOPS_STATE="$PWSTATE" --env PGPASSWORD=right-pw-5521 state check --state-project credit
  expect_exit 0 "PGPASSWORD is used for the connection"
  expect_stdout_not_contains "right-pw-5521" "and not printed"
  # A node that prints the record's password (read from a file of its
  # own: mlopsc's environment no longer has it) finds it masked in its log.
  mkdir -p leak/data && printf 'x\n1\n' > leak/data/raw.csv && printf 'right-pw-5521\n' > leak/found.txt
  cat > leak/l.mlops <<'SPEC'
project leak { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  format = csv  schema { x : int } }
step tell { owner = eng  inputs = [raw]  run = "cat found.txt; cp ${inputs.raw} ${outputs.o}"  outputs { o = "build/o.csv" } }
SPEC
  run --env MLOPS_STATE="$PWSTATE password=right-pw-5521" run leak/l.mlops
  expect_exit 0 "a run with the password in MLOPS_STATE"
  log=$(find leak/.mlops/logs -name 'step-tell.log' | head -1)
  if [[ -n $log ]] && grep -q '\*\*\*' "$log" && ! grep -q 'right-pw-5521' "$log"; then
    pass "the password a node prints is masked in its log"
  else
    fail "the password a node prints is masked in its log: $(cat "$log" 2>/dev/null)"
  fi
  pg_stop pw
else
  fail "cannot start a PostgreSQL cluster with a password"
fi

# ---- the server killed mid-run: the run stops as an interruption would
# (nothing new starts, the running command is stopped), exit 2 at once;
# the next run, the server back, records the node that finished and
# resumes the rest
mkdir -p crash/data && printf 'x\n1\n' > crash/data/raw.csv
cat > crash/c.mlops <<SPEC
project crash { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step kill_db { owner = eng  inputs = [raw]  run = "$PG_CLUSTER halt $PG_DIR_main && cp \${inputs.raw} \${outputs.o}"  outputs { o = "build/a.csv" } }
step after { owner = eng  inputs = [kill_db.o]  run = "cp \${inputs.kill_db.o} \${outputs.o}"  outputs { o = "build/b.csv" } }
step slow { owner = eng  inputs = [raw]  run = "test -f $PWD/crash/quick || sleep 60; cp \${inputs.raw} \${outputs.o}"  outputs { o = "build/s.csv" } }
SPEC
started=$SECONDS
run --env MLOPS_STATE="$PG" run -j 2 crash/c.mlops
expect_exit 2 "the server killed while the run runs"
expect_eq "$((SECONDS - started < 30))" 1 "the run stops at once, not after the 60 s command ($((SECONDS - started)) s)"
expect_stderr_matches "lost the state at [^:]*host=$PG_DIR_main/sock" "says which record it lost"
expect_stderr_matches "lost the state at [^:]*: .*(terminat|closed the connection).*; the results since are recorded on the next run" \
  "with libpq's reason and what happens to the results"
expect_stdout_matches "step:after +(not started|failed) .*the run lost its record" "nothing new starts"
expect_eq "$(test -e crash/build/b.csv && echo ran || echo absent)" absent "the step after the loss did not run"
expect_stdout_matches "step:slow +failed .*stopped: the run lost its record" "the running command is stopped"
pg_resume main
touch crash/quick
run --env MLOPS_STATE="$PG" run crash/c.mlops
expect_exit 0 "the next run, the server back"
expect_stdout_contains "step kill_db: cached" "the node that finished before the loss is not run again"
expect_stdout_contains "step after: ran" "what did not start runs"
expect_stdout_contains "step slow: ran" "what was stopped runs again"
run history step:kill_db --state "$PG" --state-project crash
expect_exit 0 "history of the node against the server"
expect_stdout_matches "up to date|cached" "the next run recorded the node's result"

# ---- the team sees a run's progress: a node's result reaches the record
# while the next node still runs (results are held back at most a second)
mkdir -p progress/data && printf 'x\n1\n' > progress/data/raw.csv
cat > progress/p.mlops <<SPEC
project progress { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step first { owner = eng  inputs = [raw]  run = "cp \${inputs.raw} \${outputs.o}"  outputs { o = "build/a.csv" } }
step second { owner = eng  inputs = [first.o]  run = "until test -f $PWD/progress/go; do sleep 0.1; done; cp \${inputs.first.o} \${outputs.o}"  outputs { o = "build/b.csv" } }
SPEC
MLOPS_STATE="$PG" timeout 60 "$MLOPSC" run progress/p.mlops >progress.out 2>&1 &
progress_pid=$!
seen=""
for _ in $(seq 100); do
  seen=$(psql "$PG" -X -q -At -c "SELECT status FROM mlops_progress.node_results WHERE node = 'step:first'" 2>/dev/null || true)
  [[ -n $seen ]] && break
  sleep 0.1
done
expect_eq "$seen" "succeeded" "the first node's result is in the record while the second still runs"
touch progress/go
wait "$progress_pid" && progress_rc=0 || progress_rc=$?
expect_eq "$progress_rc" 0 "the run then finishes"
expect_eq "$(psql "$PG" -X -q -At -c "SELECT count(*) FROM mlops_progress.node_results")" "3" "with every result recorded"

# ---- the server down: exit 2 before any node runs, URL masked
down_url="postgresql://postgres:hunter2-pw-19@/postgres?host=$PG_DIR_main/sock"
mkdir -p fast/data && printf 'x\n1\n' > fast/data/raw.csv
cat > fast/f.mlops <<'SPEC'
project fast { version = "1.0.0"  risk_tier = low }
use std.roles
role eng : data_engineer { members = ["eve@x.example"] }
data raw { owner = eng  source = file("data/raw.csv")  schema { x : int } }
step copy { owner = eng  inputs = [raw]  run = "cp ${inputs.raw} ${outputs.out}"  outputs { out = "build/out.csv" } }
SPEC
run --env MLOPS_STATE="$down_url" run fast/f.mlops
expect_exit 0 "a project's first run against the server"
pg_stop main
run --env MLOPS_STATE="$down_url" run fast/f.mlops
expect_exit 0 "nothing changed: the no-op fast path does not contact the server"
expect_stdout_contains "no file changed since the last run" "it took the fast path"
touch proj/data/loans.csv
echo >> proj/data/loans.csv
run --env MLOPS_STATE="$down_url" run proj/g.mlops
expect_exit 2 "the server down"
expect_stderr_contains "cannot connect to the record at" "says it cannot connect"
expect_stderr_contains "password=***" "shows the connection string masked"
expect_stderr_not_contains "hunter2-pw-19" "never the password"
expect_stdout_not_contains "model m: ran" "nothing ran"
if grep -r -a -q -e hunter2-pw-19 -e sekrit-pw-71 -e wrong-pw-8830 -e right-pw-5521 proj local fast 2>/dev/null; then
  fail "a password reached a file under the projects: $(grep -r -a -l -e hunter2-pw-19 -e sekrit-pw-71 -e wrong-pw-8830 -e right-pw-5521 proj local fast)"
else
  pass "no password in any log, .mlops or output file"
fi

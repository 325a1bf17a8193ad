#!/usr/bin/env bash
# Signed approvals under attack (issue 16, docs/security.md "An approval is
# who its key says"): real ed25519 keys made here by ssh-keygen, a high risk
# project whose gate `production` needs 1 of mrm (carol, dave) and 1 of biz
# (boss), and rows forged from real signed ones: statements rebuilt as
# canonical JSON (Python's json.dumps with sorted keys, as
# runtime/trust/approval_statement.h documents), signed with
# `ssh-keygen -Y sign`, inserted into the record (sqlite3, or psql on
# PostgreSQL with MLOPS_TEST_STATE=pg) with their chain hash recomputed, so
# that only the signature check can tell them apart. Each must fail: the
# waiting gate says "(not counted: approval N (who): REASON)" and
# `history --verify` exits 6 naming the row and the reason.
#   impersonation (--as, and a row in carol's name signed with dave's key);
#   separation of duties with a valid key; a valid signature replayed onto
#   another project, gate, position in the log and artifact; a statement
#   edited after signing; a forged, a copied and a missing signature; a git
#   commit signature; an expired key (and, positive, an approval made before
#   expiry still counts after it); a key added after the approval (and a
#   line without valid-after, E0307); unreadable keys and a missing
#   ssh-keygen (exit 2); an unsigned row in a project with signers. Last,
#   genuine approvals pass the gate and verify. On the way: `state export`
#   (the forger's view of the log) lists the rows in their order.
# With a controlling terminal ssh-keygen would ask it for the passphrase of
# a protected key; this test is about the case without one (CI, cron), so
# it runs in a session of its own.
if [[ -z ${SECURITY_SIGNED_DETACHED:-} ]] && { : </dev/tty; } 2>/dev/null; then
  exec setsid -w env SECURITY_SIGNED_DETACHED=1 bash "$0" "$@"
fi
source "$(dirname "$0")/lib.bash"

command -v sqlite3 >/dev/null || { fail "the sqlite3 command-line tool is missing (scripts/install-deps)"; exit 1; }
command -v ssh-keygen >/dev/null || { fail "ssh-keygen is missing (scripts/install-deps)"; exit 1; }
# Verdicts are cached per user: this test's cache is its own.
export XDG_CACHE_HOME=$E2E_WORK/cache

# ---- the projects: p (attacked), p2 (another project, the same people and
# keys), px (a key that expires while the test runs)
people=(bob@x.example carol@x.example dave@x.example boss@x.example)
# spec NAME: NAME/p.mlops, project NAME; bob owns the model, carol and dave
# validate it, boss signs for the business.
spec() {
  mkdir -p "$1"
  cat >"$1/p.mlops" <<SPEC
project $1 { version = "1.0.0"  risk_tier = high  signers = file("allowed_signers") }
use std.roles
role ds : data_scientist { members = ["bob@x.example"] }
role mrm : model_risk_manager { members = ["carol@x.example", "dave@x.example"] }
role biz : sme { members = ["boss@x.example"] }
model m {
  owner   = ds
  params  { auc = 0.9 }
  run     = "printf 'weights %s' \${params.auc} > \${outputs.model} && printf '{\"auc\": %s}' \${params.auc} > \${outputs.metrics}"
  outputs { model = "build/model.bin"  metrics = "build/metrics.json" }
  metrics = outputs.metrics
}
test floor on m { expect metrics.auc >= 0.5 }
gate production for m { require = [floor]  approvals = [mrm, biz] }
gate staging for m { require = [floor]  approvals = [mrm, biz] }
SPEC
  write_signers "$1/allowed_signers" "${people[@]}"
}
key_bob=$(key_of bob@x.example)
key_carol=$(key_of carol@x.example)
key_dave=$(key_of dave@x.example)
key_boss=$(key_of boss@x.example)
keys=$E2E_WORK/keys
# Keys nobody listed (yet): mallory's, and dave's old one.
ssh-keygen -q -t ed25519 -N '' -C mallory -f "$keys/mallory"
ssh-keygen -q -t ed25519 -N '' -C dave-old -f "$keys/dave-old"

# signers_line ADDRESS OPTIONS PUBKEY: an allowed_signers line
signers_line() { printf '%s %s %s\n' "$1" "$2" "$(cut -d' ' -f1,2 "$3")"; }

# ---- forging rows
cat >forge.py <<'PY'
# forge.py EXPORT [options]: an INSERT of a forged row at the head of
# the approvals log of EXPORT (`mlopsc state export`), its chain hash
# recomputed (runtime/approvals.cpp approvalHash); writes its id to forged.id.
import argparse, base64, datetime, hashlib, json, os, subprocess, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("export")
ap.add_argument("--from-row", type=int, help="start from this row (default: the head)")
ap.add_argument("--source", help="take --from-row from this export (another project's) instead")
ap.add_argument("--restate", action="append", default=[],
                help="KEY=VALUE of the statement's predicate; the statement is re-dated and linked to the head")
ap.add_argument("--sign", help="sign the statement with this private key")
ap.add_argument("--namespace", default="mlops-approval")
ap.add_argument("--edit-comment", help="change the comment of the statement and the row after signing")
ap.add_argument("--signature", help="random (armor around random bytes) | row:N (that row's)")
ap.add_argument("--no-signature", action="store_true", help="a statement without a signature")
ap.add_argument("--unsigned", action="store_true", help="neither statement nor signature (the unsigned recipe)")
ap.add_argument("--set", action="append", default=[], help="FIELD=VALUE of the row, after everything else")
a = ap.parse_args()

rows = [json.loads(l)["row"] for l in open(a.export, encoding="utf-8") if l.startswith('{"table":"approvals"')]
rows.sort(key=lambda r: int(r["id"]))  # the head is the highest id, whatever order the export lists them in
head_id, head_hash = (int(rows[-1]["id"]), rows[-1]["hash"]) if rows else (0, "0" * 64)
byid = {int(r["id"]): r for r in rows}
if a.source:
    byid = {int(r["id"]): r for r in (json.loads(l)["row"] for l in open(a.source, encoding="utf-8")
                                      if l.startswith('{"table":"approvals"'))}
base = byid[a.from_row] if a.from_row else rows[-1]
canon = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
sha = lambda s: hashlib.sha256(s.encode()).hexdigest()

row = {k: base[k] for k in ("gate", "role", "email", "comment", "artifact", "at")}
payload, signature = base["payload"], base["signature"]
if a.restate or a.sign:
    statement = json.loads(payload)
    p = statement["predicate"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    p["previous"] = head_hash
    p["time"] = max(now, rows[-1]["at"])  # not before the row it follows
    for kv in a.restate:
        key, value = kv.split("=", 1)
        p[key] = value
    payload = canon(statement)
    row.update(gate="gate:" + p["gate"], role=p["role"], email=p["approver"], comment=p["comment"],
               artifact=p["artifact"], at=p["time"])
if a.sign:
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "statement")
        with open(f, "w", encoding="utf-8") as out:
            out.write(payload)
        subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", a.namespace, "-f", a.sign, f], check=True,
                       stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        signature = open(f + ".sig", encoding="ascii").read()
if a.edit_comment is not None:
    statement = json.loads(payload)
    statement["predicate"]["comment"] = a.edit_comment
    payload = canon(statement)
    row["comment"] = a.edit_comment
if a.signature == "random":
    blob = base64.b64encode(os.urandom(200)).decode()
    signature = ("-----BEGIN SSH SIGNATURE-----\n" + "\n".join(blob[i:i + 70] for i in range(0, len(blob), 70)) +
                 "\n-----END SSH SIGNATURE-----\n")
elif a.signature:
    signature = byid[int(a.signature.split(":")[1])]["signature"]
if a.no_signature:
    signature = ""
if a.unsigned:
    payload = signature = ""
for kv in a.set:
    key, value = kv.split("=", 1)
    row[key] = value
row.update(id=head_id + 1, prev_hash=head_hash, payload=payload, signature=signature)
fields = [row["id"], row["gate"], row["role"], row["email"], row["comment"], row["artifact"], row["at"], head_hash]
if payload or signature:
    fields = ["approval 2"] + fields + [sha(payload), sha(signature)]
row["hash"] = sha(json.dumps(fields, separators=(",", ":"), ensure_ascii=False))
quote = lambda v: str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"
columns = ["id", "gate", "role", "email", "comment", "artifact", "at", "prev_hash", "hash", "payload", "signature"]
print("INSERT INTO approvals (%s) VALUES (%s)" % (", ".join(columns), ", ".join(quote(row[c]) for c in columns)))
open("forged.id", "w").write(str(row["id"]))
PY

# sql PROJECT STATEMENT: runs SQL on PROJECT's record (its folder's
# .mlops/state.db, or its schema on the PostgreSQL cluster)
sql() {
  if [[ ${MLOPS_TEST_STATE:-} == pg ]]; then
    pg_sql "SET search_path TO mlops_$1; $2"
  else
    sqlite3 "$1/.mlops/state.db" "$2"
  fi
}

# export_log PROJECT FILE: every row of PROJECT's record, verbatim
export_log() {
  local -a which=(--project "$1")
  [[ ${MLOPS_TEST_STATE:-} == pg ]] && which=(--state-project "$1")
  if ! "$MLOPSC" state export "$2" "${which[@]}" >/dev/null 2>export.err; then
    fail "state export of $1: $(cat export.err)"
  fi
}

# forge PROJECT [forge.py options]: inserts a forged row into PROJECT's log;
# sets `forged` to its id. A failure to insert is reported here.
forged=
forge() {
  local project=$1
  shift
  export_log "$project" export.jsonl
  python3 forge.py export.jsonl "$@" >forged.sql
  forged=$(cat forged.id)
  if ! sql "$project" "$(cat forged.sql)" >/dev/null 2>insert.err; then
    fail "inserting the forged row into $project: $(cat insert.err)"
  fi
}

# line_with FILE A B: whether one line of FILE holds both A and B
line_with() { grep -a -F -- "$2" "$1" | grep -a -q -F -- "$3"; }

# refused PROJECT GATE WHO REASON WHAT: the latest forged row (approval
# $forged, in WHO's name) is not counted by GATE for REASON, and
# `history --verify` exits 6 naming it with REASON
refused() {
  local project=$1 gate=$2 who=$3 reason=$4 what=$5
  run run "$project/p.mlops"
  expect_exit 5 "$what: the run waits"
  # The waiting line's "(not counted: approval A (…): WHY; approval B …)":
  # the part about this row
  local line part
  line=$(grep -a -F "gate $gate: waiting" "$STDOUT" | head -n 1)
  part=${line#*"(not counted: "}
  part=${part#*"approval $forged ($who): "}
  part=${part%%"; approval "*}
  if [[ $line == *"approval $forged ($who): "* && $part == *"$reason"* ]]; then
    pass "$what: gate $gate does not count approval $forged: $reason"
  else
    fail "$what: expected the waiting line of gate $gate to say: (not counted: approval $forged ($who): $reason"
  fi
  run history --verify --project "$project"
  expect_exit 6 "$what: history --verify"
  if line_with "$STDERR" "approval $forged ($who for gate:$gate, " "$reason"; then
    pass "$what: history --verify names approval $forged: $reason"
  else
    fail "$what: expected history --verify to name approval $forged ($who for gate:$gate, …): $reason"
  fi
}

spec p
spec p2
run run p/p.mlops
expect_exit 5 "p: the gates wait for approvals"
expect_stdout_contains "gate production: waiting (artifact" "p: production waits"
artifact_a=$(grep -o 'gate production: waiting (artifact [0-9a-f]*' "$STDOUT" | grep -o '[0-9a-f]*$')
run run p2/p.mlops
expect_exit 5 "p2: the gates wait for approvals"

# ---- replay onto another project: carol's approval of p2's gate copied
# verbatim into p's log (the same gate, people, keys, model bytes and
# position: only the statement's project differs)
run approve production --key "$key_carol" --project p2
expect_exit 0 "p2: carol approves production"
export_log p2 p2.jsonl
forge p --source p2.jsonl --from-row 1
refused p production carol@x.example "signed for project \`p2\`, not \`p\`" "replay onto another project"

# ---- replay within the project: carol's genuine approval of production
# (approval 2) copied onto gate staging, and again onto production further
# down the log (its statement names the row before it)
run approve production --key "$key_carol" --comment "AUC 0.9 \"ok\"" --project p
expect_exit 0 "p: carol approves production"
genuine=2
forge p --from-row $genuine --set gate=gate:staging
refused p staging carol@x.example \
  "the signed statement says gate \`gate:production\`, the row \`gate:staging\`" "replay onto another gate"
forge p --from-row $genuine
refused p production carol@x.example "the signed statement says previous approval \`" "replay within the log"
expect_stderr_matches "approval $forged \\(carol@x.example for gate:production, [^)]*\\): the signed statement says previous approval \`[0-9a-f]{64}\`, the row \`[0-9a-f]{64}\`" \
  "replay within the log: the statement's previous row and the row's are both named"

# ---- impersonation: dave signs in carol's name
run approve production --key "$key_dave" --as carol@x.example --project p
expect_exit 6 "approve --key dave's --as carol"
expect_stderr_contains "approval refused: --as carol@x.example, but the key SHA256:" "impersonation: approve refuses"
expect_stderr_contains "is dave@x.example's (\`allowed_signers\` line 3): an approval is in the name of its key's owner" \
  "impersonation: approve names the key's owner"
forge p --restate approver=carol@x.example --sign "$key_dave"
refused p production carol@x.example "in carol@x.example's name, but signed with the key of dave@x.example (SHA256:" \
  "a row in carol's name signed with dave's key"

# ---- separation of duties with a valid key: bob owns the model
run approve production --key "$key_bob" --project p
expect_exit 6 "bob, the model's owner, approves"
expect_stderr_contains "bob@x.example is a member of \`ds\`, which owns model \`m\`: separation of duties forbids approving its gate" \
  "separation of duties: approve refuses"
forge p --restate approver=bob@x.example --restate role=biz --sign "$key_bob"
run run p/p.mlops
expect_exit 5 "bob's valid statement inserted: the gate still waits"
expect_stdout_contains "gate production: waiting (artifact $artifact_a of model \`m\` needs approval by biz (boss@x.example)" \
  "bob's valid statement as biz does not count"
# Its signature is bob's own: history --verify, which checks signatures,
# does not call it a forgery (the gate's roles decide what it counts for).
run history --verify --project p
expect_stderr_not_contains "approval $forged (" "history --verify: bob's statement is validly signed"

# ---- a statement edited after signing: carol signed "looks fine", the
# statement and the row say "ship it" (canonical JSON kept)
forge p --restate approver=carol@x.example --restate comment="looks fine" --sign "$key_carol" --edit-comment "ship it"
refused p production carol@x.example "ssh-keygen: Signature verification failed: incorrect signature" \
  "a statement edited after signing"

# ---- a forged signature (random bytes in SSHSIG armor), a copied one
# (carol's genuine signature over another statement), none at all
forge p --restate approver=carol@x.example --signature random
refused p production carol@x.example "not a valid SSH signature: " "a random signature"
forge p --restate approver=carol@x.example --restate comment=copied --signature row:$genuine
refused p production carol@x.example "ssh-keygen: Signature verification failed: incorrect signature" \
  "another row's signature"
export_log p export.jsonl
python3 forge.py export.jsonl --restate approver=carol@x.example --sign "$key_carol" --no-signature >half.sql
if sql p "$(cat half.sql)" >/dev/null 2>half.err; then
  fail "the record accepted a statement without a signature"
else
  expect_eq "$(grep -c approvals_signed_whole half.err)" 1 "a statement without a signature is refused (approvals_signed_whole)"
fi

# ---- a git commit signature over a valid statement
forge p --restate approver=carol@x.example --sign "$key_carol" --namespace git
refused p production carol@x.example \
  "signed for namespace \`git\`: a git commit or tag signature, not an approval" "a git commit signature"

# ---- an expired key: dave's old key, valid until yesterday
yesterday=$(date -u -d yesterday +%Y%m%d)Z
signers_line dave@x.example "namespaces=\"mlops-approval\",valid-after=\"20260101Z\",valid-before=\"$yesterday\"" \
  "$keys/dave-old.pub" >>p/allowed_signers
run approve production --key "$key_carol" --project p
expect_exit 2 "approve after allowed_signers changed, before a run compiled it"
expect_stderr_contains "the signers file \`p/allowed_signers\` changed since the pipeline was compiled: compile again" \
  "approve signs only under the signers file the record's graph was compiled with"
run run p/p.mlops
run approve production --key "$keys/dave-old" --project p
expect_exit 6 "approve with an expired key"
expect_stderr_contains "approval refused: the key of dave@x.example expired at $yesterday (valid-before, \`allowed_signers\` line 5)" \
  "approve says the key expired"
forge p --restate approver=dave@x.example --sign "$keys/dave-old"
refused p production dave@x.example "after the key expired (valid-before $yesterday)" "a statement dated after its key expired"

# ---- a key added after the approval: mallory signs in carol's name (a key
# nobody listed), then her key is added as carol's, valid from a minute
# after the statement's time
forge p --restate approver=carol@x.example --sign "$keys/mallory"
refused p production carol@x.example "signed with SHA256:" "a key nobody listed"
expect_stderr_contains "which is not in allowed_signers (removed, or never listed)" "an unlisted key: the reason"
signed_at=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["predicate"]["time"])' \
  "$(sql p "SELECT payload FROM approvals WHERE id = $forged")")
added=$(date -u -d "${signed_at/T/ } 60 seconds" +%Y%m%d%H%M%SZ)
signers_line carol@x.example "namespaces=\"mlops-approval\",valid-after=\"$added\"" "$keys/mallory.pub" >>p/allowed_signers
refused p production carol@x.example "signed $signed_at, before the key became valid for carol@x.example (valid-after $added)" \
  "a key added after the approval"
# valid-after is required: without it, a key added today would vouch for
# any statement dated in the past
cp -r p e0307 && rm -rf e0307/.mlops
sed -i "s/,valid-after=\"$added\"//" e0307/allowed_signers
run check e0307/p.mlops
expect_exit 1 "a signers line without valid-after"
expect_stderr_contains "error[E0307]" "a signers line without valid-after is E0307"

# ---- an unsigned row (the recipe of logs from before signing)
forge p --unsigned --set email=carol@x.example
refused p production carol@x.example "not signed" "an unsigned row"
expect_stderr_contains "): not signed, after signed approvals" "history --verify: an unsigned row after signed ones"

# ---- replay onto another artifact: the model retrained, carol's approval
# of the old one copied onto the new
sed -i 's/auc = 0.9/auc = 0.8/' p/p.mlops
run run p/p.mlops
expect_exit 5 "the retrained model waits for approvals"
artifact_b=$(grep -o 'gate production: waiting (artifact [0-9a-f]*' "$STDOUT" | grep -o '[0-9a-f]*$')
expect_stdout_contains "gate production: waiting (artifact $artifact_b of model \`m\` needs approval by mrm (carol@x.example, dave@x.example), biz (boss@x.example)" \
  "no approval of the old artifact counts for the retrained one"
full_a=$(sql p "SELECT DISTINCT digest FROM artifacts WHERE digest LIKE '$artifact_a%'")
full_b=$(sql p "SELECT DISTINCT digest FROM artifacts WHERE digest LIKE '$artifact_b%'")
forge p --from-row $genuine --set artifact="$full_b"
refused p production carol@x.example "the signed statement says artifact \`$full_a\`, the row \`$full_b\`" \
  "replay onto another artifact"

# The forger's tool, `state export`, lists the log (and the runs) in their
# order on both backends; p's log now has more than 9 rows
export_log p order.jsonl
for table in runs approvals; do
  grep -o "^{\"table\":\"$table\",\"row\":{\"id\":\"[0-9]*" order.jsonl | grep -o '[0-9]*$' >order.ids
  if (($(wc -l <order.ids) > 9)) && sort -n -C order.ids; then
    pass "state export lists the $(wc -l <order.ids) rows of $table in id order"
  else
    fail "state export lists the rows of $table in id order, got: $(tr '\n' ' ' <order.ids)"
  fi
done

# ---- a key that expires: what it signed before still counts after
spec px
run run px/p.mlops
expect_exit 5 "px: the gates wait"
run approve production --key "$key_carol" --project px
expect_exit 0 "px: carol approves"
# boss's key is valid for half a minute more (compiled by the next run)
expiry=$(($(date -u +%s) + 30))  # room for a slow (sanitizer) build on a loaded machine
grep -v '^boss@' px/allowed_signers >px/signers.new
signers_line boss@x.example "namespaces=\"mlops-approval\",valid-after=\"20260101Z\",valid-before=\"$(date -u -d "@$expiry" +%Y%m%d%H%M%SZ)\"" \
  "$keys/boss@x.example.pub" >>px/signers.new
mv px/signers.new px/allowed_signers
run run px/p.mlops
expect_exit 5 "px: still waiting for boss"
run approve production --key "$key_boss" --project px
expect_exit 0 "px: boss approves while his key is valid"
run run px/p.mlops
expect_exit 5 "px: production passes (staging waits)"
expect_stdout_contains "gate production: passed (approved by carol@x.example, boss@x.example" "px: both approvals count"
while (($(date -u +%s) <= expiry)); do sleep 0.5; done
run approve staging --key "$key_boss" --project px
expect_exit 6 "px: boss's key has expired: approve refuses"
expect_stderr_contains "approval refused: the key of boss@x.example expired at" "px: approve says the key expired"
# ssh-keygen verifies again, at each statement's own time (no cached verdict)
run --env MLOPS_VERIFY_CACHE=off run px/p.mlops
expect_exit 5 "px: after the key expired (staging waits)"
expect_stdout_contains "gate production: passed" "px: the approval signed before the expiry still counts"
run --env MLOPS_VERIFY_CACHE=off history --verify --project px
expect_exit 0 "px: history --verify after the key expired"
expect_stdout_contains "2 signatures verified (2 people)" "px: both signatures verify at their own time"

# ---- keys that cannot sign: exit 2, each with its reason
mkdir -p bad-keys/folder
printf 'not a key\n' >bad-keys/garbage
install -m 644 "$key_carol" bad-keys/shared
install -m 600 "$key_carol" bad-keys/locked
ssh-keygen -q -p -P '' -N 'correct horse' -f bad-keys/locked >/dev/null
for case in "missing:bad-keys/nope:the key \`bad-keys/nope\` (--key) does not exist" \
  "a folder:bad-keys/folder:the key \`bad-keys/folder\` (--key) is not a file" \
  "garbage:bad-keys/garbage:cannot read the key \`bad-keys/garbage\`" \
  "a private key others can read:bad-keys/shared:\`bad-keys/shared\` is readable by others (mode 0644): chmod 600 bad-keys/shared" \
  "a key with a passphrase, no terminal:bad-keys/locked:the key \`bad-keys/locked\` is protected by a passphrase and there is no terminal"; do
  IFS=: read -r what key reason <<<"$case"
  run approve staging --key "$key" --project p2
  expect_exit 2 "approve --key: $what"
  expect_stderr_contains "$reason" "approve --key: $what: the reason"
done

# ---- no ssh-keygen: nothing is signed or verified, exit 2
mkdir nokeygen && ln -s "$(command -v timeout)" nokeygen/timeout
for missing in "MLOPS_SSH_KEYGEN=/nonexistent:MLOPS_SSH_KEYGEN names \`/nonexistent\`, which is not an executable file" \
  "PATH=$E2E_WORK/nokeygen:ssh-keygen not found on PATH: signed approvals need OpenSSH 8.8 or later"; do
  IFS=: read -r setting reason <<<"$missing"
  run --env "$setting" approve staging --key "$key_carol" --project p2
  expect_exit 2 "approve, $setting"
  expect_stderr_contains "$reason" "approve, $setting: the reason"
  run --env "$setting" --env MLOPS_VERIFY_CACHE=off run p2/p.mlops
  expect_exit 2 "run with a signed approval to check, $setting"
  expect_stderr_contains "gate production: failed (cannot check the approvals' signatures: $reason" "run, $setting: the reason"
  run --env "$setting" history --verify --project p2
  expect_exit 2 "history --verify, $setting"
  expect_stderr_contains "$reason" "history --verify, $setting: the reason"
done

# ---- genuine approvals pass the gate and verify
run approve production --key "$key_boss" --project p2
expect_exit 0 "p2: boss approves production"
run run p2/p.mlops
expect_stdout_contains "gate production: passed (approved by carol@x.example, boss@x.example" \
  "genuine signed approvals pass the gate"
run history --verify --project p2
expect_exit 0 "history --verify of genuine approvals"
expect_stdout_contains "2 signatures verified (2 people) against \`p2/allowed_signers\`" "history --verify counts the signatures"

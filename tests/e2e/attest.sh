#!/usr/bin/env bash
# mlopsc attest and scripts/verify-release (docs/attest.md): the credit-risk
# example is approved with its demo keys, its gate passes, the pass is
# exported, and the export verifies with nothing but bash, ssh-keygen and
# coreutils' sha256sum, grep, sed, sort, tr and cat on PATH (no jq, no
# python3, no mlopsc). Tampered exports, a signers file without an
# approver's key and changed model files fail; attest refuses what it
# cannot export.
source "$(dirname "$0")/lib.bash"

command -v sqlite3 >/dev/null || { fail "the sqlite3 command-line tool is missing (scripts/install-deps)"; exit 1; }
VERIFY=$MLOPS_SOURCE_DIR/scripts/verify-release
# ssh-keygen's verdicts are cached per user: this test's own cache.
export MLOPS_VERIFY_CACHE=$E2E_WORK/cache/verified.db

# The only tools verify-release may use.
mkdir tools
for tool in bash ssh-keygen sha256sum grep sed sort tr cat; do
  ln -s "$(command -v "$tool")" "tools/$tool"
done
TOOLS=$E2E_WORK/tools

# verify ARG...: scripts/verify-release with PATH = exactly those tools;
# sets RC, $STDOUT and $STDERR as `run` does.
verify() {
  LAST_CMD="verify-release $*"
  set +e
  timeout -k 5 60 env -i PATH="$TOOLS" "$TOOLS/bash" "$VERIFY" "$@" >"$STDOUT" 2>"$STDERR"
  RC=$?
  set -e
  if ((RC == 124)); then fail "hang: \`$LAST_CMD\` did not finish within 60s"; fi
}

# resum DIR: SHA256SUMS recomputed, as someone covering a change would.
resum() {
  (cd "$1" && sha256sum README.txt allowed_signers approvals/* policy.json subjects.sha256 vsa.json >SHA256SUMS)
}

cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" cr
rm -rf cr/.mlops cr/build
chmod 600 cr/demo-keys/*.key
cd cr

run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.001
expect_exit 5 "the first run waits at the gate"
run attest production -o ../early
expect_exit 2 "attest before the gate passed"
expect_stderr_contains "mlopsc: error: gate \`production\` has not passed yet"
for who in carol grace alice; do
  run approve production --key "demo-keys/$who.key"
  expect_exit 0 "$who approves with her demo key"
done
run run credit_risk.mlops --secrets-file demo.secrets.env --interval-scale 0.001
expect_exit 0 "the second run passes the gate"
expect_stdout_contains "gate production: passed (approved by carol@bank.example, grace@bank.example, alice@bank.example"

# ---- the export
run attest production -o ../rel
expect_exit 0 "attest production"
expect_stdout_contains "wrote the release evidence of gate \`production\` (gate pass 1, "
expect_stdout_contains "3 signed approvals (1, 2, 3) in approvals/"
expect_stdout_contains "verify-release ../rel --signers "
cd ..
listing=$(cd rel && find . -type f | LC_ALL=C sort | tr '\n' ' ')
expect_eq "$listing" "./README.txt ./SHA256SUMS ./allowed_signers ./approvals/0001.json ./approvals/0001.json.sig \
./approvals/0002.json ./approvals/0002.json.sig ./approvals/0003.json ./approvals/0003.json.sig ./policy.json \
./subjects.sha256 ./vsa.json " "the export's files"
if cmp -s rel/allowed_signers cr/allowed_signers; then pass "the signers file is the project's"; else fail "rel/allowed_signers is not the project's"; fi
expect_json rel/vsa.json predicateType https://slsa.dev/verification_summary/v1
expect_json rel/vsa.json predicate.verificationResult PASSED
expect_json rel/vsa.json predicate.verifiedLevels '["MLOPSC_GATE_PASSED"]'
expect_json rel/vsa.json predicate.verifier.id https://mlopsc.example/gate/v1
expect_json rel/vsa.json predicate.policy.digest.sha256 "$(sha256sum <rel/policy.json | cut -d' ' -f1)"
expect_json rel/vsa.json 'len(predicate.inputAttestations)' 3
expect_json rel/vsa.json predicate.inputAttestations.1.digest.sha256 "$(sha256sum <rel/approvals/0002.json | cut -d' ' -f1)"
expect_json rel/vsa.json subject.0.name build/scorer.json
expect_json rel/vsa.json subject.0.digest.sha256 "$(sha256sum <cr/build/scorer.json | cut -d' ' -f1)"
resource=$(json_get rel/vsa.json predicate.resourceUri)
if [[ $resource =~ ^urn:mlopsc:credit_risk:model:scorer:[0-9a-f]{32}$ ]]; then
  pass "resourceUri $resource"
else
  fail "resourceUri: expected urn:mlopsc:credit_risk:model:scorer:ARTIFACT, got $resource"
fi
# The same pass exports the same bytes.
cd cr
run attest production -o ../again --pass 1
expect_exit 0 "attest pass 1 again, by number"
cd ..
if diff -r rel again >/dev/null; then pass "the same pass exports identical files"; else fail "two exports of one pass differ"; fi

# ---- verify-release, as an outsider
verify rel --signers cr/allowed_signers --model cr
expect_exit 0 "verify-release with the repository's signers file and the model"
expect_stdout_contains "PASSED: model scorer of project credit_risk for gate production"
expect_stdout_contains "approved by alice@bank.example, carol@bank.example, grace@bank.example"
expect_stdout_contains "model files in $E2E_WORK/cr verified"
expect_stderr_empty "no warning with --signers"
verify rel
expect_exit 0 "verify-release with the bundled signers file"
expect_stderr_contains "warning: checking against the allowed_signers file in the export"

# A byte flipped in a statement.
cp -r rel t-flip
sed -i 's/"role":"validators"/"role":"validatorz"/' t-flip/approvals/0001.json
verify t-flip --signers cr/allowed_signers
expect_exit 1 "a statement changed after signing"
expect_stderr_contains "FAILED: SHA256SUMS: files differ from their checksums"
# ... with SHA256SUMS recomputed.
resum t-flip
verify t-flip --signers cr/allowed_signers
expect_exit 1 "a changed statement with SHA256SUMS recomputed"
expect_stderr_contains "FAILED: approvals/0001.json has SHA-256 "
# ... and the summary's digest of it too: the signature is what fails.
sed -i "s/$(sha256sum <rel/approvals/0001.json | cut -d' ' -f1)/$(sha256sum <t-flip/approvals/0001.json | cut -d' ' -f1)/" \
  t-flip/vsa.json
resum t-flip
verify t-flip --signers cr/allowed_signers
expect_exit 1 "a changed statement with the summary and SHA256SUMS recomputed"
expect_stderr_contains "FAILED: approvals/0001.json: ssh-keygen -Y verify: "

# A summary left out of SHA256SUMS, and a line naming a file outside the export.
cp -r rel t-sums
grep -v ' vsa.json$' rel/SHA256SUMS >t-sums/SHA256SUMS
verify t-sums --signers cr/allowed_signers
expect_exit 1 "SHA256SUMS without vsa.json"
expect_stderr_contains "FAILED: SHA256SUMS does not list vsa.json"
printf '%064d  ../cr/build/scorer.json\n' 0 >>t-sums/SHA256SUMS
verify t-sums --signers cr/allowed_signers
expect_exit 1 "SHA256SUMS naming a file outside the export"
expect_stderr_contains "FAILED: SHA256SUMS: a line that names no file of the export: "

# An approval removed (the summary and SHA256SUMS made to agree).
cp -r rel t-removed
rm t-removed/approvals/0002.json t-removed/approvals/0002.json.sig
verify t-removed --signers cr/allowed_signers
expect_exit 1 "an approval removed"
expect_stderr_contains "FAILED: SHA256SUMS: "
sed -i 's|{"digest":{"sha256":"[0-9a-f]*"},"uri":"approvals/0002.json"},||' t-removed/vsa.json
resum t-removed
verify t-removed --signers cr/allowed_signers
expect_exit 1 "an approval removed from the summary too"
expect_stderr_contains "FAILED: role validators needs 2 approval(s) by its members, found 1 (carol@bank.example)"

# The bundled signers file swapped for one with an extra key.
cp -r rel t-signers
ssh-keygen -q -t ed25519 -N '' -C mallory -f mallory
printf 'mallory@bank.example namespaces="mlops-approval",valid-after="20260101Z" %s\n' \
  "$(cut -d' ' -f1,2 mallory.pub)" >>t-signers/allowed_signers
resum t-signers
verify t-signers
expect_exit 1 "the bundled signers file swapped"
expect_stderr_contains "was signed under another allowed_signers than the one in the export"

# A signers file without carol's key (the repository's at another commit).
grep -v '^carol@' cr/allowed_signers >no-carol
verify rel --signers no-carol
expect_exit 1 "a signers file without carol's key"
expect_stderr_contains "FAILED: approvals/0001.json: its signing key is not in $E2E_WORK/no-carol"

# Other model files.
cp -r cr cr-retrained
printf ' ' >>cr-retrained/build/scorer.json
verify rel --signers cr/allowed_signers --model cr-retrained
expect_exit 1 "model files other than the approved ones"
expect_stderr_contains "FAILED: the model files in $E2E_WORK/cr-retrained are not the approved ones"
verify
expect_exit 2 "verify-release without a folder"

# ---- attest's refusals
cd cr
run attest production -o ../rel
expect_exit 2 "attest into a non-empty folder"
expect_stderr_contains "\`../rel\` is not empty"
run attest nosuch -o ../x
expect_exit 2 "attest an unknown gate"
expect_stderr_contains "no gate \`nosuch\` in the pipeline of the latest run"
run attest production -o ../x --pass 9
expect_exit 2 "attest a pass that does not exist"
expect_stderr_contains "no gate pass 9 in the record"
mkdir ../path-without-keygen
ln -s "$(command -v timeout)" ../path-without-keygen/timeout
run --env PATH="$E2E_WORK/path-without-keygen" attest production -o ../x
expect_exit 2 "attest without ssh-keygen on PATH"
expect_stderr_contains "mlopsc: error: ssh-keygen not found on PATH"
run --env MLOPS_SSH_KEYGEN=/nonexistent attest production -o ../x
expect_exit 2 "attest with MLOPS_SSH_KEYGEN naming nothing"
expect_stderr_contains "MLOPS_SSH_KEYGEN names \`/nonexistent\`, which is not an executable file"
run attest production -o ../x --signers ../no-carol
expect_exit 2 "attest with another signers file than the pass used"
expect_stderr_contains "gate pass 1 verified its approvals against another allowed_signers"
# ssh-keygen refusing a signature (uncached): the row is named, exit 6.
printf '#!/bin/sh\necho "Signature verification failed: incorrect signature" >&2\nexit 255\n' >../refusing-keygen
chmod +x ../refusing-keygen
run --env MLOPS_SSH_KEYGEN="$E2E_WORK/refusing-keygen" --env MLOPS_VERIFY_CACHE=off attest production -o ../x
expect_exit 6 "attest when an exported signature does not verify"
expect_stderr_contains "mlopsc: error: approval 1 (carol@bank.example for gate:production, "
expect_stderr_contains "): ssh-keygen: Signature verification failed: incorrect signature"
expect_stderr_contains "no release evidence written"
if [[ -e ../x ]]; then fail "a refused attest wrote ../x"; else pass "the refused attests wrote nothing"; fi
cd ..

# A row of the approvals log changed outside mlopsc: nothing is exported.
cp -r cr cr-tampered
sqlite3 cr-tampered/.mlops/state.db "DROP TRIGGER approvals_no_update; UPDATE approvals SET comment = 'ok' WHERE id = 2"
cd cr-tampered
run attest production -o ../x
cd ..
expect_exit 6 "attest from a tampered approvals log"
expect_stderr_contains "approval 2"
expect_stderr_contains "no release evidence written"
if [[ -e x ]]; then fail "attest wrote x from a tampered log"; else pass "nothing written from a tampered log"; fi

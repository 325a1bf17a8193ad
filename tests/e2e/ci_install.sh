#!/usr/bin/env bash
# The generated CI jobs install mlopsc of the compiler's version from its
# release archive and check its sha256 before running anything
# (emit/mlopsc_install.h, docs/ci.md §2): the GitHub composite action
# (actions/setup-mlopsc) and the GitLab before_script, run here as the
# platforms run them, with file:// archives, `env -i` and a PATH without the
# build tree; a tampered archive stops them. W0706 says when the jobs would
# install from nowhere or unpinned.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

# ---- the release archive of this build
release_archive
[[ ${#sha} -eq 64 ]] && pass "the archive has a sha256 file" || fail "no sha256 in $archive.sha256"
template="file://$E2E_WORK/dist/mlopsc-{version}-linux-x86_64.tar.gz"

cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" repo
rm -rf repo/.mlops repo/build/mlops
cd repo

# ---- W0706: the default addresses publish nothing yet; unpinned; pinned
run build credit_risk.mlops -o ci-default --color=never
expect_exit 0 "build with the default release addresses"
expect_stderr_contains "warning[W0706]: the GitHub Actions jobs would install mlopsc $version from \`mlopsc/mlopsc/actions/setup-mlopsc@v$version\`, where no release is published yet" \
  "W0706 names the unpublished setup action"
expect_stderr_contains "warning[W0706]: the GitLab CI jobs would install mlopsc $version from \`https://github.com/mlopsc/mlopsc/releases/download/v$version/" \
  "W0706 names the unpublished archive address"
run build credit_risk.mlops -o ci-unpinned --color=never --emit=gitlab \
  --ci-mlopsc-url 'https://mirror.example/mlopsc-{version}.tar.gz'
expect_stderr_contains "warning[W0706]: the GitLab CI jobs install mlopsc from \`https://mirror.example/mlopsc-$version.tar.gz\` without a pinned checksum" \
  "an https mirror without --ci-mlopsc-sha256 is not pinned"
run build credit_risk.mlops -o ci --color=never --ci-mlopsc-url "$template" \
  --ci-setup-action shop/ci-actions/setup-mlopsc@v1 --ci-mlopsc-image "registry.example/mlopsc@sha256:$sha"
expect_exit 0 "build with a file:// mirror"
expect_stderr_not_contains "W0706" "a file:// archive is hashed at build time: no W0706"
run build credit_risk.mlops -o bad --ci-mlopsc-sha256 xyz
expect_exit 2 "a malformed --ci-mlopsc-sha256"
expect_stderr_contains "expected 64 hexadecimal digits" "says what a checksum is"
run build credit_risk.mlops -o bad --ci-mlopsc-url "file://$E2E_WORK/nowhere-{version}.tar.gz"
expect_exit 2 "a file:// archive that does not exist"
expect_stderr_contains "cannot read $E2E_WORK/nowhere-$version.tar.gz" "names the missing archive"
run build credit_risk.mlops -o bad --ci-mlopsc-url "ftp://mirror.example/x.tar.gz"
expect_exit 2 "an ftp:// address"

# ---- GitHub: the composite action, run as the runner runs it (bash, env -i)
python3 - "$MLOPS_SOURCE_DIR/actions/setup-mlopsc/action.yml" ci/github/main.yml >gh.env <<'PY'
import shlex, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
workflow = yaml.safe_load(open(sys.argv[2]))
step = next(s for s in workflow["jobs"]["step-features"]["steps"] if s.get("name") == "Install mlopsc")
inputs = {k: v["default"] for k, v in action["inputs"].items() if "default" in v}
inputs.update({k: str(v) for k, v in step["with"].items()})
(run,) = [s for s in action["runs"]["steps"]]
env = {k: v.replace("${{ inputs.%s }}" % k2, inputs.get(k2, "")) for k, v in run["env"].items() for k2 in ["version", "url", "sha256"] if "inputs.%s" % k2 in v}
print("uses=" + shlex.quote(step["uses"]))
print("shell=" + shlex.quote(run["shell"]))
for k, v in env.items():
    print(k + "=" + shlex.quote(v))
open("action-run.sh", "w").write(run["run"])
PY
# shellcheck disable=SC1091
source gh.env
expect_eq "$uses" "shop/ci-actions/setup-mlopsc@v1" "the install step uses the --ci-setup-action"
expect_eq "$MLOPSC_SHA256" "$sha" "the workflow pins the archive's sha256"
expect_eq "$MLOPSC_VERSION" "$version" "the workflow pins the compiler's version"
# How the runner starts the step: `shell: sh` is `sh -e {0}`.
action_shell=("$shell" -e)
run_action() {  # TEMP_DIR: runs the action's step with the workflow's inputs; sets RC
  mkdir -p "$1"
  : >"$1/github_path"
  env -i PATH=/usr/bin:/bin HOME="$1" RUNNER_TEMP="$1" GITHUB_PATH="$1/github_path" \
    GITHUB_ACTION_PATH="$MLOPS_SOURCE_DIR/actions/setup-mlopsc" MLOPSC_VERSION="$MLOPSC_VERSION" \
    MLOPSC_URL="$MLOPSC_URL" MLOPSC_SHA256="$MLOPSC_SHA256" "${action_shell[@]}" action-run.sh >"$1/log" 2>&1 && RC=0 || RC=$?
}
run_action "$E2E_WORK/gh"
expect_eq "$RC" 0 "the setup action installs the archive ($(tail -n 3 "$E2E_WORK/gh/log" | tr '\n' ' '))"
bin_dir=$(head -n1 "$E2E_WORK/gh/github_path")
[[ $bin_dir == "$E2E_WORK/gh/"* ]] && pass "it adds the install's bin folder to GITHUB_PATH" || fail "GITHUB_PATH holds '$bin_dir'"
expect_eq "$(env -i PATH="$bin_dir:/usr/bin:/bin" mlopsc --version | head -n1)" "mlopsc $version" \
  "the installed mlopsc is on the job's PATH, with env -i"
(cd "$E2E_WORK/repo" && env -i PATH="$bin_dir:/usr/bin:/bin" HOME="$E2E_WORK/gh" mlopsc check credit_risk.mlops) \
  >/dev/null 2>&1 && pass "and checks the example with its own stdlib" || fail "the installed mlopsc cannot check the example"
run_action "$E2E_WORK/gh"
grep -q "already installed" "$E2E_WORK/gh/log" && pass "a second run reuses the install" || fail "the second run did not reuse it"
# The same step under bash as GitHub runs `shell: bash` (and a `run:` step
# without a shell on Linux): the script is POSIX sh and must hold there too.
action_shell=(bash --noprofile --norc -eo pipefail)
run_action "$E2E_WORK/gh-bash"
expect_eq "$RC" 0 "the setup action's step runs under bash -eo pipefail ($(tail -n 3 "$E2E_WORK/gh-bash/log" | tr '\n' ' '))"
expect_eq "$(env -i PATH="$(head -n1 "$E2E_WORK/gh-bash/github_path"):/usr/bin:/bin" mlopsc --version | head -n1)" "mlopsc $version" \
  "and installs mlopsc from the file:// archive onto GITHUB_PATH"
action_shell=("$shell" -e)
# A tampered archive: same name, one byte changed.
cp "$archive" "$E2E_WORK/dist/good.tar.gz"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1; open(sys.argv[1], "wb").write(b)' "$archive"
run_action "$E2E_WORK/gh-tampered"
expect_eq "$RC" 1 "the setup action refuses a tampered archive"
grep -q "checksum mismatch" "$E2E_WORK/gh-tampered/log" && pass "it says: checksum mismatch" ||
  fail "no checksum message: $(cat "$E2E_WORK/gh-tampered/log")"
[[ ! -e $E2E_WORK/gh-tampered/mlopsc/$version/bin/mlopsc ]] && pass "and installs nothing" || fail "a tampered mlopsc was installed"
# Without a pinned checksum: the .sha256 beside the archive, with a warning.
cp "$E2E_WORK/dist/good.tar.gz" "$archive"
MLOPSC_SHA256='' run_action "$E2E_WORK/gh-unpinned"
expect_eq "$RC" 0 "without a pinned checksum the .sha256 beside the archive is used"
grep -q "warning: no pinned checksum" "$E2E_WORK/gh-unpinned/log" && pass "with a warning" || fail "no warning when unpinned"

# ---- GitLab: the jobs' before_script, as the shell executor runs it
python3 - ci/gitlab/.gitlab-ci.yml >gl.sh <<'PY'
import shlex, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for k, v in doc["variables"].items():
    # GitLab's `$$` is a literal `$`.
    print("export %s=%s" % (k, shlex.quote(str(v).replace("$$", "$"))))
print("\n".join(doc["default"]["before_script"]))
print('command -v mlopsc')
print('mlopsc --version')
PY
mkdir gl-project
env -i PATH=/usr/bin:/bin HOME="$E2E_WORK/gl-home" CI_PROJECT_DIR="$E2E_WORK/gl-project" \
  bash -eo pipefail gl.sh >gl.log 2>&1 && RC=0 || RC=$?
expect_eq "$RC" 0 "the GitLab before_script installs mlopsc ($(tail -n 3 gl.log | tr '\n' ' '))"
grep -qx "$E2E_WORK/gl-project/.mlopsc/$version/bin/mlopsc" gl.log && pass "into the job's folder, first on PATH" ||
  fail "mlopsc not from the job's folder: $(cat gl.log | tail -n 5)"
grep -qx "mlopsc $version" gl.log && pass "the job's mlopsc is the compiler's version" || fail "wrong version: $(tail -n 2 gl.log)"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[100] ^= 1; open(sys.argv[1], "wb").write(b)' "$archive"
rm -rf gl-project && mkdir gl-project
env -i PATH=/usr/bin:/bin HOME="$E2E_WORK/gl-home" CI_PROJECT_DIR="$E2E_WORK/gl-project" \
  bash -eo pipefail gl.sh >gl.log 2>&1 && RC=0 || RC=$?
expect_eq "$RC" 1 "the GitLab job stops at a tampered archive"
grep -q "checksum mismatch" gl.log && pass "saying why" || fail "no reason: $(tail -n 3 gl.log)"
cp "$E2E_WORK/dist/good.tar.gz" "$archive"

# ---- Argo: an init container copies mlopsc from the pinned image
python3 - ci/argo/main.yaml "$sha" <<'PY' && pass "every Argo node template copies mlopsc from the pinned image and runs it from the shared volume" || fail "Argo templates do not install mlopsc"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
sha = sys.argv[2]
assert {"name": "mlopsc", "emptyDir": {}} in doc["spec"]["volumes"]
nodes = [t for t in doc["spec"]["templates"] if "container" in t]
assert nodes
for t in nodes:
    (init,) = t["initContainers"]
    assert init["image"] == "registry.example/mlopsc@sha256:" + sha, init["image"]
    assert init["command"] == ["cp", "-a", "/opt/mlopsc/.", "/mlops-tools"], init["command"]
    assert t["container"]["command"] == ["/mlops-tools/bin/mlopsc"]
    assert {"name": "mlopsc", "mountPath": "/mlops-tools"} in t["container"]["volumeMounts"]
PY
# (tests/e2e/ci.sh runs the platforms' validators on the generated files, install steps included.)
